// The OpenAPI document lists exactly the routes of src/http/routes.def: every route,
// and nothing else. Each operation describes its answers with the shared error
// schema, and the document served is the one in the repository.
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { REPO_ROOT, startServer } from '../lib/server.mjs'
import { client } from './client.mjs'

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

let srv, c, doc, routes

// "ROUTE(GET, "/api/v1/staff/{id}", api_staff_get, SESSION)" → { method, path, flags }
async function readRoutes() {
  const text = await fs.readFile(path.join(REPO_ROOT, 'src/http/routes.def'), 'utf8')
  const found = []
  for (const m of text.matchAll(/^ROUTE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*(\w+)\s*\)/gm))
    found.push({ method: m[1].toLowerCase(), path: m[2], handler: m[3], flags: m[4] })
  return found
}

before(async () => {
  srv = await startServer({ demo: false })
  c = client(srv.url)
  routes = await readRoutes()
  doc = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'src/http/openapi.json'), 'utf8'))
})
after(() => srv?.stop())

test('routes.def parses', () => {
  assert.ok(routes.length >= 18, `found ${routes.length} routes`)
  assert.equal(new Set(routes.map((r) => `${r.method} ${r.path}`)).size, routes.length, 'no duplicate routes')
})

test('the served document is the one in the repository', async () => {
  const r = await c.get('/api/v1/openapi.json')
  assert.equal(r.status, 200)
  assert.deepEqual(r.json, doc)
})

test('every route is documented, and nothing else', () => {
  const documented = []
  for (const [p, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item)) if (METHODS.includes(m)) documented.push(`${m} ${p}`)
  const declared = routes.map((r) => `${r.method} ${r.path}`)
  assert.deepEqual(documented.sort(), declared.sort())
})

test('public routes need no security; the others need a session', () => {
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'cookie'])
  for (const r of routes) {
    const op = doc.paths[r.path][r.method]
    if (r.flags.startsWith('PUBLIC')) assert.deepEqual(op.security, [], `${r.method} ${r.path} is public`)
    else assert.equal(op.security, undefined, `${r.method} ${r.path} uses the global security`)
  }
  assert.deepEqual(doc.security, [{ bearer: [] }, { cookie: [] }])
})

test('operations are complete: ids, path parameters, bodies, answers', () => {
  const ids = new Set()
  const resolve = (x) => (x && x.$ref ? x.$ref.split('/').slice(1).reduce((o, k) => o[k], doc) : x)
  for (const r of routes) {
    const op = doc.paths[r.path][r.method]
    const what = `${r.method} ${r.path}`
    assert.ok(op.operationId && !ids.has(op.operationId), `${what}: a unique operationId`)
    ids.add(op.operationId)
    const inPath = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
    const params = (op.parameters ?? []).map(resolve).filter((p) => p.in === 'path').map((p) => p.name)
    assert.deepEqual(params.sort(), inPath.sort(), `${what}: path parameters`)
    if (r.flags.endsWith('UPLOAD'))
      assert.ok(op.requestBody?.content?.['application/pdf'], `${what}: a file as the request body`)
    else if (['post', 'patch', 'put'].includes(r.method) && r.handler !== 'api_session_delete')
      assert.ok(op.requestBody?.content?.['application/json'], `${what}: a JSON request body`)
    const codes = Object.keys(op.responses)
    assert.ok(codes.some((s) => /^2\d\d$/.test(s)), `${what}: a success answer`)
    for (const code of codes.filter((s) => /^[45]/.test(s))) {
      const res = resolve(op.responses[code])
      assert.equal(res.content['application/json'].schema.$ref, '#/components/schemas/Error', `${what} ${code}`)
    }
    if (!r.flags.startsWith('PUBLIC')) assert.ok(codes.includes('401'), `${what}: documents 401`)
  }
})

test('every $ref resolves', () => {
  const refs = []
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk)
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) k === '$ref' ? refs.push(v) : walk(v)
  }
  walk(doc)
  for (const ref of refs) {
    const target = ref.split('/').slice(1).reduce((o, k) => o?.[k], doc)
    assert.ok(target, `${ref} resolves`)
  }
})
