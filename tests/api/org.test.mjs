// The happy paths through the organisation API, as a director and an administrator
// use it: bureaus, departments, staff (pages, create, edit), accounts, and the audit
// log that records every change and verifies. And tenancy: another bureau's records
// read as missing (404).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

let srv, c, director, admin

before(async () => {
  srv = await startServer()
  c = client(srv.url)
  director = await c.signIn('director')
  admin = await c.signIn('admin')
})
after(() => srv?.stop())

test('bureaus: the list in scope, one by id or by code', async () => {
  const all = await c.all('/api/v1/bureaus?limit=7', { token: admin.token })
  assert.ok(all.length > 10)
  assert.equal(new Set(all.map((b) => b.id)).size, all.length, 'pages do not overlap')
  const hubei = await c.get('/api/v1/bureaus/420000', { token: director.token })
  assert.equal(hubei.status, 200)
  assert.equal(hubei.json.code, '420000')
  assert.equal(hubei.json.level, 'province')
  const byId = await c.get(`/api/v1/bureaus/${hubei.json.id}`, { token: director.token })
  assert.deepEqual(byId.json, hubei.json)
  const mine = await c.all('/api/v1/bureaus', { token: director.token })
  assert.ok(mine.every((b) => b.code.startsWith('42')), 'a Hubei director sees Hubei only')
})

test('departments: list a bureau’s, create one', async () => {
  const hubei = (await c.get('/api/v1/bureaus/420000', { token: director.token })).json
  const before = (await c.get('/api/v1/bureaus/420000/departments', { token: director.token })).json
  assert.equal(before.next_cursor, null)
  const r = await c.post('/api/v1/departments', { bureau_id: hubei.id, name: '接口测试科' }, { token: director.token })
  assert.equal(r.status, 201, r.text)
  assert.equal(r.json.name, '接口测试科')
  assert.equal(r.json.bureau_id, hubei.id)
  const listed = (await c.get(`/api/v1/bureaus/${hubei.id}/departments`, { token: director.token })).json.items
  assert.equal(listed.length, before.items.length + 1)
  assert.ok(listed.some((d) => d.id === r.json.id))
  const again = await c.post('/api/v1/departments', { bureau_id: hubei.id, name: '接口测试科' }, { token: director.token })
  assertError(again, 409, 'conflict', 'name')
})

test('staff: pages follow the cursor without gaps or repeats', async () => {
  const page1 = await c.get('/api/v1/staff?limit=5', { token: director.token })
  assert.equal(page1.status, 200)
  assert.equal(page1.json.items.length, 5)
  assert.equal(typeof page1.json.next_cursor, 'string')
  const page2 = await c.get(`/api/v1/staff?limit=5&cursor=${page1.json.next_cursor}`, { token: director.token })
  assert.ok(page2.json.items[0].id > page1.json.items[4].id)
  const everyone = await c.all('/api/v1/staff?limit=50', { token: director.token })
  const ids = everyone.map((x) => x.id)
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b))
  assert.equal(new Set(ids).size, ids.length)
  const big = await c.get('/api/v1/staff?limit=200', { token: director.token })
  assert.equal(big.json.items.length, Math.min(200, ids.length))
  assert.ok(everyone.every((x) => x.bureau_name.startsWith('湖北') || x.bureau_name.includes('市') || x.bureau_name.includes('县')))
})

test('staff: filters by status, bureau and search text', async () => {
  const active = await c.all('/api/v1/staff?status=active', { token: director.token })
  assert.ok(active.length > 0 && active.every((x) => x.status === 'active'))
  const hubei = (await c.get('/api/v1/bureaus/420000', { token: director.token })).json
  const own = await c.all(`/api/v1/staff?bureau_id=${hubei.id}`, { token: director.token })
  assert.ok(own.length > 0)
  const name = own[0].name
  const found = await c.get(`/api/v1/staff?q=${encodeURIComponent(name)}`, { token: director.token })
  assert.ok(found.json.items.some((x) => x.id === own[0].id))
})

