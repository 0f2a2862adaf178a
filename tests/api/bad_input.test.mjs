// Bad input gets a clear error and writes nothing (DESIGN.md invariant 8). Each
// refused request is followed by a check that the staff list and the audit log are
// exactly as before.
import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, test } from 'node:test'

import { startServer } from '../lib/server.mjs'
import { assertError, client, rawExchange } from './client.mjs'

const LIMIT = 1 << 20 // the default body limit

let srv, c, s, bureauId

before(async () => {
  srv = await startServer()
  c = client(srv.url)
  s = await c.signIn('director')
  bureauId = s.user.bureau.id
})
after(() => srv?.stop())

// What a write would change: the number of staff in scope and of audit entries.
async function footprint() {
  const staff = await c.all('/api/v1/staff?limit=200', { token: s.token })
  const audit = await c.get('/api/v1/audit-log/verify', { token: s.token })
  assert.equal(audit.status, 200)
  return { staff: staff.length, audit: audit.json.count }
}

// Runs 'fn' (which sends bad requests) and checks that nothing was written.
async function writesNothing(fn) {
  const before = await footprint()
  await fn()
  assert.deepEqual(await footprint(), before, 'the store is unchanged')
}

const post = (body, opts) => c.post('/api/v1/staff', body, { token: s.token, ...opts })
const postRaw = (raw, headers = { 'content-type': 'application/json' }) =>
  c.request('POST', '/api/v1/staff', { token: s.token, raw, headers })

test('malformed JSON is 400', () =>
  writesNothing(async () => {
    assertError(await postRaw('{"name": "张三",'), 400, 'malformed', null)
    assertError(await postRaw('{"name": "张三"} trailing'), 400, 'malformed')
    assertError(await postRaw('[1, 2, 3]'), 400, 'malformed')
    assertError(await postRaw('"just a string"'), 400, 'malformed')
    assertError(await postRaw('{"name": "a", "name": "b"}'), 400, 'malformed')
    assertError(await c.request('POST', '/api/v1/staff', { token: s.token }), 400, 'malformed')
    const en = await c.request('POST', '/api/v1/staff', {
      token: s.token,
      raw: '{"a":',
      headers: { 'content-type': 'application/json' },
      lang: 'en',
    })
    assert.match(en.json.error.message, /line 1/)
  }))

test('a body that is not JSON is 415', () =>
  writesNothing(async () => {
    assertError(await postRaw('name=张三', { 'content-type': 'application/x-www-form-urlencoded' }), 415,
      'unsupported_media_type')
    assertError(await postRaw('{"name":"x"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type')
    assertError(await postRaw('{"name":"x"}', {}), 415, 'unsupported_media_type')
    assertError(await postRaw('{"name":"x"}', { 'content-type': 'application/jsonp' }), 415, 'unsupported_media_type')
  }))

test('a body over the limit is 413, by Content-Length and when chunked', () =>
  writesNothing(async () => {
    const big = Buffer.alloc(LIMIT + 1, 'a')
    assertError(await postRaw(big), 413, 'too_large', null)

    // Chunked: no Content-Length, so the server counts as it reads and stops keeping the body.
    const res = await new Promise((resolve, reject) => {
      const { port, hostname } = new URL(srv.url)
      const req = http.request(
        { host: hostname, port, method: 'POST', path: '/api/v1/staff',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' } },
        (r) => {
          let text = ''
          r.on('data', (d) => (text += d))
          r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, text }))
        },
      )
      req.on('error', reject)
      const piece = Buffer.alloc(64 * 1024, 'b')
      for (let i = 0; i < 20; i++) req.write(piece)
      req.end()
    })
    assert.equal(res.status, 413)
    assert.equal(JSON.parse(res.text).error.code, 'too_large')
    assert.match(res.headers['x-request-id'], /^[0-9a-f]{16}$/)

    // Declared too big: refused before the body is sent, when the client waits for
    // 100 Continue, or when the body would be absurd to read through.
    const head = (len, extra = '') =>
      `POST /api/v1/staff HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${len}\r\n${extra}\r\n`
    for (const request of [head(LIMIT + 1, 'Expect: 100-continue\r\n'), head(1e12)]) {
      const reply = (await rawExchange(srv.url, request)).toString()
      assert.match(reply, /^HTTP\/1\.1 413 /)
      assert.match(reply, /\r\nX-Request-Id: [0-9a-f]{16}\r\n/i)
      assert.match(reply, /"code":"too_large"/)
    }
    // A length past 64 bits is libmicrohttpd's to refuse, before luzhi sees the request.
    assert.match((await rawExchange(srv.url, head('99999999999999999999999'))).toString(), /^HTTP\/1\.1 413 /)

    // A body just under the limit is read (and refused for what it is, not for its size).
    const justUnder = `{"name":"${'x'.repeat(LIMIT - 20)}"}`
    assertError(await postRaw(justUnder), 422, 'invalid_field')
  }))

test('wrong field types are 422 naming the field', () =>
  writesNothing(async () => {
    const good = { bureau_id: bureauId, employee_no: 'T-1', name: '类型测试' }
    assertError(await post({ ...good, bureau_id: 'abc' }), 422, 'invalid_field', 'bureau_id')
    assertError(await post({ ...good, bureau_id: 1.5 }), 422, 'invalid_field', 'bureau_id')
    assertError(await post({ ...good, name: 123 }), 422, 'invalid_field', 'name')
    assertError(await post({ ...good, name: ['a'] }), 422, 'invalid_field', 'name')
    assertError(await post({ ...good, employee_no: { a: 1 } }), 422, 'invalid_field', 'employee_no')
    assertError(await post({ ...good, department_id: '1' }), 422, 'invalid_field', 'department_id')
    assertError(await post({ ...good, hired_on: 'yesterday' }), 422, 'invalid_field', 'hired_on')
    assertError(await post({ ...good, status: 'retired' }), 422, 'invalid_field', 'status')
    assertError(await post({ ...good, salary: 1 }), 422, 'invalid_field', 'salary')
    assertError(await c.post('/api/v1/departments', { bureau_id: String(bureauId), name: 'x' }, { token: s.token }),
      422, 'invalid_field', 'bureau_id')
  }))

