// The whole path of project money over HTTP, in one county (Tonglu, 330122) of the
// demo store: Hangzhou's finance allocates down to Tonglu, the clerk registers a
// project, a photo of the site is uploaded as evidence, the materials are reviewed,
// the site inspected within its radius, the stage signed by two people (neither the
// project's owner), a payment prepared with an Idempotency-Key, approved by a third
// person and paid — then traced back to its allocation, whose own trace shows every
// fen conserved and a Sankey chart. Then the refusals the upload and the lists add:
// a file over 20 MiB (413), a refused or mismatched type (422 media_type), a file
// of another province (404), and the JSON limit unchanged on the other routes.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, test } from 'node:test'

import { DEMO_PASSWORD, startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c, admin, clerk, reviewer, finance, director
let tonglu, hangzhou, owner, signer, checker
let root, line, project, stage, evidence, payment

const SITE = { lat: 29_797_000, lon: 119_685_000 } // Tonglu, micro-degrees
// A real 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
const PHOTO_NAME = '桐庐 路基 照片 #1.png'
const FILE_LIMIT = 20 * 1024 * 1024

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest()
const leafHash = (data) => sha256(Buffer.from([0]), data)
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r)

// RFC 9162 §2.1.3.2: the root an inclusion proof leads to.
function rootFromInclusion(leaf, index, size, proof) {
  let fn = index, sn = size - 1, r = leaf
  for (const p of proof.map((h) => Buffer.from(h, 'base64'))) {
    assert.ok(sn > 0)
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2) }
    } else r = nodeHash(r, p)
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2)
  }
  assert.equal(sn, 0)
  return r
}

