// The funds API in one county (Tonglu, 330122): finance allocates a line, the clerk
// registers a project, the reviewer reviews a stage's materials — and the rules refuse
// what must not happen over HTTP as they do in the module: no acceptance without an
// on-site inspection, no inspection on evidence that is not stored, no payment for a
// stage that is not accepted, amounts that are not positive integers of fen, payments
// without an idempotency key, and another province's director sees none of it (404).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c, admin, clerk, reviewer, finance, director, inspector
let tonglu, owner, allocation, project, stage

const SITE = { lat: 29_797_000, lon: 119_685_000 } // Tonglu, micro-degrees

before(async () => {
  srv = await startServer()
  c = client(srv.url)
  admin = await c.signIn('admin')
  clerk = await c.signIn('clerk')
  reviewer = await c.signIn('reviewer')
  finance = await c.signIn('finance')
  director = await c.signIn('director')
  inspector = await c.signIn('inspector')
  tonglu = (await c.get('/api/v1/bureaus/330122', { token: admin.token })).json
  assert.ok(tonglu?.id, 'the demo has Tonglu')
  // The project's owner: a new person of the county, made through the API.
  const r = await c.post('/api/v1/staff',
    { bureau_id: tonglu.id, employee_no: 'FUNDS-OWNER-1', name: '项目负责人', post: '工程科长' },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  owner = r.json
})
after(() => srv?.stop())

const projectBody = (over = {}) => ({
  bureau_id: tonglu.id,
  name: '富春江移民安置点道路',
  kind: 'infrastructure',
  site_lat: SITE.lat,
  site_lon: SITE.lon,
  site_radius_m: 500,
  budget_fen: 100_000_00,
  owner_staff_id: owner.id,
  contractor: '桐庐路桥工程有限公司',
  allocation_id: allocation.id,
  stages: [
    { name: '路基', criteria: '路基压实度达标', share_bp: 4000 },
    { name: '路面', criteria: '路面平整，排水通畅', share_bp: 6000 },
  ],
  ...over,
})

test('allocations: finance allocates to the county; balances; bad amounts are 422', async () => {
  const body = { bureau_id: tonglu.id, source: '中央财政', year: 2026, purpose: '后期扶持项目资金', amount_fen: 500_000_00 }
  const r = await c.post('/api/v1/allocations', body, { token: finance.token })
  assert.equal(r.status, 201, r.text)
  allocation = r.json
  assert.equal(r.headers.get('location'), `/api/v1/allocations/${allocation.id}`)
  assert.equal(allocation.bureau_id, tonglu.id)
  assert.equal(allocation.amount_fen, 500_000_00)
  assert.equal(allocation.free_fen, 500_000_00)
  assert.equal(allocation.parent_id, null)
  assert.deepEqual((await c.get(`/api/v1/allocations/${allocation.id}`, { token: clerk.token })).json, allocation)

  // A budget line out of it, and one larger than what is left.
  const line = await c.post('/api/v1/allocations', { ...body, parent_id: allocation.id, amount_fen: 200_000_00 },
    { token: finance.token })
  assert.equal(line.status, 201, line.text)
  assert.equal(line.json.parent_id, allocation.id)
  const after = (await c.get(`/api/v1/allocations/${allocation.id}`, { token: finance.token })).json
  assert.equal(after.children_fen, 200_000_00)
  assert.equal(after.free_fen, 300_000_00)
  assertError(await c.post('/api/v1/allocations', { ...body, parent_id: allocation.id, amount_fen: 300_000_01 },
    { token: finance.token }), 409, 'conflict')
  allocation = after

  for (const amount_fen of [0, -1, 1.5, '100', 10_000_000_000_001])
    assertError(await c.post('/api/v1/allocations', { ...body, amount_fen }, { token: finance.token }), 422,
      'invalid_field', 'amount_fen')
  assertError(await c.post('/api/v1/allocations', { ...body, colour: 'red' }, { token: finance.token }), 422,
    'invalid_field')
  assertError(await c.post('/api/v1/allocations', body, { token: clerk.token }), 403, 'forbidden')
})

test('projects: the clerk registers one with its stages', async () => {
  const r = await c.post('/api/v1/projects', projectBody(), { token: clerk.token })
  assert.equal(r.status, 201, r.text)
  project = r.json
  assert.equal(r.headers.get('location'), `/api/v1/projects/${project.id}`)
  assert.equal(project.owner_staff_id, owner.id)
  assert.equal(project.stages.length, 2)
  assert.deepEqual(project.stages.map((s) => s.seq), [1, 2])
  assert.ok(project.stages.every((s) => s.accepted === false && s.materials_reviewed === false))
  assert.equal(project.payable_fen, 0)
  assert.equal(project.approved_fen, 0)
  stage = project.stages[0]
  assert.deepEqual((await c.get(`/api/v1/projects/${project.id}`, { token: finance.token })).json, project)

  assertError(await c.post('/api/v1/projects', projectBody({ budget_fen: 0 }), { token: clerk.token }), 422,
    'invalid_field', 'budget_fen')
  assertError(await c.post('/api/v1/projects', projectBody({ stages: [{ name: '全部', criteria: '完工', share_bp: 9000 }] }),
    { token: clerk.token }), 422, 'invalid_field')
})

test('acceptance: no signature before review, none without an on-site inspection', async () => {
  const sign = (who) => c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: who.token, lang: 'en' })
  let r = await sign(reviewer)
  assertError(r, 409, 'conflict')
  assert.match(r.json.error.message, /materials/)

  r = await c.post(`/api/v1/stages/${stage.id}/materials-review`, { note: '图纸与预算齐全' }, { token: reviewer.token })
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(r.json, { stage_id: stage.id, reviewed: true })
  assertError(await c.post(`/api/v1/stages/${stage.id}/materials-review`, { note: '再审' }, { token: reviewer.token }),
    409, 'conflict')

  r = await sign(reviewer)
  assertError(r, 409, 'conflict')
  assert.match(r.json.error.message, /no on-site inspection/)
  // In Chinese (the default), the refusal says why as well, not only that it conflicts.
  const zh = await c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: reviewer.token })
  assertError(zh, 409, 'conflict')
  assert.equal(zh.json.error.message, '该阶段没有实地核查记录：验收必须有人到现场核查')

  const p = (await c.get(`/api/v1/projects/${project.id}`, { token: reviewer.token })).json
  assert.equal(p.stages[0].materials_reviewed, true)
  assert.equal(p.stages[0].accepted, false)
  assertError(await c.post(`/api/v1/stages/${stage.id}/signatures`, { force: true }, { token: reviewer.token }), 422,
    'invalid_field')
})

