// Service cases over HTTP, in Tonglu (330122) of the demo store: a director configures
// a case type with two approval levels that pauses while the applicant owes evidence;
// the clerk receives a case at the window; it is accepted, assigned, reviewed,
// evidence requested (the clock pauses) and received, decided, approved at level 2,
// and closed — with an action out of order refused (409, its message naming the
// state). The reviewer's inbox shows the case with its clock. The processing-time
// figures of a type equal a hand computation over the cases their drill-down
// returns. A complaint is taken, assigned, replied and rated, and counted by the
// analytics. Case assistance is refused while a case is within its target; once the
// server's clock has moved past it (LUZHI_TEST_NOW_FILE, for tests only), the
// ombudsman asks the bureau, concludes twice with one cause, and the systemic issue
// is handed to supervision. The list of cases pages newest first without
// duplicates, filters, keeps to the reader's scope and shows nothing personal.
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { DEMO_PASSWORD, startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

const ID_NUMBER = '11010519491231002X' // passes GB 11643
const HOUR = 3600

let srv, c, nowFile, admin, clerk, reviewer, dirA, dirB, tonglu, reviewerStaff
let typeA, typeB, kase

// Moves the server's clock to 'seconds' after the wall clock.
const setOffset = (seconds) => fs.writeFile(nowFile, `${seconds}\n`)

// A person of Tonglu with an account, made by the admin through the API.
async function person(login, role, name) {
  let r = await c.post('/api/v1/staff', { bureau_id: tonglu.id, employee_no: `CASES-${login}`, name, post: '科员' },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  const staff = r.json
  r = await c.post('/api/v1/users', { login, role, bureau_code: '330122', password: DEMO_PASSWORD, staff_id: staff.id },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  return { staff, ...(await c.signIn(login)) }
}

// POST /api/v1/cases/{id}/{action} as 'who'; asserts 200 and answers the case.
async function act(who, id, action, body = {}) {
  const r = await c.post(`/api/v1/cases/${id}/${action}`, body, { token: who.token, lang: 'en' })
  assert.equal(r.status, 200, `${action}: ${r.text}`)
  return r.json
}

async function receive(type, extra = {}) {
  const r = await c.post('/api/v1/cases', { type_id: type.id, channel: 'window', name: '张三丰', id_number: ID_NUMBER,
    phone: '13800138000', summary: '申请办理', ...extra }, { token: clerk.token })
  assert.equal(r.status, 201, r.text)
  return r.json
}

// Nearest rank: the k-th smallest, k = ceil(p·n), at least 1.
function nearestRank(sorted, permille) {
  if (!sorted.length) return null
  const k = Math.max(1, Math.ceil((permille * sorted.length) / 1000))
  return sorted[k - 1]
}

before(async () => {
  nowFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'luzhi-clock-')), 'now')
  await setOffset(0)
  process.env.LUZHI_TEST_NOW_FILE = nowFile
  process.env.LUZHI_PUBLIC_SUBMIT_BURST = '50' // this test is not about throttling
  srv = await startServer()
  delete process.env.LUZHI_TEST_NOW_FILE
  delete process.env.LUZHI_PUBLIC_SUBMIT_BURST
  c = client(srv.url)
  admin = await c.signIn('admin')
  clerk = await c.signIn('clerk')
  reviewer = await c.signIn('reviewer')
  tonglu = (await c.get('/api/v1/bureaus/330122', { token: admin.token })).json
  reviewerStaff = reviewer.user.staff?.id ?? reviewer.user.staff_id
  assert.ok(tonglu?.id && reviewerStaff, 'the demo has Tonglu and a reviewer with a staff record')
  dirA = await person('cases.dir.a', 'director', '局长甲')
  dirB = await person('cases.dir.b', 'director', '科长乙')
})
after(async () => {
  await srv?.stop()
  await fs.rm(path.dirname(nowFile), { recursive: true, force: true })
})