test('missing required fields are 422 naming the field', () =>
  writesNothing(async () => {
    assertError(await post({ bureau_id: bureauId, employee_no: 'T-2' }), 422, 'invalid_field', 'name')
    assertError(await post({ bureau_id: bureauId, name: '无工号' }), 422, 'invalid_field', 'employee_no')
    assertError(await post({ employee_no: 'T-2', name: '无单位' }), 422, 'invalid_field', 'bureau_id')
    assertError(await post({ bureau_id: bureauId, employee_no: 'T-2', name: '   ' }), 422, 'invalid_field', 'name')
    assertError(await post({}), 422, 'invalid_field')
    assertError(await c.post('/api/v1/departments', { bureau_id: bureauId }, { token: s.token }), 422,
      'invalid_field', 'name')
  }))

test('invalid UTF-8 in the body is 400', () =>
  writesNothing(async () => {
    const prefix = Buffer.from(`{"bureau_id":${bureauId},"employee_no":"U-1","name":"`)
    const suffix = Buffer.from('"}')
    for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8]]) {
      const r = await postRaw(Buffer.concat([prefix, Buffer.from(bad), suffix]))
      assertError(r, 400, 'malformed', null)
    }
  }))

test('a 10,000-character name is 422', () =>
  writesNothing(async () => {
    const r = await post({ bureau_id: bureauId, employee_no: 'L-1', name: '长'.repeat(10000) })
    assertError(r, 422, 'invalid_field', 'name')
    assertError(await post({ bureau_id: bureauId, employee_no: 'L-1', name: 'a'.repeat(65) }), 422, 'invalid_field',
      'name')
  }))

test('NUL bytes in strings are refused', () =>
  writesNothing(async () => {
    assertError(await post({ bureau_id: bureauId, employee_no: 'N-1', name: 'a\u0000b' }), 400, 'malformed')
    const raw = Buffer.from(`{"bureau_id":${bureauId},"employee_no":"N-1","name":"a\u0000b"}`)
    assertError(await postRaw(raw), 400, 'malformed')
    assertError(await c.get('/api/v1/staff?q=a%00b', { token: s.token }), 400, 'malformed')
  }))

test('SQL metacharacters are stored verbatim', async () => {
  const before = await footprint()
  const names = ["Robert'); DROP TABLE staff;--", '" OR ""="', '100% _done_ \\ ;', "王' OR '1'='1"]
  const ids = []
  for (const [i, name] of names.entries()) {
    const r = await post({ bureau_id: bureauId, employee_no: `SQL-${i}'--`, name, post: '%' })
    assert.equal(r.status, 201, r.text)
    assert.equal(r.json.name, name)
    assert.equal(r.json.employee_no, `SQL-${i}'--`)
    assert.equal(r.headers.get('location'), `/api/v1/staff/${r.json.id}`)
    ids.push(r.json.id)
  }
  for (const [i, id] of ids.entries()) assert.equal((await c.get(`/api/v1/staff/${id}`, { token: s.token })).json.name, names[i])
  const after = await footprint()
  assert.equal(after.staff, before.staff + names.length, 'exactly the new rows, no others touched')
  assert.equal(after.audit, before.audit + names.length)
  // Search with metacharacters matches them literally.
  const q = await c.get(`/api/v1/staff?q=${encodeURIComponent('100% _done_')}`, { token: s.token })
  assert.deepEqual(q.json.items.map((x) => x.name), [names[2]])
  const pct = await c.get(`/api/v1/staff?q=${encodeURIComponent("'1'='1")}`, { token: s.token })
  assert.deepEqual(pct.json.items.map((x) => x.name), [names[3]])
})

test('bad query values: invalid UTF-8 is 400, too long or not a number is 422', () =>
  writesNothing(async () => {
    assertError(await c.get('/api/v1/staff?q=%ff%fe', { token: s.token }), 400, 'malformed')
    assertError(await c.get(`/api/v1/staff?q=${'a'.repeat(257)}`, { token: s.token }), 422, 'invalid_field', 'q')
    assertError(await c.get('/api/v1/staff?limit=abc', { token: s.token }), 422, 'invalid_field', 'limit')
    assertError(await c.get('/api/v1/staff?limit=201', { token: s.token }), 422, 'invalid_field', 'limit')
    assertError(await c.get('/api/v1/staff?limit=-1', { token: s.token }), 422, 'invalid_field', 'limit')
    assertError(await c.get('/api/v1/staff?cursor=zz', { token: s.token }), 422, 'invalid_field', 'cursor')
    assertError(await c.get('/api/v1/staff?cursor=1e3', { token: s.token }), 422, 'invalid_field', 'cursor')
    assertError(await c.get('/api/v1/staff?bureau_id=x', { token: s.token }), 422, 'invalid_field', 'bureau_id')
    assertError(await c.get('/api/v1/audit-log?from=today', { token: s.token }), 422, 'invalid_field', 'from')
    assertError(await c.get('/api/v1/users?cursor=0', { token: s.token }), 422, 'invalid_field', 'cursor')
    assertError(await c.get('/api/v1/staff/abc', { token: s.token }), 404, 'not_found')
    assertError(await c.get('/api/v1/staff/99999999999999999999', { token: s.token }), 404, 'not_found')
  }))
