// The cases commands on the demo store: case types listed and created from a JSON
// file, the calendar set day by day and imported from CSV (a file with one bad row
// writes nothing and names FILE:LINE: field), a case shown by receipt number and by
// id with its personal data masked, every case's clock recomputed from its events
// (exit 0 on the demo; 3 after a stored clock is altered), and the processing-time
// statistics as a table and as JSON. A case received from a file at the window is
// followed through the inbox to a decision, an act out of order refused with its
// state; the complaint and assistance queues are listed and worked.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT, DEMO_PASSWORD } from '../lib/server.mjs'

const bin = process.env.LUZHI_BIN || path.join(REPO_ROOT, 'build', 'luzhi')
let dir, data

function luzhi(args, { input, env = {} } = {}) {
  const r = spawnSync(bin, [...args, '--data-dir', data], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, LUZHI_PASSWORD_COST: 'min', LUZHI_LOG_LEVEL: 'warn', LUZHI_PASSWORD: undefined, ...env },
  })
  if (r.error) throw r.error
  return { code: r.status, out: r.stdout, err: r.stderr }
}

function sql(query) {
  const r = spawnSync('sqlite3', [path.join(data, 'luzhi.db'), query], { encoding: 'utf8' })
  if (r.error) throw r.error
  return r.stdout.trim()
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luzhi-cli-cases-'))
  data = path.join(dir, 'data')
  const demo = luzhi(['demo'])
  assert.equal(demo.code, 0, demo.err)
  assert.match(demo.out, /Cases: 11 types in 5 bureaus/)
  assert.match(demo.out, /\d+ systemic issues/)
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('help names the cases commands', () => {
  const h = luzhi(['help'])
  for (const c of ['case-type', 'calendar', 'case', 'stats', 'complaint', 'assistance']) assert.match(h.out, new RegExp(`\\n  ${c}\\b`))
})

// Before the calendar test: a changed calendar legitimately moves open cases' due times.
test('case recompute: the demo matches its events; an altered clock is reported and rewritten', () => {
  const ok = luzhi(['case', 'recompute'])
  assert.equal(ok.code, 0, ok.err)
  assert.match(ok.out, /every stored clock matches its events/)

  sql('UPDATE service_case SET clock_used = clock_used + 3600 WHERE id = (SELECT min(id) FROM service_case WHERE open = 1)')
  const altered = sql('SELECT id, receipt_no FROM service_case WHERE id = (SELECT min(id) FROM service_case WHERE open = 1)')
  const bad = luzhi(['case', 'recompute', '--bureau', '100000'])
  assert.equal(bad.code, 3)
  assert.match(bad.out, /1 of \d+ cases/)
  // The altered case is named, by id and receipt number.
  const [id, receipt] = altered.trim().split('|')
  assert.match(bad.out, new RegExp(`^  case ${id}  ${receipt}\\n`, 'm'))
  assert.equal(luzhi(['case', 'recompute']).code, 0)
})

test('case types: listed, created from a file, a bad file refused naming the field', () => {
  const list = luzhi(['case-type', 'list', '--bureau', '330122', '--json'])
  assert.equal(list.code, 0, list.err)
  const types = JSON.parse(list.out)
  assert.equal(types.length, 3)
  assert.ok(types.every((t) => t.names['zh-CN'] && t.names.en && t.names.ar))

  const file = path.join(dir, 'type.json')
  fs.writeFileSync(file, JSON.stringify({
    code: 'residence-registration', names: { 'zh-CN': '居住登记', en: 'Residence registration' },
    materials: ['居民身份证'], sla_hours: 40, clock_kind: 'working', approval_levels: 1,
    pauses_on_applicant: true, active: true,
  }))
  const made = luzhi(['case-type', 'create', '--bureau', '330122', '--file', file])
  assert.equal(made.code, 0, made.err)
  assert.equal(JSON.parse(made.out).code, 'residence-registration')
  assert.match(luzhi(['case-type', 'list', '--bureau', '330122']).out, /residence-registration\t40\tworking/)

  fs.writeFileSync(file, JSON.stringify({ code: 'x!', names: { en: 'no Chinese' }, sla_hours: 0 }))
  const bad = luzhi(['case-type', 'create', '--bureau', '330122', '--file', file])
  assert.equal(bad.code, 6)
  assert.match(bad.err, /\(/)
})

test('calendar: a day set; an import with a bad row writes nothing and names the rows', () => {
  const n0 = Number(sql('SELECT count(*) FROM work_calendar_day'))
  const set = luzhi(['calendar', 'set', '330122', '2027-12-30', 'holiday', '--name', '县庆'])
  assert.equal(set.code, 0, set.err)
  assert.equal(Number(sql('SELECT count(*) FROM work_calendar_day')), n0 + 1)

  const before = sql('SELECT count(*) FROM work_calendar_day')
  const bad = path.join(dir, 'bad.csv')
  fs.writeFileSync(bad, 'bureau,date,kind,name\n330122,2027-01-04,holiday,a\n330122,2027-13-01,holiday,b\n999999,2027-01-05,workday,\n330122,2027-01-06,sometimes,\n')
  const r = luzhi(['calendar', 'import', bad])
  assert.equal(r.code, 6)
  assert.match(r.err, /bad\.csv:3: date: /)
  assert.match(r.err, /bad\.csv:4: bureau: /)
  assert.match(r.err, /bad\.csv:5: kind: /)
  assert.match(r.err, /nothing was imported/)
  assert.equal(sql('SELECT count(*) FROM work_calendar_day'), before)

  const good = path.join(dir, 'good.csv')
  fs.writeFileSync(good, 'bureau,date,kind,name\n330122,2027-01-04,holiday,县庆补休\n420000,2027-01-09,workday,调休\n')
  const ok = luzhi(['calendar', 'import', good])
  assert.equal(ok.code, 0, ok.err)
  assert.match(ok.out, /2 calendar days imported/)
  assert.equal(Number(sql('SELECT count(*) FROM work_calendar_day')), Number(before) + 2)
})

test('case show by receipt number and by id, personal data masked', () => {
  const [id, receipt] = sql("SELECT id, receipt_no FROM service_case WHERE channel = 2 ORDER BY id LIMIT 1").split('|')
  const a = luzhi(['case', 'show', receipt])
  assert.equal(a.code, 0, a.err)
  const c = JSON.parse(a.out)
  assert.equal(c.receipt_no, receipt)
  assert.ok(Array.isArray(c.events) && c.events.length >= 1)
  assert.doesNotMatch(a.out, /"\d{17}[\dX]"/) // no clear ID number
  const b = luzhi(['case', 'show', id])
  assert.equal(JSON.parse(b.out).receipt_no, receipt)
  const missing = luzhi(['case', 'show', '330122-20000101-9999'])
  assert.equal(missing.code, 4)
  assert.match(missing.err, /no case in scope has this receipt number/)
})

test('stats processing-times: a table per type and the same figures as JSON', () => {
  const t = luzhi(['stats', 'processing-times', '--bureau', '330000', '--from', '2025-01-01', '--to', '2026-01-01'])
  assert.equal(t.code, 0, t.err)
  assert.match(t.out, /^type\tdecided\tmedian\tp80\tp93/)
  assert.match(t.out, /\ntotal\t\d+\t/)
  const j = luzhi(['stats', 'processing-times', '--bureau', '330000', '--from', '2025-01-01', '--to', '2026-01-01', '--json'])
  const s = JSON.parse(j.out)
  assert.ok(s.total.decided > 0)
  assert.ok(s.total.median_seconds <= s.total.p80_seconds && s.total.p80_seconds <= s.total.p93_seconds)
  assert.equal(luzhi(['stats', 'processing-times', '--bureau', '330000', '--from', 'soon', '--to', '2026-01-01']).code, 6)
})

function act(args, login) {
  return luzhi([...args, '--as', login], { env: { LUZHI_PASSWORD: DEMO_PASSWORD } })
}

test('case receive, inbox and acts: a window application followed to a decision; out of order refused', () => {
  const types = JSON.parse(luzhi(['case-type', 'list', '--bureau', '330122', '--json']).out)
  const type = types.find((t) => t.active && t.approval_levels === 1)
  assert.ok(type, 'Tonglu has an active one-level type')
  const file = path.join(dir, 'app.json')
  fs.writeFileSync(file, JSON.stringify({ type_id: type.id, channel: 'window', name: '赵六', id_number: '11010519491231002X', phone: '13800138000' }))

  const r = act(['case', 'receive', '--file', file], 'clerk')
  assert.equal(r.code, 0, r.err)
  const receipt = /receipt number\s+(330122-\d{8}-\d{4})/.exec(r.out)?.[1]
  assert.ok(receipt, r.out)
  assert.match(r.out, /check code\s+[2-9A-HJ-NP-Z]{10}\s/)
  assert.equal(sql(`SELECT channel FROM service_case WHERE receipt_no = '${receipt}'`), '2', 'received at the window (channel 2)')
  // The clear ID number is stored nowhere.
  assert.equal(sql(`SELECT count(*) FROM service_case WHERE receipt_no = '${receipt}' AND instr(CAST(applicant_id_sealed AS TEXT), '11010519491231002X') = 0`), '1')

  // A bad file names the field and writes nothing.
  const n = sql('SELECT count(*) FROM service_case')
  fs.writeFileSync(file, JSON.stringify({ type_id: type.id, channel: 'window', name: '赵六', id_number: 'not-an-id' }))
  const bad = act(['case', 'receive', '--file', file], 'clerk')
  assert.equal(bad.code, 6, bad.err)
  assert.match(bad.err, /id_number/)
  assert.equal(sql('SELECT count(*) FROM service_case'), n)

  // Deciding a case not yet accepted is refused with its state.
  const early = act(['case', 'decide', receipt, 'approved'], 'reviewer')
  assert.equal(early.code, 5, early.out + early.err)
  assert.match(early.err, /received/)

  assert.equal(act(['case', 'accept', receipt], 'clerk').code, 0)
  const reviewer = sql("SELECT staff_id FROM user_account WHERE login = 'reviewer'")
  const assigned = act(['case', 'assign', receipt, reviewer, '--note', '请审查'], 'clerk')
  assert.equal(assigned.code, 0, assigned.err)
  assert.equal(assigned.out.trim(), `${receipt}: assigned`)

  // In the reviewer's inbox, with its due time and the hours left.
  const inbox = act(['case', 'inbox', '--json'], 'reviewer')
  assert.equal(inbox.code, 0, inbox.err)
  const mine = JSON.parse(inbox.out).items.find((x) => x.receipt_no === receipt)
  assert.ok(mine, 'the case is in the reviewer\'s inbox')
  assert.equal(mine.overdue, false)
  const table = act(['case', 'inbox'], 'reviewer')
  assert.match(table.out, /^receipt\ttype\tstate\tdue\tleft\n/)
  assert.match(table.out, new RegExp(`\n${receipt}\t${type.code}\tassigned\t\\S+\t[\\d.]+ h\n`))

  assert.equal(act(['case', 'review', receipt], 'reviewer').code, 0)
  const noReason = act(['case', 'decide', receipt, 'refused'], 'reviewer')
  assert.equal(noReason.code, 6, noReason.err)
  assert.match(noReason.err, /reasons/)
  const decided = act(['case', 'decide', receipt, 'refused', '--reasons', '材料不全'], 'reviewer')
  assert.equal(decided.code, 0, decided.err)
  assert.equal(decided.out.trim(), `${receipt}: decided`)
  const shown = JSON.parse(luzhi(['case', 'show', receipt]).out)
  assert.equal(shown.outcome, 'refused')
  assert.deepEqual(shown.events.map((e) => e.kind).slice(0, 5), ['received', 'accepted', 'assigned', 'review_started', 'decided'])
})

test('complaint and assistance queues: listed, a complaint assigned, replied and rated', () => {
  const list = act(['complaint', 'list', '--state', 'assigned', '--json'], 'ombudsman')
  assert.equal(list.code, 0, list.err)
  const open = JSON.parse(list.out).items
  assert.ok(open.length > 0, 'the demo has complaints awaiting a reply')
  assert.ok(open.every((c) => c.state === 'assigned'), 'filtered by state')
  const id = String(open[0].id)
  const table = act(['complaint', 'list'], 'ombudsman')
  assert.match(table.out, /^id\tcategory\tstate\tdue\n/)
  assert.equal(act(['complaint', 'list'], 'clerk').code, 5, 'the queue is not a clerk\'s')

  const handler = sql(`SELECT id FROM staff WHERE bureau_id = ${open[0].bureau_id} AND status = 1 ORDER BY id LIMIT 1`)
  const assigned = act(['complaint', 'assign', id, handler], 'ombudsman')
  assert.equal(assigned.code, 0, assigned.err)
  const early = act(['complaint', 'rate', id, '4'], 'ombudsman')
  assert.equal(early.code, 5, 'no satisfaction before the reply')
  const empty = act(['complaint', 'reply', id], 'ombudsman')
  assert.equal(empty.code, 6)
  assert.match(empty.err, /reply/)
  assert.equal(act(['complaint', 'reply', id, '--text', '已简化材料清单，感谢反映。'], 'ombudsman').code, 0)
  assert.equal(act(['complaint', 'rate', id, '9'], 'ombudsman').code, 6)
  assert.equal(act(['complaint', 'rate', id, '4'], 'ombudsman').code, 0)
  const c = JSON.parse(act(['complaint', 'show', id], 'ombudsman').out)
  assert.equal(c.state, 'replied')
  assert.equal(c.satisfaction, 4)

  // The assistance queue is the ombudsman's, not a clerk's.
  assert.equal(act(['assistance', 'list'], 'clerk').code, 5)
  const q = act(['assistance', 'list', '--state', 'bureau_asked', '--json'], 'ombudsman')
  assert.equal(q.code, 0, q.err)
  const req = JSON.parse(q.out).items[0]
  assert.ok(req, 'the demo has requests waiting on their bureau')
  const id2 = String(req.id)
  const again = act(['assistance', 'ask-bureau', id2, '--action', '请五个工作日内办结', '--by', '2099-01-01'], 'ombudsman')
  assert.equal(again.code, 5, 'a bureau is asked once')
  const noNote = act(['assistance', 'conclude', id2, 'resolved'], 'ombudsman')
  assert.equal(noNote.code, 6)
  assert.match(noNote.err, /note/)
  const done = act(['assistance', 'conclude', id2, 'resolved', '--note', '已办结', '--cause', 'missing_form_guidance'], 'ombudsman')
  assert.equal(done.code, 0, done.err)
  const shown = JSON.parse(act(['assistance', 'show', id2], 'ombudsman').out)
  assert.equal(shown.state, 'concluded')
  assert.equal(shown.outcome, 'resolved')
  assert.equal(shown.cause_key, 'missing_form_guidance')
  const issues = act(['assistance', 'issues'], 'ombudsman')
  assert.equal(issues.code, 0, issues.err)
  assert.ok(JSON.parse(issues.out).length > 0, 'the demo has systemic issues')
})