test('a director configures case types; a PATCH changes only what it names', async () => {
  let r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'api_residence', names: { 'zh-CN': '居住登记', en: 'Residence registration' },
    materials: ['身份证明', '住所证明'], sla_hours: 48, clock_kind: 'elapsed', approval_levels: 2,
    pauses_on_applicant: true,
  }, { token: dirA.token })
  assert.equal(r.status, 201, r.text)
  typeA = r.json
  assert.equal(typeA.approval_levels, 2)
  assert.match(r.headers.get('location'), new RegExp(`/api/v1/case-types/${typeA.id}$`))

  r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'api_quick', names: { 'zh-CN': '快速证明', en: 'Quick certificate' },
    sla_hours: 1, clock_kind: 'elapsed',
  }, { token: dirA.token })
  assert.equal(r.status, 201, r.text)
  typeB = r.json

  r = await c.patch(`/api/v1/case-types/${typeB.id}`, { materials: ['申请表'] }, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(r.json.materials, ['申请表'])
  assert.equal(r.json.sla_hours, 1, 'untouched fields stay')
  assert.deepEqual(r.json.names, typeB.names)

  r = await c.patch(`/api/v1/case-types/${typeB.id}`, { code: 'other' }, { token: dirA.token })
  assertError(r, 422, 'invalid_field', 'code')
  assert.match(r.json.error.message, /事项编码/, 'zh-CN names the field as the form does')
  r = await c.post('/api/v1/case-types', { code: 'x1', names: {}, sla_hours: 0, clock_kind: 'elapsed' },
    { token: clerk.token })
  assert.ok([403, 422].includes(r.status), r.text)

  r = await c.get(`/api/v1/case-types?bureau_id=${tonglu.id}`, { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.ok(r.json.items.some((t) => t.id === typeA.id))
  r = await c.get(`/api/v1/case-types/${typeA.id}`, { token: reviewer.token })
  assert.equal(r.status, 200, r.text)
})

test('materials per language: kept whole for the console; a bad one is 422 naming it and writes nothing', async () => {
  const materials = [
    '申请表',
    { 'zh-CN': '身份证明', en: 'Proof of identity', fr: "Pièce d'identité", ar: 'إثبات الهوية' },
    { 'zh-CN': '住所证明', en: 'Proof of address' },
  ]
  let r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'api_langs', names: { 'zh-CN': '居住证明', en: 'Residence certificate' },
    materials, sla_hours: 24, clock_kind: 'working',
  }, { token: dirA.token })
  assert.equal(r.status, 201, r.text)
  const type = r.json
  assert.deepEqual(type.materials, materials, 'the console reads every language back')
  r = await c.get(`/api/v1/case-types/${type.id}`, { token: reviewer.token, lang: 'en' })
  assert.deepEqual(r.json.materials, materials, "whatever the reader's language")
  assert.equal(r.json.name, undefined, 'no localized name on the console API')

  const bad = [
    [[...materials, { en: 'Photo' }], 'materials[3].zh-CN'],
    [['申请表', { 'zh-CN': '照片', en: '' }], 'materials[1].en'],
    [['申请表', { 'zh-CN': '照片', fr: 'x'.repeat(101) }], 'materials[1].fr'],
    [[{ 'zh-CN': '照片', 'not a tag': 'x' }], 'materials[0]'],
    [['申请表', 7], 'materials[1]'],
    [Array.from({ length: 31 }, (_, i) => ({ 'zh-CN': `材料${i}` })), 'materials'],
  ]
  for (const [m, field] of bad) {
    r = await c.patch(`/api/v1/case-types/${type.id}`, { materials: m, sla_hours: 99 }, { token: dirA.token, lang: 'en' })
    assertError(r, 422, 'invalid_field', field)
    assert.ok(r.json.error.message.includes(field), r.text)
  }
  r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'api_langs_bad', names: { 'zh-CN': '坏材料' }, materials: [{ en: 'Photo' }],
    sla_hours: 24, clock_kind: 'working',
  }, { token: dirA.token, lang: 'zh-CN' })
  assertError(r, 422, 'invalid_field', 'materials[0].zh-CN')
  // In Chinese the item is named as the form names it: the list, its number from 1, the language.
  assert.match(r.json.error.message, /^申请材料第 1 项（zh-CN）/, r.text)
  r = await c.get(`/api/v1/case-types/${type.id}`, { token: dirA.token })
  assert.deepEqual(r.json.materials, materials, 'a refused PATCH writes nothing')
  assert.equal(r.json.sla_hours, 24)
  r = await c.get(`/api/v1/case-types?bureau_id=${tonglu.id}`, { token: dirA.token })
  assert.ok(!r.json.items.some((t) => t.code === 'api_langs_bad'), 'a refused POST writes nothing')

  // Plain strings stay valid, side by side with texts by language.
  r = await c.patch(`/api/v1/case-types/${type.id}`, { materials: ['护照', { 'zh-CN': '照片', ja: '写真' }] }, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(r.json.materials, ['护照', { 'zh-CN': '照片', ja: '写真' }])
})