test('inspections: evidence must be stored, the place within the site; bad bodies are 422', async () => {
  const body = {
    inspected_at: '2026-01-10T02:00:00Z',
    lat: SITE.lat + 100,
    lon: SITE.lon,
    completion_pct: 100,
    findings: '路基压实度抽检合格',
    evidence: ['ab'.repeat(32)],
  }
  let r = await c.post(`/api/v1/stages/${stage.id}/inspections`, body, { token: reviewer.token, lang: 'en' })
  assertError(r, 409, 'conflict', 'evidence')
  assert.match(r.json.error.message, /not stored/)
  r = await c.post(`/api/v1/stages/${stage.id}/inspections`, { ...body, lat: SITE.lat + 50_000 },
    { token: reviewer.token, lang: 'en' })
  assertError(r, 409, 'conflict', 'lat')
  assert.match(r.json.error.message, /outside its radius/)
  r = await c.post(`/api/v1/stages/${stage.id}/inspections`, { ...body, lat: SITE.lat + 50_000 },
    { token: reviewer.token })
  assertError(r, 409, 'conflict', 'lat')
  assert.match(r.json.error.message, /^核查地点距项目现场 \d+ 米，超出现场半径 500 米$/)
  assertError(await c.post(`/api/v1/stages/${stage.id}/inspections`, { ...body, completion_pct: 101 },
    { token: reviewer.token }), 422, 'invalid_field', 'completion_pct')
  assertError(await c.post(`/api/v1/stages/${stage.id}/inspections`, { ...body, evidence: [] },
    { token: reviewer.token }), 422, 'invalid_field', 'evidence')
  assertError(await c.post(`/api/v1/stages/${stage.id}/inspections`, body, { token: finance.token }), 403, 'forbidden')
  // Still no inspection: the stage cannot be signed.
  assertError(await c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: reviewer.token }), 409, 'conflict')
})

