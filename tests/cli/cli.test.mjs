// The luzhi command: help, init, user add/passwd/list/disable, audit verify (and
// tampering caught with exit code 3), migrate, version, configuration precedence
// (file < environment < flags), and clear errors with their exit codes.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../lib/server.mjs'

const bin = process.env.LUZHI_BIN || path.join(REPO_ROOT, 'build', 'luzhi')
let dir

function luzhi(args, { input, env = {} } = {}) {
  const r = spawnSync(bin, args, {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, LUZHI_PASSWORD_COST: 'min', LUZHI_LOG_LEVEL: 'warn', ...env },
  })
  if (r.error) throw r.error
  return { code: r.status, out: r.stdout, err: r.stderr }
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'luzhi-cli-'))
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('help lists every command, and each command has --help', () => {
  const h = luzhi(['help'])
  assert.equal(h.code, 0)
  for (const c of ['serve', 'init', 'demo', 'migrate', 'user', 'audit', 'ledger', 'copy', 'version'])
    assert.match(h.out, new RegExp(`\\b${c}\\b`))
  const u = luzhi(['user', '--help'])
  assert.equal(u.code, 0)
  assert.match(u.out, /--password-stdin/)
  assert.equal(luzhi([]).code, 2)
  const bad = luzhi(['frobnicate'])
  assert.equal(bad.code, 2)
  assert.match(bad.err, /unknown command 'frobnicate'/)
  const opt = luzhi(['version', '--colour'])
  assert.equal(opt.code, 2)
  assert.match(opt.err, /unknown option --colour/)
  assert.match(luzhi(['version']).out, /^luzhi \d+\.\d+\.\d+ \(schema \d+\)/)
})

test('init makes a store with its first administrator; a second init changes nothing', () => {
  const data = path.join(dir, 'init')
  const noPw = luzhi(['init', '--data-dir', data])
  assert.equal(noPw.code, 6)
  assert.match(noPw.err, /password-stdin/)
  const ok = luzhi(['init', '--data-dir', data, '--bureau-code', '420000', '--bureau-name', '湖北省移民局',
    '--level', 'province', '--password-stdin'], { input: 'first-admin-pw\n' })
  assert.equal(ok.code, 0, ok.err)
  assert.match(ok.out, /420000/)
  const again = luzhi(['init', '--data-dir', data, '--password-stdin'], { input: 'another-pw-1\n' })
  assert.equal(again.code, 5)
  assert.match(again.err, /already holds/)
  const list = luzhi(['user', 'list', '--data-dir', data])
  assert.equal(list.code, 0)
  assert.match(list.out, /admin\s+admin\s+420000/)
  // `make run` calls demo on every start: on a store with data it changes nothing
  // and lists the accounts.
  const demo = luzhi(['demo', '--data-dir', data])
  assert.equal(demo.code, 0, demo.err)
  assert.match(demo.out, /already holds data/)
  assert.match(demo.out, /admin\s+admin\s+bureau 420000/)
})

