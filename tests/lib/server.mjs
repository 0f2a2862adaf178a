// Starts a real `luzhi serve` for API and browser tests, on a fresh temporary store
// and a free loopback port, and stops it again.
//
//   import { startServer, DEMO_PASSWORD } from '../lib/server.mjs'
//   const srv = await startServer()          // demo data loaded
//   const res = await fetch(`${srv.url}/api/v1/health`)
//   await srv.stop()                         // SIGTERM, wait, remove the store
//
// The binary is $LUZHI_BIN, or build/luzhi in the repository. Both commands run with
// LUZHI_PASSWORD_COST=min so that password hashing does not slow the tests down.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

// Password of every demo account made by `luzhi demo`.
export const DEMO_PASSWORD = 'luzhi-demo-2026'

// Demo accounts: login → role and, where fixed, the code of the bureau it belongs to.
export const DEMO_USERS = Object.freeze({
  admin: { role: 'admin', bureau: '100000' },
  director: { role: 'director', bureau: '420000' },
  clerk: { role: 'clerk', bureau: '330122' },
  reviewer: { role: 'reviewer' },
  finance: { role: 'finance' },
  inspector: { role: 'inspector' },
  discipline: { role: 'discipline' },
  ombudsman: { role: 'ombudsman' },
  auditor: { role: 'auditor' },
  'inspector.zj': { role: 'inspector', bureau: '330000' },
  'director.zj': { role: 'director', bureau: '330100' },
})
export const DEMO_LOGINS = Object.freeze(Object.keys(DEMO_USERS))

const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000

function luzhiBin() {
  return process.env.LUZHI_BIN || path.join(REPO_ROOT, 'build', 'luzhi')
}

function childEnv() {
  return { ...process.env, LUZHI_PASSWORD_COST: 'min' }
}

// Asks the kernel for a free loopback port: listen on port 0, read it, close.
async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// On the PostgreSQL pass of the suite ($LUZHI_TEST_PG_FILE names the state file of
// scripts/pg-test-cluster), each server gets a database of its own on that cluster.
// Answers the base URL ("postgres://luzhi@127.0.0.1:PORT/") or null on SQLite.
export async function pgBase() {
  const file = process.env.LUZHI_TEST_PG_FILE
  if (!file) return null
  const text = await fs.readFile(file, 'utf8')
  return text.split('\n')[0].trim()
}

let pgSerial = 0
function psql(base, sql) {
  const r = spawnSync('psql', [`${base}postgres`, '-qXc', sql], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.error) throw r.error
  if (r.status !== 0) throw new Error(`psql failed: ${sql}`)
}