test('staff: create and edit, and the audit log shows both', async () => {
  const hubei = (await c.get('/api/v1/bureaus/420000', { token: director.token })).json
  const created = await c.post(
    '/api/v1/staff',
    { bureau_id: hubei.id, employee_no: 'API-0001', name: '测试员', post: '科员', hired_on: '2024-03-01' },
    { token: director.token },
  )
  assert.equal(created.status, 201, created.text)
  const id = created.json.id
  assert.equal(created.headers.get('location'), `/api/v1/staff/${id}`)
  assert.equal(created.json.status, 'active')
  assert.equal(created.json.hired_on, '2024-03-01')

  const edited = await c.patch(`/api/v1/staff/${id}`, { post: '副科长', status: 'leave' }, { token: director.token })
  assert.equal(edited.status, 200, edited.text)
  assert.equal(edited.json.post, '副科长')
  assert.equal(edited.json.status, 'leave')
  assert.equal(edited.json.name, '测试员', 'fields not given are kept')
  assert.deepEqual((await c.get(`/api/v1/staff/${id}`, { token: director.token })).json, edited.json)

  assertError(await c.patch(`/api/v1/staff/${id}`, { bureau_id: 1 }, { token: director.token }), 422, 'invalid_field',
    'bureau_id')
  const dup = await c.post('/api/v1/staff', { bureau_id: hubei.id, employee_no: 'API-0001', name: '重复' },
    { token: director.token })
  assertError(dup, 409, 'conflict', 'employee_no')

  const log = await c.get(`/api/v1/audit-log?entity_type=staff&entity_id=${id}`, { token: director.token })
  assert.equal(log.status, 200)
  assert.deepEqual(log.json.items.map((e) => e.action), ['staff.update', 'staff.create'])
  const [update, create] = log.json.items
  assert.equal(update.actor, 'director')
  assert.equal(update.origin, 'http')
  assert.match(update.request_id, /^[0-9a-f]{16}$/)
  assert.equal(update.before_digest, create.after_digest)
  assert.notEqual(update.after_digest, update.before_digest)
  const staffActions = await c.get('/api/v1/audit-log?action=staff.&limit=1', { token: director.token })
  assert.equal(staffActions.json.items[0].seq, update.seq)
  const mineOnly = await c.get('/api/v1/audit-log?actor=director&action=staff.update', { token: director.token })
  assert.ok(mineOnly.json.items.some((e) => e.seq === update.seq))

  const verify = await c.get('/api/v1/audit-log/verify', { token: director.token })
  assert.equal(verify.status, 200)
  assert.equal(verify.json.ok, true)
  assert.ok(verify.json.count >= update.seq)
  assert.match(verify.json.head, /^[0-9a-f]{64}$/)
  assert.equal(verify.json.first_bad, undefined)
})

test('the audit log pages by cursor and filters by time', async () => {
  const p1 = await c.get('/api/v1/audit-log?limit=3', { token: admin.token })
  assert.equal(p1.json.items.length, 3)
  const p2 = await c.get(`/api/v1/audit-log?limit=3&cursor=${p1.json.next_cursor}`, { token: admin.token })
  assert.ok(p2.json.items[0].seq < p1.json.items[2].seq, 'newest first')
  const future = await c.get('/api/v1/audit-log?from=2999-01-01T00:00:00Z', { token: admin.token })
  assert.deepEqual(future.json.items, [])
  const past = await c.get('/api/v1/audit-log?to=2000-01-01T00:00:00%2B08:00', { token: admin.token })
  assert.deepEqual(past.json.items, [])
})

