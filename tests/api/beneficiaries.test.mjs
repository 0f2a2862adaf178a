// The beneficiaries register and payroll runs over HTTP, in Tonglu (330122) of the
// demo store: a programme; people registered with their ID numbers checked (GB 11643)
// and shown only masked; found again by ID number through the blind index; statuses
// with their history; a year's payroll prepared by one person, with an exclusion and
// its reason, approved by another, its lines paged; and a person's data erased
// (personal-information law) while the run that paid them stays whole.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { DEMO_PASSWORD, startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c, admin, clerk, finance, director, checker
let tonglu, programme, allocation, run
const people = [] // { id_number, json }

// A valid ID number (GB 11643, ISO 7064 MOD 11-2) of Tonglu for sequence 'seq'.
function idNumber(seq, birth = '19310203') {
  const first = `330122${birth}${String(seq).padStart(3, '0')}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, d, i) => s + Number(d) * weights[i], 0)
  return first + '10X98765432'[sum % 11]
}

function wrongCheck(id) {
  const last = id[17] === '0' ? '1' : '0'
  return id.slice(0, 17) + last
}

before(async () => {
  srv = await startServer()
  c = client(srv.url)
  admin = await c.signIn('admin')
  clerk = await c.signIn('clerk') // Tonglu
  finance = await c.signIn('finance') // Hangzhou: the maker
  director = await c.signIn('director') // Hubei: another province
  tonglu = (await c.get('/api/v1/bureaus/330122', { token: admin.token })).json
  // The checker: another person, of Tonglu's finance.
  let r = await c.post('/api/v1/staff', { bureau_id: tonglu.id, employee_no: 'BEN-CHECKER', name: '复核人丁', post: '会计' },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  r = await c.post('/api/v1/users', { login: 'ben.checker', role: 'finance', bureau_code: '330122', password: DEMO_PASSWORD,
    staff_id: r.json.id }, { token: admin.token })
  assert.equal(r.status, 201, r.text)
  checker = await c.signIn('ben.checker')
})
after(() => srv?.stop())

test('programmes: finance creates one for Tonglu; it is listed and read', async () => {
  let r = await c.post('/api/v1/programmes', { bureau_id: tonglu.id, name: '接口测试后期扶持', frequency: 'annual' },
    { token: finance.token })
  assert.equal(r.status, 201, r.text)
  programme = r.json
  assert.equal(programme.amount_per_year_fen, 60000)
  assert.equal(programme.years, 20)
  assert.equal(r.headers.get('location'), `/api/v1/programmes/${programme.id}`)
  assert.deepEqual((await c.get(`/api/v1/programmes/${programme.id}`, { token: clerk.token })).json, programme)
  r = await c.get(`/api/v1/programmes?bureau_id=${tonglu.id}&limit=200`, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  const row = r.json.items.find((p) => p.id === programme.id)
  assert.equal(row.beneficiaries, 0)
  assert.equal(row.bureau_name, tonglu.name)
  assertError(await c.post('/api/v1/programmes', { bureau_id: tonglu.id, name: '接口测试后期扶持' }, { token: finance.token }),
    409, 'conflict', 'name')
  assertError(await c.post('/api/v1/programmes', { bureau_id: tonglu.id, name: '别的', frequency: 'weekly' },
    { token: finance.token }), 422, 'invalid_field', 'frequency')
  assertError(await c.get(`/api/v1/programmes/${programme.id}`, { token: director.token }), 404, 'not_found')
  assertError(await c.post('/api/v1/programmes', { bureau_id: tonglu.id, name: '外省' }, { token: director.token }), 404,
    'not_found')
})

test('register: ID numbers are checked, unique in the programme, and shown masked', async () => {
  const body = (seq, over = {}) => ({
    programme_id: programme.id, id_number: idNumber(seq), name: `移民${seq}`, village: '芦茨村',
    household_id: `H${seq}`, relocated_on: '2010-05-01', bank_account: `6217 0000 0000 ${String(1000 + seq)}`, ...over,
  })
  for (let seq = 901; seq <= 905; seq++) {
    const r = await c.post('/api/v1/beneficiaries', body(seq), { token: clerk.token })
    assert.equal(r.status, 201, r.text)
    assert.equal(r.headers.get('location'), `/api/v1/beneficiaries/${r.json.id}`)
    people.push({ id_number: idNumber(seq), json: r.json })
  }
  const p = people[0].json
  assert.notEqual(p.id_number, people[0].id_number)
  assert.ok(!p.id_number.includes(people[0].id_number.slice(6, 14)), 'the birth date is masked')
  assert.equal(p.id_number.length, 18)
  assert.ok(!p.bank_account.includes('0000 0000'))
  assert.equal(p.erased, false)
  assert.equal(p.status, 'active')
  assert.equal(p.support_ends_on, '2030-04-30')
  assert.deepEqual(p.history.map((h) => h.status), ['active'])

  let r = await c.post('/api/v1/beneficiaries', body(906, { id_number: wrongCheck(idNumber(906)) }), { token: clerk.token })
  assertError(r, 422, 'invalid_field', 'id_number')
  assert.match(r.json.error.message, /身份证号码/)
  assert.ok(!r.text.includes(idNumber(906).slice(0, 17)), 'the number is never echoed')
  assertError(await c.post('/api/v1/beneficiaries', body(901), { token: clerk.token }), 409, 'conflict', 'id_number')
  assertError(await c.post('/api/v1/beneficiaries', body(907, { relocated_on: '2999-01-01' }), { token: clerk.token }),
    422, 'invalid_field', 'relocated_on')
  assertError(await c.post('/api/v1/beneficiaries', body(907, { bank_account: '12ab' }), { token: clerk.token }),
    422, 'invalid_field', 'bank_account')
  assertError(await c.post('/api/v1/beneficiaries', { ...body(907), phone: '1' }, { token: clerk.token }), 422,
    'invalid_field')
  assertError(await c.post('/api/v1/beneficiaries', body(907), { token: director.token }), 404, 'not_found')

  r = await c.get(`/api/v1/beneficiaries?programme_id=${programme.id}`, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(r.json.items.map((b) => b.id), people.map((x) => x.json.id))
  for (const b of r.json.items) {
    assert.ok(!('history' in b))
    assert.ok(!people.some((x) => b.id_number === x.id_number), 'masked in lists')
  }
  r = await c.get(`/api/v1/beneficiaries?programme_id=${programme.id}&limit=2`, { token: clerk.token })
  assert.equal(r.json.items.length, 2)
  const page2 = await c.get(`/api/v1/beneficiaries?programme_id=${programme.id}&limit=2&after=${r.json.next_cursor}`,
    { token: clerk.token })
  assert.deepEqual(page2.json.items.map((b) => b.id), people.slice(2, 4).map((x) => x.json.id))
  assert.equal((await c.get('/api/v1/beneficiaries?limit=200', { token: director.token })).json.items
    .filter((b) => people.some((x) => x.json.id === b.id)).length, 0)
})

test('search: by ID number through the blind index, by name, by village', async () => {
  let r = await c.get(`/api/v1/beneficiaries?id_number=${people[2].id_number}`, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(r.json.items.map((b) => b.id), [people[2].json.id])
  r = await c.get(`/api/v1/beneficiaries?programme_id=${programme.id}&q=${encodeURIComponent('移民90')}`, { token: clerk.token })
  assert.equal(r.json.items.length, 5)
  r = await c.get(`/api/v1/beneficiaries?programme_id=${programme.id}&village=${encodeURIComponent('别村')}`,
    { token: clerk.token })
  assert.equal(r.json.items.length, 0)
  assertError(await c.get(`/api/v1/beneficiaries?id_number=${wrongCheck(people[2].id_number)}`, { token: clerk.token }),
    422, 'invalid_field', 'id_number')
  assertError(await c.get('/api/v1/beneficiaries?status=gone', { token: clerk.token }), 422, 'invalid_field', 'status')
  assertError(await c.get(`/api/v1/beneficiaries/${people[2].json.id}`, { token: director.token }), 404, 'not_found')
})

test('status: a death and a suspension, each with its date and reason, kept in the history', async () => {
  let r = await c.post(`/api/v1/beneficiaries/${people[0].json.id}/status`,
    { status: 'deceased', since: '2024-06-01', reason: '病故' }, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.status, 'deceased')
  assert.deepEqual(r.json.history.map((h) => [h.status, h.since]), [['active', '2010-05-01'], ['deceased', '2024-06-01']])
  r = await c.post(`/api/v1/beneficiaries/${people[1].json.id}/status`,
    { status: 'suspended', since: '2024-11-30', reason: '身份核查中' }, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assertError(await c.post(`/api/v1/beneficiaries/${people[0].json.id}/status`,
    { status: 'active', since: '2025-01-01' }, { token: clerk.token }), 409, 'conflict', 'status')
  assertError(await c.post(`/api/v1/beneficiaries/${people[2].json.id}/status`,
    { status: 'moved', since: '2009-01-01', reason: '迁出' }, { token: clerk.token }), 422, 'invalid_field', 'since')
  assertError(await c.post(`/api/v1/beneficiaries/${people[2].json.id}/status`,
    { status: 'suspended', since: '2025-01-01' }, { token: clerk.token }), 422, 'invalid_field', 'reason')
  r = await c.get(`/api/v1/beneficiaries?programme_id=${programme.id}&status=active`, { token: clerk.token })
  assert.deepEqual(r.json.items.map((b) => b.id), people.slice(2).map((x) => x.json.id))
})

test('payroll: prepared with exclusions and their reasons, approved by another person, lines paged', async () => {
  let r = await c.post('/api/v1/allocations', { bureau_id: tonglu.id, source: '中央财政', year: 2025,
    purpose: '后期扶持资金', amount_fen: 10_000_00 }, { token: finance.token })
  assert.equal(r.status, 201, r.text)
  allocation = r.json
  const body = { programme_id: programme.id, period_start: '2025-01-01', period_end: '2025-12-31', allocation_id: allocation.id }
  r = await c.post('/api/v1/payroll-runs', body, { token: finance.token })
  assert.equal(r.status, 201, r.text)
  run = r.json
  assert.equal(r.headers.get('location'), `/api/v1/payroll-runs/${run.id}`)
  assert.equal(run.status, 'prepared')
  assert.equal(run.count, 3)
  assert.equal(run.amount_fen, 60000)
  assert.equal(run.total_fen, 180000)
  assert.equal(run.exclusions.count, 2)
  assert.deepEqual(run.exclusions.by_reason, { deceased: 1, suspended: 1 })
  const dead = run.exclusions.items.find((e) => e.beneficiary_id === people[0].json.id)
  assert.equal(dead.kind, 'deceased')
  assert.match(dead.reason, /2024-06-01/)
  assert.equal(typeof run.maker.name, 'string')
  assert.equal(run.approver, null)

  assertError(await c.post('/api/v1/payroll-runs', { ...body, period_end: '2025-13-01' }, { token: finance.token }), 422,
    'invalid_field', 'period_end')
  assertError(await c.post('/api/v1/payroll-runs', { ...body, extra: 1 }, { token: finance.token }), 422, 'invalid_field')
  assertError(await c.post('/api/v1/payroll-runs', body, { token: clerk.token }), 403, 'forbidden')
  assertError(await c.post(`/api/v1/payroll-runs/${run.id}/approve`, {}, { token: finance.token }), 409, 'conflict')

  r = await c.post(`/api/v1/payroll-runs/${run.id}/approve`, {}, { token: checker.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.status, 'approved')
  assert.equal(r.json.approved_count, 3)
  assert.equal(r.json.approved_fen, 180000)
  assert.equal(r.json.approver.name, '复核人丁')
  assert.equal(typeof r.json.ledger_index, 'number')
  run = r.json
  assertError(await c.post(`/api/v1/payroll-runs/${run.id}/approve`, {}, { token: checker.token }), 409, 'conflict')
  assert.equal((await c.get(`/api/v1/allocations/${allocation.id}`, { token: finance.token })).json.spent_fen, 180000)

  r = await c.get(`/api/v1/payroll-runs/${run.id}/lines?limit=2`, { token: finance.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.items.length, 2)
  const rest = await c.get(`/api/v1/payroll-runs/${run.id}/lines?limit=2&after=${r.json.next_cursor}`, { token: finance.token })
  assert.equal(rest.json.items.length, 1)
  assert.equal(rest.json.next_cursor, null)
  const lines = [...r.json.items, ...rest.json.items]
  assert.deepEqual(lines.map((l) => l.beneficiary_id), people.slice(2).map((x) => x.json.id))
  assert.ok(lines.every((l) => l.amount_fen === 60000 && l.excluded_reason === ''))

  r = await c.get(`/api/v1/payroll-runs?programme_id=${programme.id}`, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(r.json.items.map((x) => [x.id, x.status, x.approved_fen]), [[run.id, 'approved', 180000]])
  assert.equal(r.json.items[0].approver.name, '复核人丁')
  assert.equal(r.json.items[0].programme_name, '接口测试后期扶持')
  assertError(await c.get(`/api/v1/payroll-runs/${run.id}`, { token: director.token }), 404, 'not_found')
  assert.equal((await c.get(`/api/v1/payroll-runs?programme_id=${programme.id}`, { token: director.token })).json.items.length, 0)

  // The run's trace: its programme and the allocation it was paid from.
  const rt = await c.get(`/api/v1/payroll-runs/${run.id}/trace`, { token: clerk.token })
  assert.equal(rt.status, 200, rt.text)
  assert.equal(rt.json.run.id, run.id)
  assert.equal(rt.json.run.approver_name, '复核人丁')
  assert.equal(rt.json.programme.id, programme.id)
  assert.deepEqual(rt.json.chain.map((a) => [a.id, a.bureau_code, a.from_above]), [[allocation.id, '330122', false]])
  assertError(await c.get(`/api/v1/payroll-runs/${run.id}/trace`, { token: director.token }), 404, 'not_found')

  // The allocation's trace counts the run as spent, conserved.
  const t = (await c.get(`/api/v1/allocations/${allocation.id}/trace`, { token: finance.token })).json
  assert.equal(t.conserved, true)
  assert.deepEqual(t.payroll_runs.map((x) => [x.id, x.approved_fen]), [[run.id, 180000]])
  assert.equal(t.totals.spent_fen, 180000)
})

test('erase: personal data goes, the record, its history and the paid run stay', async () => {
  const active = people[2].json.id, dead = people[0].json.id
  assertError(await c.post(`/api/v1/beneficiaries/${active}/erase`, { reason: '申请删除' }, { token: admin.token }), 409,
    'conflict', 'status')
  assertError(await c.post(`/api/v1/beneficiaries/${dead}/erase`, { reason: '申请删除' }, { token: clerk.token }), 403,
    'forbidden')
  assertError(await c.post(`/api/v1/beneficiaries/${dead}/erase`, {}, { token: admin.token }), 422, 'invalid_field',
    'reason')
  assertError(await c.post(`/api/v1/beneficiaries/${dead}/erase`, { reason: '外省' }, { token: director.token }), 404,
    'not_found')

  // Paid in the run: move the third person away, then erase them too.
  let r = await c.post(`/api/v1/beneficiaries/${active}/status`, { status: 'moved', since: '2026-01-15', reason: '迁往外省' },
    { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  for (const id of [dead, active]) {
    r = await c.post(`/api/v1/beneficiaries/${id}/erase`, { reason: '扶持期满，依法删除个人信息' }, { token: admin.token })
    assert.equal(r.status, 200, r.text)
    assert.equal(r.json.erased, true)
    assert.equal(r.json.name, '（已删除）')
    assert.equal(r.json.id_number, null)
    assert.equal(r.json.bank_account, null)
    assert.ok(r.json.history.length >= 2, 'the history stays')
  }
  assertError(await c.post(`/api/v1/beneficiaries/${dead}/erase`, { reason: '再删' }, { token: admin.token }), 409, 'conflict')
  r = await c.get(`/api/v1/beneficiaries?id_number=${people[2].id_number}`, { token: clerk.token })
  assert.deepEqual(r.json.items, [], 'no longer found by the number')
  r = await c.get(`/api/v1/beneficiaries/${active}`, { token: clerk.token })
  assert.equal(r.json.status, 'moved')
  assert.equal(r.json.village, '芦茨村')

  // The run is untouched: same lines, same totals, the same ledger entry.
  const after = (await c.get(`/api/v1/payroll-runs/${run.id}`, { token: finance.token })).json
  assert.equal(after.approved_fen, run.approved_fen)
  assert.equal(after.lines_digest, run.lines_digest)
  const lines = await c.all(`/api/v1/payroll-runs/${run.id}/lines`, { token: finance.token })
  assert.ok(lines.some((l) => l.beneficiary_id === active))
  const entry = await c.get(`/api/v1/bureaus/330122/ledger/entries?start=${run.ledger_index}&end=${run.ledger_index + 1}`,
    { token: finance.token })
  const data = JSON.parse(Buffer.from(entry.json.items[0].data, 'base64').toString('utf8'))
  assert.equal(data.type, 'payroll.approve')
  assert.equal(data.data.lines_digest, run.lines_digest)

  // The audit log records the erasure without the person's data.
  const log = await c.get(`/api/v1/audit-log?entity_type=beneficiary&entity_id=${active}`, { token: admin.token })
  assert.ok(log.json.items.some((e) => e.action === 'beneficiary.erase' && e.actor === 'admin'), log.text)
  assert.ok(!log.text.includes(people[2].id_number) && !log.text.includes('移民903'))
  assert.equal((await c.get('/api/v1/audit-log/verify', { token: admin.token })).json.ok, true)
})