// A person of Tonglu with an account, made by the admin through the API.
async function person(login, role, name) {
  let r = await c.post('/api/v1/staff', { bureau_id: tonglu.id, employee_no: `FLOW-${login}`, name, post: '科员' },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  const staff = r.json
  r = await c.post('/api/v1/users', { login, role, bureau_code: '330122', password: DEMO_PASSWORD, staff_id: staff.id },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  return { staff, session: await c.signIn(login) }
}

// Uploads bytes as a file of bureau 'code'.
function upload(who, code, bytes, { type = 'image/png', name = PHOTO_NAME } = {}) {
  const headers = {}
  if (type) headers['content-type'] = type
  if (name !== null) headers['x-file-name'] = encodeURIComponent(name)
  return c.request('POST', `/api/v1/bureaus/${code}/files`, { token: who.token, raw: bytes, headers })
}

const isoSecondsAgo = (s) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

before(async () => {
  srv = await startServer()
  c = client(srv.url)
  admin = await c.signIn('admin')
  clerk = await c.signIn('clerk') // Tonglu
  reviewer = await c.signIn('reviewer') // Tonglu
  finance = await c.signIn('finance') // Hangzhou, the maker
  director = await c.signIn('director') // Hubei: another province
  tonglu = (await c.get('/api/v1/bureaus/330122', { token: admin.token })).json
  hangzhou = (await c.get('/api/v1/bureaus/330100', { token: admin.token })).json
  assert.ok(tonglu?.id && hangzhou?.id, 'the demo has Hangzhou and Tonglu')
  owner = (await person('flow.owner', 'clerk', '项目负责人甲')).staff
  signer = await person('flow.signer', 'reviewer', '验收人乙')
  checker = await person('flow.checker', 'finance', '复核人丙')
})
after(() => srv?.stop())

test('allocations: Hangzhou allocates to Tonglu; the list filters by bureau, year and parent', async () => {
  let r = await c.post('/api/v1/allocations', { bureau_id: hangzhou.id, source: '中央财政', year: 2026,
    purpose: '移民安置点基础设施', amount_fen: 1_000_000_00 }, { token: finance.token })
  assert.equal(r.status, 201, r.text)
  root = r.json
  r = await c.post('/api/v1/allocations', { bureau_id: tonglu.id, parent_id: root.id, source: '中央财政', year: 2026,
    purpose: '富春江安置点道路', amount_fen: 500_000_00 }, { token: finance.token })
  assert.equal(r.status, 201, r.text)
  line = r.json

  r = await c.get(`/api/v1/allocations?bureau_id=${hangzhou.id}&year=2026`, { token: finance.token })
  assert.equal(r.status, 200, r.text)
  const ids = r.json.items.map((a) => a.id)
  assert.ok(ids.includes(root.id) && ids.includes(line.id), 'Hangzhou and the bureaus below')
  const listed = r.json.items.find((a) => a.id === root.id)
  assert.equal(listed.free_fen, 500_000_00)
  assert.equal(listed.bureau_code, '330100')
  assert.equal(listed.bureau_name, hangzhou.name)
  r = await c.get(`/api/v1/allocations?parent_id=${root.id}`, { token: finance.token })
  assert.deepEqual(r.json.items.map((a) => a.id), [line.id])
  r = await c.get(`/api/v1/allocations?bureau_id=${tonglu.id}&limit=1`, { token: clerk.token })
  assert.equal(r.json.items.length, 1)
  assert.equal(r.json.items[0].bureau_id, tonglu.id)
  // Tonglu's clerk does not see Hangzhou's allocation; Hubei sees neither.
  r = await c.get('/api/v1/allocations?limit=200', { token: clerk.token })
  assert.ok(!r.json.items.some((a) => a.id === root.id))
  r = await c.get('/api/v1/allocations?limit=200', { token: director.token })
  assert.ok(!r.json.items.some((a) => a.id === root.id || a.id === line.id))
  assertError(await c.get(`/api/v1/allocations?bureau_id=${tonglu.id}`, { token: director.token }), 404, 'not_found',
    'bureau_id')
  assertError(await c.get('/api/v1/allocations?limit=0', { token: finance.token }), 422, 'invalid_field', 'limit')
})

test('projects: the clerk registers one; the list shows its stages and names its owner', async () => {
  let r = await c.post('/api/v1/projects', {
    bureau_id: tonglu.id, name: '富春江移民安置点道路', kind: 'infrastructure', site_lat: SITE.lat, site_lon: SITE.lon,
    site_radius_m: 500, budget_fen: 100_000_00, owner_staff_id: owner.id, contractor: '桐庐路桥工程有限公司',
    allocation_id: line.id,
    stages: [{ name: '路基', criteria: '路基压实度达标', share_bp: 4000 }, { name: '路面', criteria: '路面平整', share_bp: 6000 }],
  }, { token: clerk.token })
  assert.equal(r.status, 201, r.text)
  project = r.json
  stage = project.stages[0]
  r = await c.get(`/api/v1/projects?bureau_id=${tonglu.id}&kind=infrastructure&q=${encodeURIComponent('富春江')}`,
    { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  const row = r.json.items.find((p) => p.id === project.id)
  assert.ok(row, r.text)
  assert.equal(row.owner_name, '项目负责人甲')
  assert.equal(row.stages, 2)
  assert.equal(row.accepted, 0)
  assert.equal(row.payable_fen, 0)
  assert.equal(row.bureau_name, tonglu.name)
  r = await c.get('/api/v1/projects?q=%25', { token: clerk.token }) // a literal '%' matches no name
  assert.ok(!r.json.items.some((p) => p.id === project.id))
  assertError(await c.get('/api/v1/projects?kind=bridge', { token: clerk.token }), 422, 'invalid_field', 'kind')
})

test('evidence: a PNG is stored by its SHA-256 and read back as an attachment', async () => {
  const r = await upload(reviewer, '330122', PNG)
  assert.equal(r.status, 201, r.text)
  evidence = r.json
  assert.equal(evidence.sha256, sha256(PNG).toString('hex'))
  assert.equal(evidence.size, PNG.length)
  assert.equal(evidence.media_type, 'image/png')
  assert.equal(evidence.name, PHOTO_NAME)
  assert.equal(evidence.bureau_id, tonglu.id)
  assert.equal(r.headers.get('location'), `/api/v1/bureaus/${tonglu.id}/files/${evidence.sha256}`)
  // The same bytes again: the same hash, nothing new.
  const again = await upload(reviewer, String(tonglu.id), PNG)
  assert.equal(again.status, 201, again.text)
  assert.equal(again.json.sha256, evidence.sha256)

  const res = await fetch(`${srv.url}/api/v1/bureaus/330122/files/${evidence.sha256}`,
    { headers: { authorization: `Bearer ${finance.token}` } })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'image/png')
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
  const disposition = /^attachment; filename\*=UTF-8''([!#$&+\-.^_`|~0-9A-Za-z%]+)$/.exec(res.headers.get('content-disposition'))
  assert.ok(disposition, res.headers.get('content-disposition'))
  assert.equal(decodeURIComponent(disposition[1]), PHOTO_NAME)
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG)

  assertError(await c.get(`/api/v1/bureaus/330122/files/${'0'.repeat(64)}`, { token: finance.token }), 404, 'not_found')
  assertError(await c.get(`/api/v1/bureaus/330122/files/${evidence.sha256}`, { token: director.token }), 404,
    'not_found')
  assertError(await c.get('/api/v1/bureaus/330122/files/nothex', { token: finance.token }), 422, 'invalid_field',
    'sha256')
})

test('evidence: over 20 MiB is 413; a refused or mismatched type is 422 naming media_type', async () => {
  const big = Buffer.alloc(FILE_LIMIT + 1, 0)
  PNG.copy(big)
  assertError(await upload(reviewer, '330122', big), 413, 'too_large')
  // Exactly the limit is taken.
  const full = Buffer.alloc(FILE_LIMIT, 7)
  PNG.copy(full)
  const r = await upload(reviewer, '330122', full, { name: 'full.png' })
  assert.equal(r.status, 201, r.text)
  assert.equal(r.json.size, FILE_LIMIT)

  assertError(await upload(reviewer, '330122', Buffer.from('hello'), { type: 'text/plain' }), 422, 'invalid_field',
    'media_type')
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0])
  const mismatch = await upload(reviewer, '330122', jpeg, { type: 'image/png' })
  assertError(mismatch, 422, 'invalid_field', 'media_type')
  assert.match(mismatch.json.error.message, /文件类型/)
  assertError(await upload(reviewer, '330122', PNG, { type: null }), 422, 'invalid_field', 'media_type')
  assertError(await upload(reviewer, '330122', PNG, { name: null }), 422, 'invalid_field', 'name')
  assertError(await c.request('POST', '/api/v1/bureaus/330122/files',
    { token: reviewer.token, raw: PNG, headers: { 'content-type': 'image/png', 'x-file-name': 'bad%zzname' } }),
  422, 'invalid_field', 'name')
  assertError(await upload(reviewer, '330122', Buffer.alloc(0)), 422, 'invalid_field')
  assertError(await upload(director, '330122', PNG), 404, 'not_found')
  assertError(await upload(reviewer, '999999', PNG), 404, 'not_found')
  assertError(await c.request('POST', '/api/v1/bureaus/330122/files',
    { raw: PNG, headers: { 'content-type': 'image/png', 'x-file-name': 'a.png' } }), 401, 'unauthenticated')
  // The JSON routes keep their own limit.
  const fat = JSON.stringify({ bureau_id: tonglu.id, source: 'x'.repeat(2 * 1024 * 1024) })
  assertError(await c.request('POST', '/api/v1/allocations',
    { token: finance.token, raw: fat, headers: { 'content-type': 'application/json' } }), 413, 'too_large')
})

test('acceptance: review, an inspection on site with the evidence, two signatures by two others', async () => {
  let r = await c.post(`/api/v1/stages/${stage.id}/materials-review`, { note: '图纸、监理日志齐全' }, { token: reviewer.token })
  assert.equal(r.status, 200, r.text)
  r = await c.post(`/api/v1/stages/${stage.id}/inspections`, {
    inspected_at: isoSecondsAgo(3600), lat: SITE.lat + 1000, lon: SITE.lon - 1000, completion_pct: 100,
    findings: '路基压实度抽检合格', evidence: [evidence.sha256],
  }, { token: reviewer.token })
  assert.equal(r.status, 201, r.text)
  r = await c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: reviewer.token })
  assert.deepEqual(r.json, { stage_id: stage.id, accepted: false })
  // The project shows who went on site, with the evidence, and who has signed so far.
  const half = (await c.get(`/api/v1/projects/${project.id}`, { token: finance.token })).json.stages[0]
  assert.equal(half.inspection.completion_pct, 100)
  assert.deepEqual(half.inspection.evidence, [evidence.sha256])
  assert.ok(half.inspection.inspector.name, 'the inspector is named')
  assert.ok(half.inspection.distance_m > 0 && half.inspection.distance_m <= 500, `${half.inspection.distance_m} m`)
  assert.equal(half.signatures.length, 1)
  assert.equal(half.signatures[0].staff_id, half.inspection.inspector.staff_id)
  assertError(await c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: reviewer.token }), 409, 'conflict')
  r = await c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: signer.session.token })
  assert.deepEqual(r.json, { stage_id: stage.id, accepted: true })
  const p = (await c.get(`/api/v1/projects/${project.id}`, { token: finance.token })).json
  assert.equal(p.payable_fen, 40_000_00)
  assert.equal(p.stages[0].signatures.length, 2)
  assert.equal(p.stages[1].inspection, null)
  assert.deepEqual(p.stages[1].signatures, [])
})