test('the working calendar: a holiday set, listed, and an unknown kind refused', async () => {
  let r = await c.request('PUT', `/api/v1/bureaus/330122/calendar/2027-10-01`,
    { token: dirA.token, body: { kind: 'holiday', name: '国庆节' } })
  assert.equal(r.status, 200, r.text)
  r = await c.get('/api/v1/bureaus/330122/calendar?from=2027-09-01&to=2027-10-31', { token: clerk.token })
  assert.equal(r.status, 200, r.text)
  assert.ok(r.json.items.some((d) => d.date === '2027-10-01' && d.kind === 'holiday'), r.text)
  r = await c.request('PUT', `/api/v1/bureaus/330122/calendar/2027-10-02`,
    { token: dirA.token, body: { kind: 'party' } })
  assertError(r, 422, 'invalid_field', 'kind')
})

test('a case from the window to closed, through every state', async () => {
  kase = await receive(typeA)
  assert.equal(kase.state, 'received')
  assert.equal(kase.channel, 'window')
  assert.match(kase.check_code, /^[A-Za-z0-9]{10}$/, 'the check code is shown once')
  assert.ok(!JSON.stringify(kase).includes(ID_NUMBER), 'the ID number is masked')
  assert.ok(!JSON.stringify(kase).includes('13800138000'), 'the phone is masked')
  let r = await c.get(`/api/v1/cases/${kase.id}`, { token: clerk.token })
  assert.equal(r.status, 200)
  assert.equal(r.json.check_code, undefined, 'never shown again')

  // Out of order: deciding a case not yet accepted.
  r = await c.post(`/api/v1/cases/${kase.id}/decide`, { outcome: 'approved' }, { token: reviewer.token, lang: 'en' })
  assertError(r, 409, 'conflict')
  assert.match(r.json.error.message, /received/, 'the message names the state')

  await act(clerk, kase.id, 'accept', { note: '材料齐全' })
  let k = await act(clerk, kase.id, 'assign', { staff_id: reviewerStaff })
  assert.equal(k.state, 'assigned')
  assert.equal(k.assignee_staff_id, reviewerStaff)

  // The reviewer's inbox has it, with its clock.
  r = await c.get('/api/v1/inbox?limit=200', { token: reviewer.token })
  assert.equal(r.status, 200, r.text)
  const row = r.json.items.find((x) => x.id === kase.id)
  assert.ok(row, 'the case is in the inbox')
  assert.equal(row.overdue, false)
  assert.equal(typeof row.clock_seconds, 'number')
  assert.ok(row.remaining_seconds > 47 * HOUR && row.remaining_seconds <= 48 * HOUR, JSON.stringify(row))
  assert.ok(Date.parse(row.due_at) > Date.now())
  assert.ok('next_cursor' in r.json)

  await act(reviewer, kase.id, 'start-review')
  r = await c.post(`/api/v1/cases/${kase.id}/request-evidence`, {}, { token: reviewer.token })
  assertError(r, 422, 'invalid_field', 'note')
  k = await act(reviewer, kase.id, 'request-evidence', { note: '请补交住所证明' })
  assert.equal(k.state, 'evidence_requested')
  assert.equal(k.clock.paused, true, 'the clock pauses on the applicant')
  k = await act(clerk, kase.id, 'evidence-received', { note: '已补交' })
  assert.equal(k.state, 'in_review')
  assert.equal(k.clock.paused, false)

  k = await act(reviewer, kase.id, 'decide', { outcome: 'approved' })
  assert.equal(k.state, 'in_review', 'two levels: the decision awaits approval')
  assert.equal(k.proposal, 'approved')
  r = await c.post(`/api/v1/cases/${kase.id}/approve`, {}, { token: reviewer.token, lang: 'en' })
  assert.equal(r.status, 403, 'a reviewer may not approve')
  k = await act(dirA, kase.id, 'approve', { agree: true, note: '同意' })
  assert.equal(k.state, 'decided')
  assert.equal(k.outcome, 'approved')
  assert.ok(k.approval_history.length >= 2, JSON.stringify(k.approval_history))
  k = await act(clerk, kase.id, 'close')
  assert.equal(k.state, 'closed')
  const kinds = k.events.map((e) => e.kind)
  assert.ok(kinds.length >= 9, kinds.join(','))
  assert.ok(k.events.every((e) => e.actor && e.at))

  r = await c.post(`/api/v1/cases/${kase.id}/accept`, {}, { token: clerk.token, lang: 'en' })
  assertError(r, 409, 'conflict')
  r = await c.get('/api/v1/cases/999999999', { token: clerk.token })
  assertError(r, 404, 'not_found')
  r = await c.get(`/api/v1/cases/${kase.id}`, { token: (await c.signIn('director')).token })
  assertError(r, 404, 'not_found') // Hubei's director: out of scope
})

