// Sessions: signing in and out, Bearer and cookie sessions, CSRF on cookie writes,
// forged tokens, and sign-in throttling.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, test } from 'node:test'

import { DEMO_PASSWORD, startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c

before(async () => {
  srv = await startServer()
  c = client(srv.url)
})
after(() => srv?.stop())

test('sign in answers a token, a CSRF token, the user and a strict HttpOnly cookie', async () => {
  const r = await c.post('/api/v1/session', { login: 'director', password: DEMO_PASSWORD })
  assert.equal(r.status, 200)
  assert.match(r.json.token, /^[A-Za-z0-9_-]{43}$/)
  assert.match(r.json.csrf_token, /^[A-Za-z0-9_-]{43}$/)
  assert.equal(r.json.user.login, 'director')
  assert.equal(r.json.user.role, 'director')
  assert.equal(r.json.user.bureau.code, '420000')
  const cookie = r.headers.get('set-cookie')
  assert.match(cookie, new RegExp(`^lz_session=${r.json.token}; `))
  for (const attr of ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=']) assert.ok(cookie.includes(attr), attr)
  assert.ok(!cookie.includes('Secure'), 'no Secure flag over plain HTTP')
})

test('behind an HTTPS proxy the cookie is Secure', async () => {
  const r = await c.post(
    '/api/v1/session',
    { login: 'auditor', password: DEMO_PASSWORD },
    { headers: { 'x-forwarded-proto': 'https' } },
  )
  assert.equal(r.status, 200)
  assert.match(r.headers.get('set-cookie'), /; Secure/)
})

test('GET /session answers the user and the CSRF token, by Bearer or by cookie', async () => {
  const s = await c.signIn('clerk')
  for (const auth of [{ token: s.token }, { cookie: s.cookie }]) {
    const r = await c.get('/api/v1/session', auth)
    assert.equal(r.status, 200)
    assert.equal(r.json.user.login, 'clerk')
    assert.equal(r.json.csrf_token, s.csrf)
  }
})

test('a wrong password, an unknown login and a missing field', async () => {
  const wrong = await c.post('/api/v1/session', { login: 'reviewer', password: 'not-the-password' })
  assertError(wrong, 401, 'unauthenticated', null)
  const unknown = await c.post('/api/v1/session', { login: 'nobody-here', password: 'not-the-password' })
  assertError(unknown, 401, 'unauthenticated', null)
  assert.equal(unknown.json.error.message, wrong.json.error.message, 'the same answer for both')
  assertError(await c.post('/api/v1/session', { login: 'reviewer' }), 422, 'invalid_field', 'password')
  assertError(await c.post('/api/v1/session', { login: 7, password: 'x' }), 422, 'invalid_field', 'login')
  assertError(await c.post('/api/v1/session', { login: 'a', password: 'b', extra: 1 }), 422, 'invalid_field', 'extra')
})

test('a forged or malformed session is 401', async () => {
  const forged = crypto.randomBytes(32).toString('base64url')
  assertError(await c.get('/api/v1/staff', { token: forged }), 401, 'unauthenticated')
  assertError(await c.get('/api/v1/staff', { cookie: `lz_session=${forged}` }), 401, 'unauthenticated')
  assertError(await c.get('/api/v1/staff', { token: 'x' }), 401, 'unauthenticated')
  assertError(await c.get('/api/v1/staff', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'unauthenticated')
  assertError(await c.get('/api/v1/staff', { token: "' OR 1=1 --" }), 401, 'unauthenticated')
})

test('a cookie session must send X-CSRF-Token on writes; a Bearer session need not', async () => {
  const s = await c.signIn('director')
  const staff = (await c.get('/api/v1/staff?limit=1', { token: s.token })).json.items[0]
  const change = { post: '科长' }

  assertError(await c.patch(`/api/v1/staff/${staff.id}`, change, { cookie: s.cookie }), 403, 'csrf')
  assertError(await c.patch(`/api/v1/staff/${staff.id}`, change, { cookie: s.cookie, csrf: 'wrong' }), 403, 'csrf')
  const other = await c.signIn('admin')
  assertError(
    await c.patch(`/api/v1/staff/${staff.id}`, change, { cookie: s.cookie, csrf: other.csrf }),
    403,
    'csrf',
  )
  const unchanged = await c.get(`/api/v1/staff/${staff.id}`, { token: s.token })
  assert.equal(unchanged.json.post, staff.post, 'nothing written by refused requests')

  const ok = await c.patch(`/api/v1/staff/${staff.id}`, change, { cookie: s.cookie, csrf: s.csrf })
  assert.equal(ok.status, 200, ok.text)
  assert.equal(ok.json.post, '科长')
  const bearer = await c.patch(`/api/v1/staff/${staff.id}`, { post: staff.post }, { token: s.token })
  assert.equal(bearer.status, 200, bearer.text)
  // Reads need no CSRF token.
  assert.equal((await c.get('/api/v1/staff?limit=1', { cookie: s.cookie })).status, 200)
})

test('sign out ends the session and clears the cookie', async () => {
  const s = await c.signIn('inspector')
  assertError(await c.del('/api/v1/session', { cookie: s.cookie }), 403, 'csrf')
  const r = await c.del('/api/v1/session', { cookie: s.cookie, csrf: s.csrf })
  assert.equal(r.status, 204)
  assert.equal(r.text, '')
  assert.match(r.headers.get('set-cookie'), /^lz_session=; .*Max-Age=0/)
  assertError(await c.get('/api/v1/session', { token: s.token }), 401, 'unauthenticated')
  assertError(await c.del('/api/v1/session', { token: s.token }), 401, 'unauthenticated')

  const b = await c.signIn('inspector')
  assert.equal((await c.del('/api/v1/session', { token: b.token })).status, 204)
  assertError(await c.get('/api/v1/session', { token: b.token }), 401, 'unauthenticated')
})

test('repeated failed sign-ins are throttled with 429 and Retry-After', async () => {
  let r
  for (let i = 0; i < 10; i++) {
    r = await c.post('/api/v1/session', { login: 'discipline', password: `wrong-${i}-password` })
    if (r.status === 429) break
    assertError(r, 401, 'unauthenticated')
  }
  assertError(r, 429, 'throttled', null)
  assert.match(r.headers.get('retry-after'), /^\d+$/)
  assert.equal(r.json.error.message, '尝试次数过多，请稍后再试')
  // Throttled even with the right password: the check comes before the password.
  assertError(await c.post('/api/v1/session', { login: 'discipline', password: DEMO_PASSWORD }), 429, 'throttled')
})

test('behind the local proxy, throttling counts the address in X-Real-IP', async () => {
  const from = (ip) => ({ headers: { 'x-real-ip': ip } })
  let r
  for (let i = 0; i < 40; i++) {
    r = await c.post('/api/v1/session', { login: `ghost-${i}`, password: 'not-the-password' }, from('203.0.113.7'))
    if (r.status === 429) break
    assertError(r, 401, 'unauthenticated')
  }
  assertError(r, 429, 'throttled')
  assertError(await c.post('/api/v1/session', { login: 'ombudsman', password: DEMO_PASSWORD }, from('203.0.113.7')),
    429, 'throttled')
  // Another client of the same proxy is not affected, nor is one that names no address.
  const other = await c.post('/api/v1/session', { login: 'ombudsman', password: DEMO_PASSWORD }, from('198.51.100.2'))
  assert.equal(other.status, 200, other.text)
  assert.equal((await c.post('/api/v1/session', { login: 'ombudsman', password: DEMO_PASSWORD })).status, 200)
  // Not an address: the connection's own address counts.
  assert.equal((await c.post('/api/v1/session', { login: 'ombudsman', password: DEMO_PASSWORD },
    from('203.0.113.7, 10.0.0.1'))).status, 200)
})