test('user add, passwd, disable and list, with errors naming the field', () => {
  const data = path.join(dir, 'users')
  assert.equal(luzhi(['init', '--data-dir', data, '--password-stdin'], { input: 'first-admin-pw\n' }).code, 0)
  const add = luzhi(['user', 'add', 'wang.fang', '--role', 'clerk', '--bureau', '100000', '--password-stdin',
    '--data-dir', data], { input: 'clerk-pass-1\n' })
  assert.equal(add.code, 0, add.err)
  const dup = luzhi(['user', 'add', 'wang.fang', '--role', 'clerk', '--bureau', '100000', '--password-stdin',
    '--data-dir', data], { input: 'clerk-pass-1\n' })
  assert.equal(dup.code, 5)
  assert.match(dup.err, /taken \(login\)/)
  const role = luzhi(['user', 'add', 'li.na', '--role', 'emperor', '--bureau', '100000', '--password-stdin',
    '--data-dir', data], { input: 'clerk-pass-1\n' })
  assert.equal(role.code, 6)
  assert.match(role.err, /\(role\)/)
  const short = luzhi(['user', 'add', 'li.na', '--role', 'clerk', '--bureau', '100000', '--password-stdin',
    '--data-dir', data], { input: 'short\n' })
  assert.equal(short.code, 6)
  assert.match(short.err, /\(password\)/)
  const nob = luzhi(['user', 'add', 'li.na', '--role', 'clerk', '--bureau', '999999', '--password-stdin',
    '--data-dir', data], { input: 'clerk-pass-1\n' })
  assert.equal(nob.code, 4)
  assert.equal(luzhi(['user', 'passwd', 'wang.fang', '--password-stdin', '--data-dir', data],
    { input: 'new-clerk-pass\n' }).code, 0)
  assert.equal(luzhi(['user', 'passwd', 'nobody', '--password-stdin', '--data-dir', data],
    { input: 'new-clerk-pass\n' }).code, 4)
  assert.equal(luzhi(['user', 'disable', 'wang.fang', '--data-dir', data]).code, 0)
  const list = luzhi(['user', 'list', '--data-dir', data])
  assert.match(list.out, /wang\.fang\s+clerk\s+100000\s+0\s+no/)
  // `luzhi demo` on this store lists only the accounts that can sign in.
  const demo = luzhi(['demo', '--data-dir', data])
  assert.equal(demo.code, 0, demo.err)
  assert.match(demo.out, /admin\s+admin\s+bureau 100000/)
  assert.doesNotMatch(demo.out, /wang\.fang/)
  // Every change is in the audit log, which verifies.
  const v = luzhi(['audit', 'verify', '--data-dir', data])
  assert.equal(v.code, 0)
  const n = Number(/verified: (\d+) entries/.exec(v.out)[1])
  assert.ok(n >= 5, v.out)
})

test('audit verify names a tampered entry and exits 3', () => {
  const data = path.join(dir, 'tamper')
  assert.equal(luzhi(['init', '--data-dir', data, '--password-stdin'], { input: 'first-admin-pw\n' }).code, 0)
  assert.equal(luzhi(['user', 'add', 'a.b', '--role', 'auditor', '--bureau', '100000', '--password-stdin',
    '--data-dir', data], { input: 'auditor-pw-1\n' }).code, 0)
  const sq = spawnSync('sqlite3', [path.join(data, 'luzhi.db'), "UPDATE audit_log SET actor = 'nobody' WHERE seq = 2"])
  assert.equal(sq.status, 0)
  const v = luzhi(['audit', 'verify', '--data-dir', data])
  assert.equal(v.code, 3)
  assert.match(v.out, /entry 2 has been altered/)
})

test('configuration: file, then environment, then flags', () => {
  const conf = path.join(dir, 'luzhi.conf')
  const fromFile = path.join(dir, 'from-file')
  const fromEnv = path.join(dir, 'from-env')
  const fromFlag = path.join(dir, 'from-flag')
  fs.writeFileSync(conf, `# test\ndata_dir = ${fromFile}\nlog_level = warn\n`)
  assert.equal(luzhi(['migrate', '--config', conf]).code, 0)
  assert.ok(fs.existsSync(path.join(fromFile, 'luzhi.db')))
  assert.equal(luzhi(['migrate', '--config', conf], { env: { LUZHI_DATA_DIR: fromEnv } }).code, 0)
  assert.ok(fs.existsSync(path.join(fromEnv, 'luzhi.db')))
  assert.equal(luzhi(['migrate', '--config', conf, '--data-dir', fromFlag], { env: { LUZHI_DATA_DIR: fromEnv } }).code, 0)
  assert.ok(fs.existsSync(path.join(fromFlag, 'luzhi.db')))
  fs.writeFileSync(conf, 'colour = blue\n')
  const bad = luzhi(['migrate', '--config', conf])
  assert.equal(bad.code, 6)
  assert.match(bad.err, /luzhi\.conf:1: unknown setting 'colour'/)
  const missing = luzhi(['migrate', '--config', path.join(dir, 'none.conf')])
  assert.equal(missing.code, 8)
  const threads = luzhi(['migrate', '--data-dir', fromFlag], { env: { LUZHI_THREADS: 'many' } })
  assert.equal(threads.code, 6)
  assert.match(threads.err, /threads must be a whole number/)
})