test('processing-time figures equal a hand computation over their drill-down', async () => {
  for (let i = 0; i < 4; i++) {
    const k = await receive(typeB)
    await act(clerk, k.id, 'accept')
    await act(clerk, k.id, 'assign', { staff_id: reviewerStaff })
    await act(reviewer, k.id, 'start-review')
    if (i < 3) await act(reviewer, k.id, 'decide', i === 2 ? { outcome: 'refused', reasons: '不符合条件' } : { outcome: 'approved' })
  }
  await new Promise((resolve) => setTimeout(resolve, 1100)) // the open case is a second old: pending
  const q = `bureau_id=${tonglu.id}&type_id=${typeB.id}`
  let r = await c.get(`/api/v1/processing-times?${q}`, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  const f = r.json.total
  const drill = await c.all(`/api/v1/processing-times/cases?${q}&figure=decided&limit=2`, { token: dirA.token })
  assert.equal(drill.length, f.decided)
  assert.equal(f.decided, 3)
  const clocks = drill.map((x) => x.clock_seconds).sort((a, b) => a - b)
  assert.equal(f.median_seconds, nearestRank(clocks, 500), JSON.stringify(drill))
  assert.equal(f.p80_seconds, nearestRank(clocks, 800))
  assert.equal(f.p93_seconds, nearestRank(clocks, 930))
  assert.equal(f.within_target, clocks.filter((s) => s <= HOUR).length)
  const within = await c.all(`/api/v1/processing-times/cases?${q}&figure=within_target`, { token: dirA.token })
  assert.equal(within.length, f.within_target)
  const pending = await c.all(`/api/v1/processing-times/cases?${q}&figure=pending`, { token: dirA.token })
  assert.equal(pending.length, f.pending)
  assert.equal(f.pending, 1)
  const received = await c.all(`/api/v1/processing-times/cases?${q}&figure=received`, { token: dirA.token })
  assert.equal(received.length, f.received)

  r = await c.get(`/api/v1/processing-times/cases?${q}`, { token: dirA.token })
  assertError(r, 422, 'invalid_field', 'figure')
  r = await c.get(`/api/v1/processing-times/cases?${q}&figure=nonsense`, { token: dirA.token })
  assertError(r, 422, 'invalid_field', 'figure')

  r = await c.get(`/api/v1/staff/${reviewerStaff}/cases-summary`, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  assert.ok(r.json.open >= 1, r.text)
})

test('a complaint: taken, assigned, replied, rated, and counted', async () => {
  let r = await c.post('/api/v1/complaints', { category: 'cumbersome_procedure', case_id: kase.id,
    description: '材料要求反复变化，跑了三趟', contact_name: '张三丰', contact_phone: '13800138000' }, { token: clerk.token })
  assert.equal(r.status, 201, r.text)
  const complaint = r.json
  assert.ok(!JSON.stringify(complaint).includes('13800138000'), 'the contact is masked')

  r = await c.post(`/api/v1/complaints/${complaint.id}/reply`, { reply: '已核实' }, { token: dirA.token, lang: 'en' })
  assertError(r, 409, 'conflict') // not assigned yet
  // A handler must be of the complaint's bureau; in Chinese the refusal says so.
  const hubei = (await c.signIn('director')).user.staff.id // a director of Hubei, not of Tonglu
  r = await c.post(`/api/v1/complaints/${complaint.id}/assign`, { staff_id: hubei }, { token: dirA.token, lang: 'zh-CN' })
  assertError(r, 422, 'invalid_field', 'staff_id')
  assert.match(r.json.error.message, /^承办人员必须是承办机构的在岗人员/, r.text)
  r = await c.post(`/api/v1/complaints/${complaint.id}/assign`, { staff_id: dirB.staff.id }, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  r = await c.post(`/api/v1/complaints/${complaint.id}/rate`, { satisfaction: 4 }, { token: dirB.token, lang: 'en' })
  assertError(r, 409, 'conflict') // not replied yet
  r = await c.post(`/api/v1/complaints/${complaint.id}/reply`, { reply: '已简化材料清单并致歉' }, { token: dirB.token })
  assert.equal(r.status, 200, r.text)
  r = await c.post(`/api/v1/complaints/${complaint.id}/rate`, { satisfaction: 9 }, { token: dirB.token })
  assertError(r, 422, 'invalid_field', 'satisfaction')
  r = await c.post(`/api/v1/complaints/${complaint.id}/rate`, { satisfaction: 4 }, { token: dirB.token })
  assert.equal(r.status, 200, r.text)
  r = await c.get(`/api/v1/complaints/${complaint.id}`, { token: dirA.token })
  assert.equal(r.status, 200)
  assert.equal(r.json.state, 'replied')

  r = await c.get(`/api/v1/complaints?bureau_id=${tonglu.id}&category=cumbersome_procedure&limit=200`, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  assert.ok(r.json.items.some((x) => x.id === complaint.id))

  // The queue as the handlers work it: open complaints by due time, the replied ones
  // after them — the same order page by page through the cursors.
  const whole = (await c.get(`/api/v1/complaints?limit=200`, { token: dirA.token })).json.items
  const rank = (x) => [x.state === 'replied' ? 1 : 0, Date.parse(x.due_at), x.id]
  for (let i = 1; i < whole.length; i++) {
    const [a, b] = [rank(whole[i - 1]), rank(whole[i])]
    assert.ok(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2]))),
      `complaint ${whole[i - 1].id} before ${whole[i].id}`)
  }
  const paged = []
  for (let cursor = null, n = 0; n < 50; n++) {
    r = await c.get(`/api/v1/complaints?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: dirA.token })
    assert.equal(r.status, 200, r.text)
    paged.push(...r.json.items.map((x) => x.id))
    if (!(cursor = r.json.next_cursor)) break
  }
  assert.deepEqual(paged, whole.map((x) => x.id))
  r = await c.get('/api/v1/complaints?cursor=17', { token: dirA.token })
  assertError(r, 422, 'invalid_field', 'cursor')

  r = await c.get(`/api/v1/complaints/analytics?bureau_id=${tonglu.id}`, { token: dirA.token })
  assert.equal(r.status, 200, r.text)
  assert.ok(r.json.total >= 1, r.text)
  assert.match(JSON.stringify(r.json), /cumbersome_procedure/)
  r = await c.get('/api/v1/complaints/analytics', { token: clerk.token })
  assert.equal(r.status, 403, 'a clerk does not handle complaints')
})

test('case assistance: refused within target, then the ombudsman unsticks two cases and hands the cause on', async () => {
  const stuck = [await receive(typeA), await receive(typeA)]
  const ask = (k) => c.post('/public/v1/assistance-requests',
    { receipt: k.receipt_no, code: k.check_code, reason: '超过承诺时限仍未办理' }, { lang: 'en' })

  let r = await ask(stuck[0])
  assertError(r, 409, 'conflict')
  r = await c.post('/public/v1/assistance-requests', { receipt: stuck[0].receipt_no, code: 'WRONGCODE1', reason: 'x' })
  assertError(r, 404, 'not_found')

  await setOffset(3 * 24 * HOUR) // three days on: past the 48-hour target
  const ombudsman = await c.signIn('ombudsman')
  const ids = []
  for (const k of stuck) {
    r = await ask(k)
    assert.equal(r.status, 201, r.text)
    ids.push(r.json.id)
  }
  r = await ask(stuck[0])
  assertError(r, 409, 'conflict') // one open request per case

  r = await c.get('/api/v1/assistance?state=received&limit=200', { token: ombudsman.token })
  assert.equal(r.status, 200, r.text)
  assert.ok(ids.every((id) => r.json.items.some((x) => x.id === id)), r.text)
  r = await c.get('/api/v1/assistance', { token: (await c.signIn('clerk')).token })
  assert.equal(r.status, 403)

  const deadline = new Date(Date.now() + 4 * 24 * HOUR * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  r = await c.post(`/api/v1/assistance/${ids[0]}/ask-bureau`, { deadline, note: '请于期限内办结' }, { token: ombudsman.token })
  assert.equal(r.status, 200, r.text)
  r = await c.post(`/api/v1/assistance/${ids[0]}/ask-bureau`, { deadline: 'tomorrow', note: 'x' }, { token: ombudsman.token })
  assertError(r, 422, 'invalid_field', 'deadline')
  for (const id of ids) {
    r = await c.post(`/api/v1/assistance/${id}/conclude`,
      { outcome: 'resolved', note: '窗口未告知补正要求', cause_key: 'api_test.missing_guidance' }, { token: ombudsman.token })
    assert.equal(r.status, 200, r.text)
  }
  r = await c.get(`/api/v1/assistance/${ids[1]}`, { token: ombudsman.token })
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.state, 'concluded')

  r = await c.get('/api/v1/assistance/systemic-issues?status=open', { token: ombudsman.token })
  assert.equal(r.status, 200, r.text)
  const issue = r.json.items.find((x) => x.cause_key === 'api_test.missing_guidance')
  assert.ok(issue, r.text)
  assert.equal(issue.request_count, 2)
  r = await c.post('/api/v1/assistance/systemic-issues/no_such_cause/handoff', { summary: 'x' }, { token: ombudsman.token })
  assertError(r, 404, 'not_found')
  r = await c.post('/api/v1/assistance/systemic-issues/api_test.missing_guidance/handoff', { summary: '补正告知缺失，反复发生' },
    { token: ombudsman.token })
  assert.equal(r.status, 201, r.text)
  assert.equal(r.json.issue_id, issue.id, 'named by its cause key')
  assert.ok(r.json.handoff_id > 0)
  r = await c.post(`/api/v1/assistance/systemic-issues/${issue.id}/handoff`, { summary: '再次' },
    { token: ombudsman.token, lang: 'en' })
  assertError(r, 409, 'conflict')

  // The inbox marks the stuck cases overdue now.
  r = await c.get(`/api/v1/cases/${stuck[1].id}`, { token: (await c.signIn('clerk')).token })
  assert.equal(r.status, 200)
  assert.equal(r.json.clock.overdue, true, JSON.stringify(r.json.clock))
  await setOffset(0)
})

test('the case list: newest first in pages without duplicates, filtered, scoped, and masked', async () => {
  const mine = [await receive(typeA), await receive(typeA), await receive(typeB)]
  const list = async (query, who = clerk) => {
    const r = await c.get(`/api/v1/cases${query}`, { token: who.token, lang: 'en' })
    assert.equal(r.status, 200, r.text)
    return r.json
  }
  // Every page of limit 2, following next_cursor.
  const ids = []
  let page = await list('?limit=2')
  for (let n = 0; ; n++) {
    assert.ok(n < 500, 'the pages end')
    assert.ok(page.items.length <= 2)
    ids.push(...page.items.map((k) => k.id))
    if (!page.next_cursor) break
    page = await list(`?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`)
  }
  assert.equal(new Set(ids).size, ids.length, 'no case twice')
  const whole = await list('?limit=200')
  assert.deepEqual(ids.slice(0, whole.items.length), whole.items.map((k) => k.id))
  for (let i = 1; i < whole.items.length; i++) {
    const [a, b] = [whole.items[i - 1], whole.items[i]]
    assert.ok(a.received_at > b.received_at || (a.received_at === b.received_at && a.id > b.id), 'newest first')
  }
  for (const k of mine) assert.ok(ids.includes(k.id), `case ${k.id} listed`)
  assert.ok(whole.items.every((k) => k.bureau_id === tonglu.id), 'the clerk sees Tonglu only')
  const text = JSON.stringify(whole)
  assert.ok(!text.includes(ID_NUMBER) && !text.includes('13800138000') && !text.includes('张三丰'), 'nothing personal')
  const item = whole.items.find((k) => k.id === mine[0].id)
  for (const key of ['receipt_no', 'type_code', 'state', 'due_at', 'clock_seconds', 'remaining_seconds', 'overdue']) {
    assert.ok(key in item, key)
  }

  // Filters.
  let r = await list(`?type_id=${typeB.id}&limit=200`)
  assert.ok(r.items.length >= 1 && r.items.every((k) => k.type_id === typeB.id))
  r = await list('?state=closed&limit=200')
  assert.ok(r.items.some((k) => k.id === kase.id) && r.items.every((k) => k.state === 'closed'))
  await act(clerk, mine[1].id, 'accept')
  await act(clerk, mine[1].id, 'assign', { staff_id: reviewerStaff })
  r = await list(`?assignee=${reviewerStaff}&state=assigned&limit=200`)
  assert.ok(r.items.some((k) => k.id === mine[1].id))
  assert.ok(r.items.every((k) => k.assignee_staff_id === reviewerStaff && k.state === 'assigned'))
  r = await list('?overdue=false&limit=200')
  assert.ok(r.items.every((k) => k.overdue === false))
  r = await list('?overdue=true&limit=200')
  assert.ok(r.items.every((k) => k.overdue === true))
  r = await list(`?from=${encodeURIComponent(item.received_at)}&limit=200`)
  assert.ok(r.items.some((k) => k.id === mine[0].id) && r.items.every((k) => k.received_at >= item.received_at))
  r = await list(`?to=${encodeURIComponent(item.received_at)}&limit=200`)
  assert.ok(!r.items.some((k) => k.id === mine[0].id) && r.items.every((k) => k.received_at < item.received_at))
  r = await list(`?bureau_id=${tonglu.id}&limit=200`)
  assert.equal(r.items.length, whole.items.length)

  // Scope: another province's bureau is missing; its director does not see Tonglu's cases.
  const hubei = (await c.get('/api/v1/bureaus/420000', { token: admin.token })).json
  r = await c.get(`/api/v1/cases?bureau_id=${hubei.id}`, { token: clerk.token, lang: 'en' })
  assertError(r, 404, 'not_found')
  const other = await list('?limit=200', await c.signIn('director'))
  assert.ok(!other.items.some((k) => k.bureau_id === tonglu.id))

  // Bad filters name their field.
  for (const [query, field] of [['?state=lost', 'state'], ['?overdue=maybe', 'overdue'], ['?limit=0', 'limit'],
    ['?limit=201', 'limit'], ['?cursor=abc', 'cursor'], ['?type_id=x', 'type_id'], ['?assignee=-3', 'assignee'],
    ['?from=yesterday', 'from']]) {
    r = await c.get(`/api/v1/cases${query}`, { token: clerk.token, lang: 'en' })
    assertError(r, 422, 'invalid_field', field)
  }
  r = await c.get('/api/v1/cases')
  assert.equal(r.status, 401)
})
