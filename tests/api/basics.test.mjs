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

test('a 422 in zh-CN names the field before the domain message', async () => {
  const s = await c.signIn('director')
  const r = await c.get('/api/v1/staff?limit=0', { token: s.token })
  assertError(r, 422, 'invalid_field', 'limit')
  assert.match(r.json.error.message, /^字段 limit 无效：/)
  const en = await c.get('/api/v1/staff?limit=0', { token: s.token, lang: 'en' })
  assert.doesNotMatch(en.json.error.message, /字段/)
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
