// The funds commands on the demo store: the beneficiary importer (a good file is
// imported whole; a file with one bad row writes nothing and names the row), a
// payroll run prepared by one person and approved by another through --as, four
// eyes refused with its message and exit code, the system refused person acts with
// the hint to use --as, and the ledger and audit log still verifying afterwards.
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

// Runs a listing with --json and answers its items.
function items(args) {
  const r = luzhi([...args, '--json', '--limit', '200'])
  assert.equal(r.code, 0, r.err)
  return JSON.parse(r.out).items
}

// A GB 11643 number: division, birth date, sequence and the MOD 11-2 check character.
function idNumber(division, birth, seq) {
  const first = `${division}${birth}${String(seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first].reduce((s, d, i) => s + Number(d) * w[i], 0)
  return first + '10X98765432'[sum % 11]
}

const HEADER = 'id_number,name,village,household_id,relocated_on,bank_account\n'

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luzhi-cli-funds-'))
  data = path.join(dir, 'data')
  const demo = luzhi(['demo'])
  assert.equal(demo.code, 0, demo.err)
  assert.match(demo.out, /Funds: \d+ allocations/)
  assert.match(demo.out, /286,600\.00 yuan — refused \(409/)
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('help names the funds commands and --as', () => {
  const h = luzhi(['help'])
  for (const c of ['ledger', 'allocation', 'project', 'payment', 'programme', 'beneficiary', 'payroll'])
    assert.match(h.out, new RegExp(`\\n  ${c}\\b`))
  const p = luzhi(['payroll', '--help'])
  assert.equal(p.code, 0)
  assert.match(p.out, /--as VALUE/)
  assert.match(p.out, /--period/)
  const bad = luzhi(['payroll', 'frobnicate'])
  assert.equal(bad.code, 2)
  assert.match(bad.err, /unknown command 'payroll frobnicate'/)
  const usage = luzhi(['payroll', 'approve'])
  assert.equal(usage.code, 2)
  assert.match(usage.err, /usage: luzhi payroll approve RUN/)
  const noId = luzhi(['payment', 'show', 'x'])
  assert.equal(noId.code, 6)
  assert.match(noId.err, /\(payment\)/)
})

test('beneficiary import: a good file is imported whole; one bad row writes nothing', () => {
  const made = luzhi(['programme', 'create', '--bureau', '330122', '--name', '导入测试后期扶持', '--frequency', 'annual'])
  assert.equal(made.code, 0, made.err)
  const programme = Number(/programme (\d+) created/.exec(made.out)[1])

  const good = path.join(dir, 'good.csv')
  fs.writeFileSync(good, '\ufeff' + HEADER +
    `${idNumber('330122', '19620314', 31)},王建国,富春江镇芦茨村,TL-9001,2010-05-01,6217001234567890123\n` +
    `${idNumber('330122', '19650802', 42)},"李秀英",富春江镇芦茨村,TL-9001,2010-05-01,\n` +
    `${idNumber('330122', '19881120', 53)},"王""小""明",富春江镇芦茨村,TL-9001,2010-05-01,6228 4800 1234 5678\n`)
  const ok = luzhi(['beneficiary', 'import', '--programme', String(programme), good])
  assert.equal(ok.code, 0, ok.err)
  assert.match(ok.out, /imported 3 beneficiaries/)
  const list = items(['beneficiary', 'list', '--programme', String(programme)])
  assert.equal(list.length, 3)
  assert.ok(list.some((b) => b.name === '王"小"明'))
  for (const b of list) assert.doesNotMatch(JSON.stringify(b), /19620314|19650802/) // masked

  // One bad check digit, one short row, one repeat of a registered person: each
  // named FILE:LINE: field: message, and nothing written — not even the good row.
  const bad = path.join(dir, 'bad.csv')
  const wrong = idNumber('330122', '19700101', 65)
  const badCheck = wrong.slice(0, 17) + (wrong[17] === '1' ? '2' : '1')
  fs.writeFileSync(bad, HEADER +
    `${idNumber('330122', '19710203', 71)},张伟,分水镇后岩村,TL-9002,2011-03-01,\n` +
    `${badCheck},刘芳,分水镇后岩村,TL-9002,2011-03-01,\n` +
    `${idNumber('330122', '19720405', 81)},陈明\n` +
    `${idNumber('330122', '19620314', 31)},王建国,富春江镇芦茨村,TL-9001,2010-05-01,\n`)
  const refused = luzhi(['beneficiary', 'import', '--programme', String(programme), bad])
  assert.equal(refused.code, 6, refused.err)
  assert.match(refused.err, /bad\.csv:3: id_number: .*check/)
  assert.match(refused.err, /bad\.csv:4: line: expected 6 fields, found 2/)
  assert.match(refused.err, /bad\.csv:5: id_number: .*already/)
  assert.doesNotMatch(refused.err, /bad\.csv:2:/)
  assert.match(refused.err, /nothing imported: 3 of 4 rows/)
  assert.equal(items(['beneficiary', 'list', '--programme', String(programme)]).length, 3)

  const header = path.join(dir, 'header.csv')
  fs.writeFileSync(header, 'name,id_number\n')
  const h = luzhi(['beneficiary', 'import', '--programme', String(programme), header])
  assert.equal(h.code, 6)
  assert.match(h.err, /header must be id_number,name,village,household_id,relocated_on,bank_account/)
  const none = luzhi(['beneficiary', 'import', '--programme', '999999', good])
  assert.equal(none.code, 4)
})

test('payroll: prepared by one person, approved by another; four eyes and the system refused', () => {
  const programme = items(['programme', 'list', '--bureau', '330122']).find((p) => p.name === '富春江水库移民后期扶持')
  assert.ok(programme)
  const line = items(['allocation', 'list', '--bureau', '330122', '--year', '2026'])
    .find((a) => a.purpose.includes('直补'))
  assert.ok(line)
  const args = ['payroll', 'prepare', '--programme', String(programme.id), '--period', '2026-10-01..2026-12-31',
    '--allocation', String(line.id)]

  // The system may not act as a person: the refusal says to use --as.
  const sys = luzhi(args)
  assert.equal(sys.code, 5)
  assert.match(sys.err, /may not prepare payments/)
  assert.match(sys.err, /--as LOGIN/)

  const wrongPw = luzhi([...args, '--as', 'finance'], { env: { LUZHI_PASSWORD: 'not-the-password' } })
  assert.equal(wrongPw.code, 5)
  assert.match(wrongPw.err, /wrong login or password/)

  const prep = luzhi([...args, '--as', 'finance'], { env: { LUZHI_PASSWORD: DEMO_PASSWORD } })
  assert.equal(prep.code, 0, prep.err)
  const run = Number(/payroll run (\d+) prepared: (\d+) payments/.exec(prep.out)[1])

  // The maker approving his own run: four eyes, 409 → exit code 5.
  const same = luzhi(['payroll', 'approve', String(run), '--as', 'finance'], { input: `${DEMO_PASSWORD}\n` })
  assert.equal(same.code, 5)
  assert.match(same.err, /maker of a payroll run may not approve it/)

  // Another person approves (the password on standard input).
  const other = luzhi(['payroll', 'approve', String(run), '--as', 'director.zj'], { input: `${DEMO_PASSWORD}\n` })
  assert.equal(other.code, 0, other.err)
  assert.match(other.out, new RegExp(`payroll run ${run} approved`))
  const shown = JSON.parse(luzhi(['payroll', 'show', String(run)]).out)
  assert.equal(shown.status, 'approved')
  assert.ok(shown.approved_fen > 0)

  // Every money event of the demo and of these commands verifies.
  const ledger = luzhi(['ledger', 'verify'])
  assert.equal(ledger.code, 0, ledger.out + ledger.err)
  assert.match(ledger.out, /ledger verified/)
  const audit = luzhi(['audit', 'verify'])
  assert.equal(audit.code, 0, audit.out + audit.err)
})

test('payments: the refused project cannot be paid; a paid one shows its events', () => {
  const projects = items(['project', 'list', '--bureau', '330122'])
  const repair = projects.find((p) => p.name === '茆坪村移民安置房屋修缮工程')
  assert.ok(repair)
  assert.equal(repair.payable_fen, 0)
  const line = items(['allocation', 'list', '--bureau', '330122', '--year', '2026'])
    .find((a) => a.purpose.includes('项目'))
  const prep = luzhi(['payment', 'prepare', '--project', String(repair.id), '--stage', '1', '--allocation',
    String(line.id), '--amount-fen', '28660000', '--as', 'finance'], { env: { LUZHI_PASSWORD: DEMO_PASSWORD } })
  assert.equal(prep.code, 5)
  assert.match(prep.err, /not accepted/)
  const amount = luzhi(['payment', 'prepare', '--project', String(repair.id), '--stage', '1', '--allocation',
    String(line.id), '--amount-fen', '2866.00', '--as', 'finance'], { env: { LUZHI_PASSWORD: DEMO_PASSWORD } })
  assert.equal(amount.code, 6)
  assert.match(amount.err, /\(amount_fen\)/)

  const paid = items(['payment', 'list', '--status', 'paid'])
  assert.equal(paid.length, 3)
  const one = JSON.parse(luzhi(['payment', 'show', String(paid[0].id)]).out)
  assert.equal(one.status, 'paid')
})

test('allocations: created down the hierarchy as the system, never beyond the parent', () => {
  const county = items(['allocation', 'list', '--bureau', '330122', '--year', '2026'])
    .find((a) => a.parent_id && !a.purpose.includes('直补') && !a.purpose.includes('项目'))
  assert.ok(county)
  const made = luzhi(['allocation', 'create', '--bureau', '330122', '--parent', String(county.id), '--year', '2026',
    '--amount-fen', '100000', '--purpose', '2026年桐庐县移民技能培训补助'])
  assert.equal(made.code, 0, made.err)
  const id = Number(/allocation (\d+) created/.exec(made.out)[1])
  const shown = JSON.parse(luzhi(['allocation', 'show', String(id)]).out)
  assert.equal(shown.amount_fen, 100000)
  assert.equal(shown.parent_id, county.id)
  const after = JSON.parse(luzhi(['allocation', 'show', String(county.id)]).out)
  assert.equal(after.children_fen, county.children_fen + 100000)

  const over = luzhi(['allocation', 'create', '--bureau', '330122', '--parent', String(county.id), '--year', '2026',
    '--amount-fen', String(after.free_fen + 1), '--purpose', '超额下达'])
  assert.equal(over.code, 5)
  const zero = luzhi(['allocation', 'create', '--bureau', '330122', '--parent', String(county.id), '--year', '2026',
    '--amount-fen', '0', '--purpose', '零'])
  assert.equal(zero.code, 6)
  assert.match(zero.err, /\(amount_fen\)/)
  const out = luzhi(['allocation', 'create', '--bureau', '999999', '--year', '2026', '--amount-fen', '1',
    '--purpose', 'x'])
  assert.equal(out.code, 4)
})
