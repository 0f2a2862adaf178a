// The HTTP shell's own behaviour: health, routing (404, 405), the headers every
// answer carries, error bodies in the request's language, the console and the
// OpenAPI document.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c

before(async () => {
  srv = await startServer()
  c = client(srv.url)
})
after(() => srv?.stop())

test('health answers ok and the version without a session', async () => {
  const r = await c.get('/api/v1/health')
  assert.equal(r.status, 200)
  assert.equal(r.json.status, 'ok')
  assert.match(r.json.version, /^\d+\.\d+\.\d+/)
})

test('every answer has its own request id', async () => {
  const ids = new Set()
  for (const path of ['/api/v1/health', '/api/v1/health', '/api/v1/nope', '/api/v1/staff', '/'])
    ids.add((await c.get(path)).headers.get('x-request-id'))
  assert.equal(ids.size, 5)
})

test('an unknown route is 404 not_found', async () => {
  assertError(await c.get('/api/v1/no-such-thing'), 404, 'not_found', null)
  assertError(await c.get('/api/v1/staff/1/nothing'), 404, 'not_found')
  assertError(await c.get('/api'), 404, 'not_found')
  assertError(await c.get('/public/v1/anything'), 404, 'not_found')
})

test('a known path with another method is 405 with Allow', async () => {
  const r = await c.request('PUT', '/api/v1/staff/1')
  assertError(r, 405, 'method_not_allowed')
  assert.deepEqual(r.headers.get('allow').split(', ').sort(), ['GET', 'HEAD', 'PATCH'])
  const d = await c.request('DELETE', '/api/v1/health')
  assertError(d, 405, 'method_not_allowed')
  assert.equal(d.headers.get('allow'), 'GET, HEAD')
})

test('HEAD is served where GET is', async () => {
  const r = await c.request('HEAD', '/api/v1/health')
  assert.equal(r.status, 200)
  assert.equal(r.text, '')
})

test('errors speak zh-CN by default and English when asked', async () => {
  const zh = await c.get('/api/v1/staff')
  assertError(zh, 401, 'unauthenticated', null)
  assert.equal(zh.json.error.message, '请先登录')
  const en = await c.get('/api/v1/staff', { lang: 'en-US,en;q=0.9,zh-CN;q=0.5' })
  assertError(en, 401, 'unauthenticated')
  assert.match(en.json.error.message, /sign in/i)
  const pref = await c.get('/api/v1/staff', { lang: 'en;q=0.4, zh-CN;q=0.8' })
  assert.equal(pref.json.error.message, '请先登录')
})

test('a 422 in zh-CN names the field as the forms do, in Chinese only', async () => {
  const s = await c.signIn('director')
  const r = await c.get('/api/v1/staff?limit=0', { token: s.token })
  assertError(r, 422, 'invalid_field', 'limit')
  assert.equal(r.json.error.message, '每页条数格式或取值不正确')
  const en = await c.get('/api/v1/staff?limit=0', { token: s.token, lang: 'en' })
  assert.match(en.json.error.message, /limit/)
  assert.doesNotMatch(en.json.error.message, /每页/)
  const missing = await c.post('/api/v1/staff', { bureau_id: 2, name: '张三' }, { token: s.token })
  assertError(missing, 422, 'invalid_field', 'employee_no')
  assert.equal(missing.json.error.message, '工号为必填项')
  const long = await c.post('/api/v1/staff', { bureau_id: 2, employee_no: 'X-1', name: '张'.repeat(65) }, { token: s.token })
  assertError(long, 422, 'invalid_field', 'name')
  assert.equal(long.json.error.message, '名称不能超过 64 个字符')
})

test('a wrong password and a taken value say so in zh-CN', async () => {
  const bad = await c.post('/api/v1/session', { login: 'director', password: 'not-the-password' })
  assertError(bad, 401, 'unauthenticated', null)
  assert.equal(bad.json.error.message, '账号或密码错误')
  const s = await c.signIn('admin')
  const taken = await c.post('/api/v1/users', { login: 'director', role: 'clerk', bureau_code: '420000', password: 'long-enough-1' }, { token: s.token })
  assertError(taken, 409, 'conflict', 'login')
  assert.equal(taken.json.error.message, '账号已被使用')
})

test('JSON answers are not cached; the OpenAPI document is served', async () => {
  const h = await c.get('/api/v1/health')
  assert.equal(h.headers.get('cache-control'), 'no-store')
  const r = await c.get('/api/v1/openapi.json')
  assert.equal(r.status, 200)
  assert.equal(r.json.openapi, '3.1.0')
  assert.ok(r.json.paths['/api/v1/staff'])
})

test('the console is served, with index.html for unknown paths', async () => {
  const root = await c.get('/')
  if (root.status === 404) return // a build without the console (web/dist empty)
  assert.equal(root.status, 200)
  assert.match(root.headers.get('content-type'), /^text\/html/)
  assert.equal(root.headers.get('cache-control'), 'no-cache')
  const deep = await c.get('/staff/12?tab=history')
  assert.equal(deep.status, 200)
  assert.equal(deep.text, root.text)
  assertError(await c.get('/assets/does-not-exist.js'), 404, 'not_found')
  assertError(await c.post('/staff', {}), 405, 'method_not_allowed')
})

test('console assets are cached for good', async (t) => {
  const root = await c.get('/')
  const m = /(?:src|href)="(\/assets\/[^"]+)"/.exec(root.text)
  if (!m) return t.skip('no assets in this build')
  const r = await c.get(m[1])
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable')
})