test('payment: prepared once under its key, approved by a third person, paid', async () => {
  const body = { project_id: project.id, stage_id: stage.id, allocation_id: line.id, amount_fen: 30_000_00 }
  const key = { 'idempotency-key': `flow-${project.id}-stage-1` }
  let r = await c.post('/api/v1/payments', body, { token: finance.token, headers: key })
  assert.equal(r.status, 201, r.text)
  payment = r.json
  r = await c.post('/api/v1/payments', body, { token: finance.token, headers: key })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.id, payment.id)
  assertError(await c.post('/api/v1/payments', { ...body, amount_fen: 1 }, { token: finance.token, headers: key }),
    409, 'conflict', 'idempotency_key')

  // Four eyes: not the maker, not a signer of the acceptance.
  assertError(await c.post(`/api/v1/payments/${payment.id}/approve`, {}, { token: finance.token }), 409, 'conflict')
  r = await c.post(`/api/v1/payments/${payment.id}/approve`, {}, { token: checker.session.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.status, 'approved')
  r = await c.post(`/api/v1/payments/${payment.id}/pay`, { reference: 'ICBC-2026-000123' }, { token: finance.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.status, 'paid')
  payment = r.json

  r = await c.get(`/api/v1/payments?project_id=${project.id}`, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.items.length, 1)
  const row = r.json.items[0]
  assert.equal(row.id, payment.id)
  assert.equal(row.project_name, '富春江移民安置点道路')
  assert.equal(row.stage_seq, 1)
  assert.equal(row.stage_name, '路基')
  assert.equal(row.status, 'paid')
  assert.equal(row.reference, 'ICBC-2026-000123')
  assert.equal(row.approver.name, '复核人丙')
  assert.equal(row.approver.staff_id, checker.staff.id)
  assert.equal(row.approver_name, '复核人丙')
  assert.equal(typeof row.maker.name, 'string')
  assert.equal((await c.get(`/api/v1/payments?project_id=${project.id}&status=prepared`, { token: clerk.token }))
    .json.items.length, 0)
  assertError(await c.get('/api/v1/payments?status=done', { token: clerk.token }), 422, 'invalid_field', 'status')
  assert.ok(!(await c.get('/api/v1/payments?limit=200', { token: director.token })).json.items
    .some((p) => p.id === payment.id))

  const list = await c.get(`/api/v1/projects?bureau_id=${tonglu.id}`, { token: clerk.token })
  const prow = list.json.items.find((p) => p.id === project.id)
  assert.equal(prow.accepted, 1)
  assert.equal(prow.payable_fen, 40_000_00)
  assert.equal(prow.approved_fen, 30_000_00)
})

test('trace: the payment leads back to its acceptance and its allocations; the approval is in the ledger', async () => {
  const r = await c.get(`/api/v1/payments/${payment.id}/trace`, { token: finance.token })
  assert.equal(r.status, 200, r.text)
  const t = r.json
  assert.equal(t.payment.id, payment.id)
  assert.equal(t.project.id, project.id)
  assert.equal(t.stage.id, stage.id)
  const insp = t.acceptance.inspection
  assert.ok(insp.distance_m > 0 && insp.distance_m <= 500, `within the radius: ${insp.distance_m}`)
  assert.equal(insp.completion_pct, 100)
  assert.deepEqual(insp.evidence, [evidence.sha256])
  assert.equal(typeof insp.inspector.name, 'string')
  assert.equal(t.acceptance.signatures.length, 2)
  const signers = t.acceptance.signatures.map((s) => s.staff_id)
  assert.equal(new Set(signers).size, 2)
  assert.ok(!signers.includes(owner.id))
  assert.ok(t.acceptance.signatures.some((s) => s.name === '验收人乙'))
  assert.deepEqual(t.chain.map((a) => a.id), [line.id, root.id])
  assert.deepEqual(t.chain.map((a) => a.bureau_code), ['330122', '330100'])
  assert.equal(t.chain[1].source, '中央财政')
  assert.equal(t.chain[1].parent_id, null)
  assert.ok(t.chain.every((a) => a.from_above === false))

  // Tonglu's clerk sees the chain only as far as Tonglu: the money came from above.
  const local = (await c.get(`/api/v1/payments/${payment.id}/trace`, { token: clerk.token })).json
  assert.deepEqual(local.chain.map((a) => a.id), [line.id])
  assert.equal(local.chain[0].from_above, true)
  assertError(await c.get(`/api/v1/payments/${payment.id}/trace`, { token: director.token }), 404, 'not_found')

  // The approval's ledger entry, proved included in Tonglu's signed tree.
  const approve = t.payment.events.find((e) => e.kind === 'approve')
  const cp = (await c.get('/api/v1/bureaus/330122/ledger/checkpoint', { token: finance.token })).json
  const entries = await c.get(`/api/v1/bureaus/330122/ledger/entries?start=${approve.ledger_index}&end=${approve.ledger_index + 1}`,
    { token: finance.token })
  const leaf = Buffer.from(entries.json.items[0].data, 'base64')
  const entry = JSON.parse(leaf.toString('utf8'))
  assert.equal(entry.type, 'payment.approve')
  assert.equal(entry.data.payment_id, payment.id)
  assert.equal(entry.data.amount_fen, 30_000_00)
  const proof = await c.get(`/api/v1/bureaus/330122/ledger/proof/inclusion?index=${approve.ledger_index}&size=${cp.size}`,
    { token: finance.token })
  assert.equal(proof.status, 200, proof.text)
  assert.equal(rootFromInclusion(leafHash(leaf), approve.ledger_index, cp.size, proof.json.proof).toString('base64'), cp.root)
})

test('trace: the allocation accounts for every fen, conserved, with a Sankey chart', async () => {
  const r = await c.get(`/api/v1/allocations/${root.id}/trace`, { token: finance.token })
  assert.equal(r.status, 200, r.text)
  const t = r.json
  assert.equal(t.conserved, true, JSON.stringify(t.mismatches))
  assert.deepEqual(t.mismatches, [])
  assert.equal(t.truncated, false)
  assert.deepEqual(t.totals, { amount_fen: 1_000_000_00, children_fen: 500_000_00, spent_fen: 0, free_fen: 500_000_00 })
  assert.equal(t.children.length, 1)
  const child = t.children[0]
  assert.equal(child.allocation.id, line.id)
  assert.deepEqual(child.totals, { amount_fen: 500_000_00, children_fen: 0, spent_fen: 30_000_00, free_fen: 470_000_00 })
  assert.equal(child.conserved, true)
  assert.deepEqual(child.projects.map((p) => [p.project_id, p.spent_fen]), [[project.id, 30_000_00]])

  const { nodes, links } = t.sankey
  const names = nodes.map((n) => n.name)
  assert.equal(new Set(names).size, names.length, 'node names are unique')
  assert.ok(names.includes('未使用/unspent'))
  for (const l of links) {
    assert.ok(names.includes(l.source) && names.includes(l.target), `${l.source} → ${l.target}`)
    assert.ok(Number.isInteger(l.value) && l.value > 0)
  }
  // What flows out of each allocation is exactly its amount.
  for (const n of nodes.filter((x) => x.kind === 'allocation')) {
    const out = links.filter((l) => l.source === n.name).reduce((s, l) => s + l.value, 0)
    assert.equal(out, n.id === root.id ? 1_000_000_00 : 500_000_00, n.name)
  }
  const unspent = links.filter((l) => l.target === '未使用/unspent').reduce((s, l) => s + l.value, 0)
  assert.equal(unspent, 500_000_00 + 470_000_00)

  // The line's own trace lists the payment.
  const lt = (await c.get(`/api/v1/allocations/${line.id}/trace`, { token: clerk.token })).json
  assert.deepEqual(lt.payments.map((p) => [p.id, p.status, p.amount_fen]), [[payment.id, 'paid', 30_000_00]])
  assertError(await c.get(`/api/v1/allocations/${root.id}/trace`, { token: clerk.token }), 404, 'not_found')
  assertError(await c.get(`/api/v1/allocations/${root.id}/trace`, { token: director.token }), 404, 'not_found')
  assertError(await c.get('/api/v1/allocations/999999/trace', { token: finance.token }), 404, 'not_found')
})