test('payments: the acceptance gate refuses a payment for a stage not accepted', async () => {
  const body = { project_id: project.id, stage_id: stage.id, allocation_id: allocation.id, amount_fen: 10_000_00 }
  const key = { 'idempotency-key': 'pay-stage-1-0001' }
  let r = await c.post('/api/v1/payments', body, { token: finance.token, headers: key, lang: 'en' })
  assertError(r, 409, 'conflict', 'stage_id')
  assert.match(r.json.error.message, /not accepted/)
  // Nothing was written: the same key with another body meets the same gate, not a key conflict.
  r = await c.post('/api/v1/payments', { ...body, amount_fen: 20_000_00 }, { token: finance.token, headers: key })
  assertError(r, 409, 'conflict', 'stage_id')

  assertError(await c.post('/api/v1/payments', body, { token: finance.token }), 422, 'invalid_field', 'idempotency_key')
  assertError(await c.post('/api/v1/payments', body, { token: finance.token, headers: { 'idempotency-key': 'short' } }),
    422, 'invalid_field', 'idempotency_key')
  for (const amount_fen of [0, -5, 2.5, '1000'])
    assertError(await c.post('/api/v1/payments', { ...body, amount_fen }, { token: finance.token, headers: key }), 422,
      'invalid_field', 'amount_fen')
  assertError(await c.post('/api/v1/payments', { ...body, payee: '别的公司' }, { token: finance.token, headers: key }),
    422, 'invalid_field', 'payee')
  assertError(await c.post('/api/v1/payments', body, { token: clerk.token, headers: key }), 403, 'forbidden')
  assertError(await c.post('/api/v1/payments', { ...body, extra: 1 }, { token: finance.token, headers: key }), 422,
    'invalid_field')
})

test('payments: actions on a payment that does not exist are 404; bodies are checked', async () => {
  for (const action of ['approve', 'pay', 'cancel', 'reverse']) {
    const body = action === 'approve' ? {} : action === 'pay' ? { reference: 'BANK-1' } : { reason: '测试' }
    assertError(await c.post(`/api/v1/payments/999999/${action}`, body, { token: finance.token }), 404, 'not_found')
  }
  assertError(await c.get('/api/v1/payments/999999', { token: finance.token }), 404, 'not_found')
  assertError(await c.post('/api/v1/payments/999999/pay', {}, { token: finance.token }), 422, 'invalid_field',
    'reference')
  assertError(await c.post('/api/v1/payments/999999/cancel', { reason: 'x', note: 'y' }, { token: finance.token }),
    422, 'invalid_field')
  assertError(await c.post('/api/v1/payments/abc/approve', {}, { token: finance.token }), 404, 'not_found')
})

test('tenancy: Hubei sees none of Tonglu’s funds', async () => {
  for (const who of [director, inspector]) {
    assertError(await c.get(`/api/v1/allocations/${allocation.id}`, { token: who.token }), 404, 'not_found')
    assertError(await c.get(`/api/v1/projects/${project.id}`, { token: who.token }), 404, 'not_found')
    assertError(await c.post(`/api/v1/stages/${stage.id}/signatures`, {}, { token: who.token }), 404, 'not_found')
  }
  assertError(await c.post(`/api/v1/stages/${stage.id}/inspections`, {
    inspected_at: '2026-01-10T02:00:00Z', lat: SITE.lat, lon: SITE.lon, completion_pct: 50, findings: '外省核查',
    evidence: ['cd'.repeat(32)],
  }, { token: inspector.token }), 404, 'not_found')
  assertError(await c.post('/api/v1/projects', projectBody(), { token: director.token }), 404, 'not_found')
  assertError(await c.post('/api/v1/allocations', { bureau_id: tonglu.id, source: '省级财政', year: 2026,
    purpose: '跨省下达', amount_fen: 100 }, { token: director.token }), 404, 'not_found')
  assertError(await c.get('/api/v1/projects/1', {}), 401, 'unauthenticated')
})

test('the audit log records the funds writes', async () => {
  const log = await c.get(`/api/v1/audit-log?entity_type=allocation&entity_id=${allocation.id}`, { token: admin.token })
  assert.equal(log.status, 200, log.text)
  assert.ok(log.json.items.some((e) => e.action === 'allocation.create' && e.actor === 'finance'))
  const verify = await c.get('/api/v1/audit-log/verify', { token: admin.token })
  assert.equal(verify.json.ok, true)
})
