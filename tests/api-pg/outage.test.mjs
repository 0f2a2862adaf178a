// PostgreSQL goes away while luzhi serves: requests answer 503 with a clear error and
// nothing half-written, and luzhi recovers by itself when the database returns.
// Runs only on the PostgreSQL pass (it stops and starts the test cluster).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { startServer, DEMO_PASSWORD, REPO_ROOT } from '../lib/server.mjs'

function cluster(verb) {
  const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'pg-test-cluster'), [verb, process.env.LUZHI_TEST_PG_FILE], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  assert.equal(r.status, 0, `pg-test-cluster ${verb}`)
}

test('a database outage answers 503 and luzhi recovers when it returns', async () => {
  assert.ok(process.env.LUZHI_TEST_PG_FILE, 'this test runs on the PostgreSQL pass')
  const srv = await startServer()
  try {
    const login = await fetch(`${srv.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'director', password: DEMO_PASSWORD }),
    })
    assert.equal(login.status, 200)
    const { token } = await login.json()
    const auth = { Authorization: `Bearer ${token}`, 'Accept-Language': 'en' }
    const staff = () => fetch(`${srv.url}/api/v1/staff?limit=5`, { headers: auth })
    const before = await staff()
    assert.equal(before.status, 200)
    const bureauId = (await before.json()).items[0].bureau_id

    cluster('pause')
    try {
      const during = await staff()
      assert.equal(during.status, 503)
      const body = await during.json()
      assert.equal(body.error.code, 'unavailable')
      assert.ok(during.headers.get('x-request-id'))
      const write = await fetch(`${srv.url}/api/v1/staff`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ bureau_id: bureauId, employee_no: 'OUTAGE-1', name: '断线测试', status: 'active' }),
      })
      assert.equal(write.status, 503)
      // The health check does not touch the store: the process itself is up.
      assert.equal((await fetch(`${srv.url}/api/v1/health`)).status, 200)
    } finally {
      cluster('resume')
    }

    let after
    for (let i = 0; i < 20; i++) {
      after = await staff()
      if (after.status === 200) break
      await new Promise((r) => setTimeout(r, 250))
    }
    assert.equal(after.status, 200)
    // The write refused during the outage left nothing behind.
    const found = await fetch(`${srv.url}/api/v1/staff?q=OUTAGE-1`, { headers: auth })
    assert.equal((await found.json()).items.length, 0)
    // The audit chain is intact.
    const verify = await fetch(`${srv.url}/api/v1/audit-log/verify`, { headers: auth })
    assert.equal((await verify.json()).ok, true)
  } finally {
    await srv.stop()
  }
})