function pgHas(base, db) {
  const r = spawnSync('psql', [`${base}postgres`, '-qXAtc', `SELECT 1 FROM pg_database WHERE datname = '${db}'`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  return r.status === 0 && r.stdout.trim() === '1'
}

// Where the store of a test server lives: --db on PostgreSQL, the data dir otherwise.
async function storeArgs(template) {
  const base = await pgBase()
  if (!base) return { args: [], drop: () => {} }
  const name = `luzhi_api_${process.pid}_${++pgSerial}`
  psql(base, template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`)
  return { args: ['--db', `${base}${name}`], drop: () => psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

// The demo store is made once per binary (and per PostgreSQL cluster) and copied for
// each server: a data directory of the same bytes on SQLite, a database made from a
// template database on PostgreSQL. A copy is the very store `luzhi demo` leaves, so
// every server still starts on a fresh demo; only the minutes of loading it again are
// saved. unit/test_demo tests the loading itself. The template is built under a
// temporary name and renamed into place, so test processes running side by side
// never see half of one.
const TEMPLATE_PREFIX = 'luzhi-demo-template-'

function binaryKey(bin, stat, base) {
  const h = createHash('sha256').update(`${path.resolve(bin)}\0${stat.size}\0${stat.mtimeMs}\0${base || 'sqlite'}`)
  return h.digest('hex').slice(0, 16)
}

async function demoTemplate(bin, env, base) {
  const key = binaryKey(bin, await fs.stat(bin), base)
  const dir = path.join(os.tmpdir(), `${TEMPLATE_PREFIX}${key}`)
  const db = base ? `luzhi_tpl_${key}` : null
  try {
    await fs.access(path.join(dir, 'ready'))
    // A cluster started again on the same port has no template yet.
    if (!base || pgHas(base, db)) return { dir, db }
    await fs.rm(dir, { recursive: true, force: true })
  } catch {
    // not made yet
  }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), `${TEMPLATE_PREFIX}tmp-`))
  const tmpDb = base ? `luzhi_tpl_tmp_${process.pid}_${Date.now()}` : null
  try {
    if (base) psql(base, `CREATE DATABASE ${tmpDb}`)
    const args = ['demo', '--data-dir', tmp, ...(base ? ['--db', `${base}${tmpDb}`] : [])]
    const r = spawnSync(bin, args, { env, stdio: ['ignore', 2, 'inherit'] })
    if (r.error) throw r.error
    if (r.status !== 0) throw new Error(`luzhi demo exited with ${r.status ?? r.signal}`)
    if (base) {
      // Only one process may name the template; a loser drops its own copy.
      const rr = spawnSync('psql', [`${base}postgres`, '-qXc', `ALTER DATABASE ${tmpDb} RENAME TO ${db}`],
        { stdio: ['ignore', 'ignore', 'ignore'] })
      if (rr.status !== 0) psql(base, `DROP DATABASE IF EXISTS ${tmpDb} WITH (FORCE)`)
    }
    await fs.writeFile(path.join(tmp, 'ready'), key)
    try {
      await fs.rename(tmp, dir)
    } catch {
      await fs.rm(tmp, { recursive: true, force: true }) // another process was first
    }
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true })
    if (base) psql(base, `DROP DATABASE IF EXISTS ${tmpDb} WITH (FORCE)`)
    throw e
  }
  // Templates of earlier builds of the same binary are not needed any more.
  for (const name of await fs.readdir(os.tmpdir())) {
    if (name.startsWith(TEMPLATE_PREFIX) && name !== path.basename(dir) && !name.includes('tmp-')) {
      const other = path.join(os.tmpdir(), name)
      const st = await fs.stat(other).catch(() => null)
      if (st && Date.now() - st.mtimeMs > 3600_000) await fs.rm(other, { recursive: true, force: true })
    }
  }
  return { dir, db }
}

// Starts the server. With 'demo' (the default) the store is first filled by
// `luzhi demo`. Answers { url, dataDir, stop }; stop() may be called more than once.
export async function startServer({ demo = true } = {}) {
  const bin = luzhiBin()
  try {
    await fs.access(bin, fs.constants.X_OK)
  } catch {
    throw new Error(`luzhi binary not found or not executable: ${bin} (build it, or set LUZHI_BIN)`)
  }

  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'luzhi-test-'))
  const env = childEnv()
  // The child's stdout goes to our stderr: node's test runner reads our stdout.
  const template = demo ? await demoTemplate(bin, env, await pgBase()) : null
  const store = await storeArgs(template?.db)

  try {
    if (template) {
      await fs.cp(template.dir, dataDir, { recursive: true })
      await fs.rm(path.join(dataDir, 'ready'), { force: true })
    }

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const child = spawn(bin, ['serve', '--data-dir', dataDir, ...store.args, '--listen', `127.0.0.1:${port}`], {
      env,
      stdio: ['ignore', 2, 'inherit'],
    })
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }))
      child.once('error', (error) => resolve({ error }))
    })
    let exitInfo = null
    exited.then((info) => (exitInfo = info))

    let stopped = false
    async function stop() {
      if (stopped) return
      stopped = true
      let killedHard = false
      if (!exitInfo) {
        child.kill('SIGTERM')
        let timer
        const done = await Promise.race([
          exited,
          new Promise((resolve) => {
            timer = setTimeout(resolve, STOP_TIMEOUT_MS, null)
          }),
        ])
        clearTimeout(timer) // a pending timer would keep the test process alive
        if (!done) {
          child.kill('SIGKILL')
          await exited
          killedHard = true
        }
      }
      await fs.rm(dataDir, { recursive: true, force: true })
      store.drop()
      if (killedHard) throw new Error(`luzhi serve did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`)
    }

    const deadline = Date.now() + START_TIMEOUT_MS
    for (;;) {
      if (exitInfo) {
        stopped = true
        const why = exitInfo.error ? exitInfo.error.message : `exit ${exitInfo.code ?? exitInfo.signal}`
        throw new Error(`luzhi serve stopped before answering: ${why}`)
      }
      try {
        const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(1000) })
        await res.arrayBuffer()
        if (res.status === 200) break
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop().catch(() => {})
        throw new Error(`luzhi serve did not answer /api/v1/health within ${START_TIMEOUT_MS / 1000} s`)
      }
      await sleep(100)
    }

    return { url, dataDir, db: store.args[1] || null, stop }
  } catch (e) {
    await fs.rm(dataDir, { recursive: true, force: true })
    store.drop()
    throw e
  }
}
