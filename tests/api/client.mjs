// A small HTTP client for the API tests. Every answer it sees is checked for the
// headers luzhi promises on every response (X-Request-Id and the security headers),
// so each test checks them as a side effect.
//
//   const c = client(srv.url)
//   const s = await c.signIn('director')
//   const r = await c.get('/api/v1/staff?limit=5', { token: s.token })
//   assert.equal(r.status, 200)
import assert from 'node:assert/strict'
import net from 'node:net'

import { DEMO_PASSWORD } from '../lib/server.mjs'

export const REQUEST_ID = /^[0-9a-f]{16}$/

// Checks what every response carries.
export function checkCommonHeaders(headers, what) {
  assert.match(headers.get('x-request-id') ?? '', REQUEST_ID, `${what}: X-Request-Id`)
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`)
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`)
  assert.equal(headers.get('referrer-policy'), 'same-origin', `${what}: Referrer-Policy`)
  assert.match(headers.get('content-security-policy') ?? '', /default-src 'self'/, `${what}: CSP`)
}

// Asserts an error answer: status, code and (when given) the field it blames.
export function assertError(r, status, code, field) {
  assert.equal(r.status, status, `status of ${r.what}: ${r.text}`)
  assert.ok(r.json && r.json.error, `error body of ${r.what}: ${r.text}`)
  assert.equal(r.json.error.code, code, `code of ${r.what}: ${r.text}`)
  assert.equal(typeof r.json.error.message, 'string')
  assert.ok(r.json.error.message.length > 0)
  assert.ok('field' in r.json.error, 'error.field is always present')
  if (field !== undefined) assert.equal(r.json.error.field, field, `field of ${r.what}: ${r.text}`)
}

export function client(baseUrl) {
  // One request. 'body' is JSON-encoded unless 'raw' (a string or bytes) is given.
  async function request(method, path, { token, cookie, csrf, body, raw, headers = {}, lang } = {}) {
    const h = { ...headers }
    if (token) h.authorization = `Bearer ${token}`
    if (cookie) h.cookie = cookie
    if (csrf) h['x-csrf-token'] = csrf
    if (lang) h['accept-language'] = lang
    let payload
    if (raw !== undefined) {
      payload = raw
    } else if (body !== undefined) {
      payload = JSON.stringify(body)
      h['content-type'] ??= 'application/json'
    }
    const res = await fetch(baseUrl + path, { method, headers: h, body: payload, redirect: 'manual' })
    const text = await res.text()
    const what = `${method} ${path}`
    checkCommonHeaders(res.headers, what)
    let json = null
    if ((res.headers.get('content-type') ?? '').startsWith('application/json') && text) json = JSON.parse(text)
    return { status: res.status, headers: res.headers, text, json, what }
  }

  const c = {
    url: baseUrl,
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
    patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
    del: (path, opts) => request('DELETE', path, opts),

    // Signs in; answers { token, csrf, cookie, user }.
    async signIn(login, password = DEMO_PASSWORD) {
      const r = await request('POST', '/api/v1/session', { body: { login, password } })
      assert.equal(r.status, 200, `sign in as ${login}: ${r.text}`)
      const setCookie = r.headers.get('set-cookie') ?? ''
      const m = /lz_session=([^;]+)/.exec(setCookie)
      assert.ok(m, `a session cookie for ${login}`)
      return { token: r.json.token, csrf: r.json.csrf_token, cookie: `lz_session=${m[1]}`, user: r.json.user }
    },

    // Reads every page of a list, following next_cursor.
    async all(path, opts) {
      const items = []
      let cursor = null
      for (;;) {
        const sep = path.includes('?') ? '&' : '?'
        const r = await request('GET', cursor ? `${path}${sep}cursor=${cursor}` : path, opts)
        assert.equal(r.status, 200, r.text)
        items.push(...r.json.items)
        cursor = r.json.next_cursor
        if (!cursor) return items
      }
    },
  }
  return c
}

// Sends raw bytes on a new connection and resolves with whatever comes back before
// the server closes it (or after 'waitMs').
export function rawExchange(url, bytes, { waitMs = 2000 } = {}) {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const chunks = []
    const sock = net.connect(Number(port), hostname, () => sock.write(bytes))
    const timer = setTimeout(() => sock.destroy(), waitMs)
    sock.on('data', (d) => chunks.push(d))
    sock.on('error', () => {})
    sock.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })
}