test('accounts: list and create', async () => {
  const users = await c.all('/api/v1/users?limit=3', { token: admin.token })
  const dir = users.find((u) => u.login === 'director')
  assert.ok(dir)
  assert.deepEqual(Object.keys(dir).sort(),
    ['active', 'bureau_code', 'bureau_id', 'created_at', 'id', 'login', 'role', 'staff_id'])
  assert.equal(dir.bureau_code, '420000')
  assert.equal(dir.active, true)

  const r = await c.post('/api/v1/users',
    { login: 'api.clerk', role: 'clerk', bureau_code: '420000', password: 'a-long-password' },
    { token: admin.token })
  assert.equal(r.status, 201, r.text)
  assert.equal(r.json.login, 'api.clerk')
  assert.equal(r.json.bureau.code, '420000')
  assert.ok(!JSON.stringify(r.json).includes('a-long-password'), 'the password is never echoed')
  const s = await c.signIn('api.clerk', 'a-long-password')
  assert.equal(s.user.role, 'clerk')

  assertError(await c.post('/api/v1/users', { login: 'api.clerk', role: 'clerk', bureau_code: '420000',
    password: 'a-long-password' }, { token: admin.token }), 409, 'conflict', 'login')
  assertError(await c.post('/api/v1/users', { login: 'x2', role: 'clerk', bureau_code: '420000',
    password: 'a-long-password' }, { token: admin.token }), 422, 'invalid_field', 'login')
  assertError(await c.post('/api/v1/users', { login: 'api.boss', role: 'emperor', bureau_code: '420000',
    password: 'a-long-password' }, { token: admin.token }), 422, 'invalid_field', 'role')
  // A director may list accounts but not create them.
  assertError(await c.post('/api/v1/users', { login: 'api.x', role: 'clerk', bureau_code: '420000',
    password: 'a-long-password' }, { token: director.token }), 403, 'forbidden')
  assert.equal((await c.get('/api/v1/users', { token: director.token })).status, 200)
})

test('roles: a clerk may read but not write the organisation', async () => {
  const clerk = await c.signIn('clerk')
  assert.equal((await c.get('/api/v1/staff?limit=1', { token: clerk.token })).status, 200)
  const mine = clerk.user.bureau.id
  const r = await c.post('/api/v1/staff', { bureau_id: mine, employee_no: 'C-1', name: '不可' }, { token: clerk.token })
  assertError(r, 403, 'forbidden')
  assert.equal(r.json.error.message, '当前角色无权执行此操作')
  assertError(await c.get('/api/v1/audit-log', { token: clerk.token }), 403, 'forbidden')
})

test('tenancy: another bureau’s records answer 404, exactly like missing ones', async () => {
  const tonglu = (await c.get('/api/v1/bureaus/330122', { token: admin.token })).json
  const zhejiangStaff = (await c.get(`/api/v1/staff?bureau_id=${tonglu.id}&limit=1`, { token: admin.token })).json
    .items[0]
  assert.ok(zhejiangStaff, 'the demo has staff in Tonglu')

  const asDirector = await c.get(`/api/v1/staff/${zhejiangStaff.id}`, { token: director.token })
  assertError(asDirector, 404, 'not_found', null)
  const missing = await c.get('/api/v1/staff/987654321', { token: director.token })
  assert.equal(asDirector.json.error.message, missing.json.error.message)
  const en1 = await c.get(`/api/v1/staff/${zhejiangStaff.id}`, { token: director.token, lang: 'en' })
  assert.ok(!en1.text.includes(zhejiangStaff.name), 'nothing of the record leaks')

  assertError(await c.get('/api/v1/bureaus/330122', { token: director.token }), 404, 'not_found')
  assertError(await c.get(`/api/v1/bureaus/${tonglu.id}`, { token: director.token }), 404, 'not_found')
  assertError(await c.get(`/api/v1/bureaus/${tonglu.id}/departments`, { token: director.token }), 404, 'not_found')
  const foreignEdit = await c.patch(`/api/v1/staff/${zhejiangStaff.id}`, { post: '越权' }, { token: director.token })
  assertError(foreignEdit, 404, 'not_found')
  const foreignCreate = await c.post('/api/v1/staff', { bureau_id: tonglu.id, employee_no: 'X-1', name: '越权' },
    { token: director.token })
  assert.ok([404, 422].includes(foreignCreate.status), foreignCreate.text)
  const filtered = await c.get(`/api/v1/staff?bureau_id=${tonglu.id}`, { token: director.token })
  assert.ok(filtered.status === 404 || filtered.json.items.length === 0, filtered.text)
  assert.equal((await c.get(`/api/v1/staff/${zhejiangStaff.id}`, { token: admin.token })).json.post,
    zhejiangStaff.post, 'the refused edit changed nothing')
})
