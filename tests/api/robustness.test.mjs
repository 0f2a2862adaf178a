// The server survives what the network throws at it: random bytes, broken and
// abandoned requests, many connections at once; and on SIGTERM it lets a request in
// flight finish before it exits.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import http from 'node:http'
import { after, before, test } from 'node:test'

import { DEMO_PASSWORD, startServer } from '../lib/server.mjs'
import { client, rawExchange } from './client.mjs'

let srv, c

before(async () => {
  srv = await startServer()
  c = client(srv.url)
})
after(() => srv?.stop())

async function healthy() {
  const r = await c.get('/api/v1/health')
  assert.equal(r.status, 200)
}

test('random bytes on the socket do not bring it down', async () => {
  const junk = []
  for (let i = 0; i < 20; i++) junk.push(crypto.randomBytes(1 + crypto.randomInt(64 * 1024)))
  junk.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n'))
  junk.push(Buffer.from('POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))
  junk.push(Buffer.from(`GET /${'a'.repeat(100000)} HTTP/1.1\r\nHost: x\r\n\r\n`))
  junk.push(Buffer.from('GET / HTTP/1.1\r\n' + 'X-A: b\r\n'.repeat(20000) + '\r\n'))
  junk.push(Buffer.from('\x00\x00\x00\x00GET / HTTP/9.9\r\n\r\n'))
  junk.push(Buffer.from('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n')) // body never comes
  await Promise.all(junk.map((bytes) => rawExchange(c.url, bytes, { waitMs: 1500 })))
  await healthy()
})

test('a well-formed raw request answers with a request id', async () => {
  const reply = (await rawExchange(c.url, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))
    .toString()
  assert.match(reply, /^HTTP\/1\.1 200 /)
  assert.match(reply, /\r\nX-Request-Id: [0-9a-f]{16}\r\n/i)
})

test('keep-alive: one connection serves many requests', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const { port, hostname } = new URL(c.url)
  const sockets = new Set()
  for (let i = 0; i < 20; i++) {
    const status = await new Promise((resolve, reject) => {
      const req = http.get({ host: hostname, port, path: '/api/v1/health', agent }, (res) => {
        sockets.add(res.socket)
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      })
      req.on('error', reject)
    })
    assert.equal(status, 200)
  }
  agent.destroy()
  assert.equal(sockets.size, 1, 'every request went over the same connection')
})

test('many connections at once', async () => {
  const all = await Promise.all(Array.from({ length: 200 }, () => fetch(`${c.url}/api/v1/health`).then((r) => r.status)))
  assert.ok(all.every((s) => s === 200))
  await healthy()
})

// Last: it stops the server.
test('SIGTERM lets a request in flight finish', async () => {
  const { port, hostname } = new URL(c.url)
  const body = JSON.stringify({ login: 'director', password: DEMO_PASSWORD })
  let stopping
  const answer = new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, method: 'POST', path: '/api/v1/session',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode, text }))
      },
    )
    req.on('error', reject)
    // The headers and half the body now; the rest after the signal.
    req.write(body.slice(0, 10))
    setTimeout(() => {
      stopping = srv.stop()
      setTimeout(() => req.end(body.slice(10)), 500)
    }, 300)
  })
  const r = await answer
  assert.equal(r.status, 200, r.text)
  assert.equal(JSON.parse(r.text).user.login, 'director')
  await stopping // rejects if the server had to be killed
})
