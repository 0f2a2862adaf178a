// The public portal's API, /public/v1, with no account: the languages, the bureaus
// that take applications, the active case types of a bureau, published processing
// times, an online application (201 with the receipt number and the check code,
// shown once), a status lookup that shows nothing personal, and a wrong check code
// that reads exactly like an unknown receipt number. Then the refusals: an unknown
// case type (422 naming it), an oversized body (413), and floods of lookups and of
// submissions (429 with Retry-After). The portal's pages are served as their own
// entry, never as the console. Each test speaks from its own client address
// (X-Real-IP, trusted from loopback only), so the per-address buckets of one test do
// not drain another's. Names and materials come in the language asked (?lang= or
// Accept-Language), falling back to English, then Chinese.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import { after, before, test } from 'node:test'

import { startServer } from '../lib/server.mjs'
import { assertError, client } from './client.mjs'

const ID_NUMBER = '11010519491231002X'
const LOOKUP_BURST = 30
const SUBMIT_BURST = 6

let srv, c, admin, tonglu, type, hidden, receipt

const from = (ip, opts = {}) => ({ ...opts, headers: { 'x-real-ip': ip, ...(opts.headers ?? {}) } })
const lookup = (rcpt, code, ip = '198.51.100.1') =>
  c.get(`/public/v1/cases/${encodeURIComponent(rcpt)}?code=${encodeURIComponent(code)}`, from(ip, { lang: 'en' }))

before(async () => {
  process.env.LUZHI_PUBLIC_LOOKUP_BURST = String(LOOKUP_BURST)
  process.env.LUZHI_PUBLIC_SUBMIT_BURST = String(SUBMIT_BURST)
  srv = await startServer()
  delete process.env.LUZHI_PUBLIC_LOOKUP_BURST
  delete process.env.LUZHI_PUBLIC_SUBMIT_BURST
  c = client(srv.url)
  admin = await c.signIn('admin')
  tonglu = (await c.get('/api/v1/bureaus/330122', { token: admin.token })).json
  let r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'portal_visa', sla_hours: 72, clock_kind: 'elapsed',
    names: { 'zh-CN': '签证延期', en: 'Visa extension', ru: 'Продление визы', ar: 'تمديد التأشيرة' },
    materials: [
      { 'zh-CN': '护照', en: 'Passport', fr: 'Passeport', ar: 'جواز السفر' },
      { 'zh-CN': '照片', en: 'Photograph' },
      '签证申请表',
    ],
  }, { token: admin.token })
  assert.equal(r.status, 201, r.text)
  type = r.json
  r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'portal_hidden', sla_hours: 8, clock_kind: 'elapsed', active: false,
    names: { 'zh-CN': '停办事项' },
  }, { token: admin.token })
  assert.equal(r.status, 201, r.text)
  hidden = r.json
})
after(() => srv?.stop())

test('languages: eight, each named in itself, one right-to-left', async () => {
  const r = await c.get('/public/v1/languages')
  assert.equal(r.status, 200, r.text)
  const tags = r.json.items.map((l) => l.tag)
  assert.deepEqual(tags, ['zh-CN', 'en', 'ru', 'ja', 'ko', 'vi', 'fr', 'ar'])
  const byTag = Object.fromEntries(r.json.items.map((l) => [l.tag, l]))
  assert.equal(byTag.ar.dir, 'rtl')
  assert.equal(byTag.ar.name, 'العربية')
  assert.equal(byTag['zh-CN'].name, '简体中文')
  assert.ok(r.json.items.filter((l) => l.dir === 'ltr').length === 7)
})

test("languages: the portal's catalogue is the server's list — same tags, order, names and direction, a file for each", async () => {
  const r = await c.get('/public/v1/languages')
  const web = new URL('../../web/src/portal/locales/', import.meta.url)
  const index = fs.readFileSync(new URL('index.js', web), 'utf8')
  const portal = [...index.matchAll(/\{ code: '([^']+)', name: '([^']+)', dir: '(ltr|rtl)' \}/g)].map((m) => ({ tag: m[1], name: m[2], dir: m[3] }))
  assert.deepEqual(portal, r.json.items, 'web/src/portal/locales/index.js lists the languages of GET /public/v1/languages')
  for (const l of portal) assert.ok(fs.existsSync(new URL(`${l.tag}.json`, web)), `a catalogue for ${l.tag}`)
})

test('bureaus: those that offer an active case type, with their parent, throttled like the other reads', async () => {
  const r = await c.get('/public/v1/bureaus', from('198.51.100.30', { lang: 'en' }))
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.next_cursor, null)
  const t = r.json.items.find((b) => b.code === '330122')
  assert.ok(t, 'Tonglu offers portal_visa')
  assert.equal(t.id, tonglu.id)
  assert.equal(typeof t.name, 'string')
  assert.equal(t.parent_code, '330100')
  assert.deepEqual(Object.keys(t).sort(), ['code', 'id', 'name', 'parent_code'])
  const codes = r.json.items.map((b) => b.code)
  assert.deepEqual(codes, [...codes].sort(), 'by code')
  assert.equal(new Set(codes).size, codes.length)
  for (const b of r.json.items.slice(0, 5)) {
    const types = await c.get(`/public/v1/case-types?bureau_id=${b.id}`, from('198.51.100.31', { lang: 'en' }))
    assert.equal(types.status, 200, types.text)
    assert.ok(types.json.items.length > 0, `${b.code} has an active type`)
  }
  let throttled = null
  for (let i = 0; i < LOOKUP_BURST + 5 && !throttled; i++) {
    const q = await c.get('/public/v1/bureaus', from('198.51.100.32'))
    if (q.status === 429) throttled = q
  }
  assert.ok(throttled, 'a flood of bureau lists is throttled')
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1)
})

test('case types: the active ones, with every name, materials and target', async () => {
  let r = await c.get(`/public/v1/case-types?bureau_id=${tonglu.id}`, from('198.51.100.2'))
  assert.equal(r.status, 200, r.text)
  const t = r.json.items.find((x) => x.id === type.id)
  assert.ok(t, r.text)
  assert.equal(t.names.ru, 'Продление визы')
  assert.equal(r.json.lang, 'zh-CN', 'zh-CN when no language is asked')
  assert.equal(t.name, '签证延期')
  assert.deepEqual(t.materials, ['护照', '照片', '签证申请表'])
  assert.equal(t.sla_hours, 72)
  assert.ok(!r.json.items.some((x) => x.id === hidden.id), 'inactive types are not shown')
  r = await c.get('/public/v1/case-types', from('198.51.100.2'))
  assertError(r, 422, 'invalid_field', 'bureau_id')
})

test('case types in the language asked: name and materials, then English, then Chinese', async () => {
  const ip = '198.51.100.7'
  const ask = async (query, lang) => {
    const r = await c.get(`/public/v1/case-types?bureau_id=${tonglu.id}${query}`, from(ip, { lang }))
    assert.equal(r.status, 200, r.text)
    return { ...r.json.items.find((x) => x.id === type.id), lang: r.json.lang }
  }
  let t = await ask('', 'ar')
  assert.equal(t.lang, 'ar')
  assert.equal(t.name, 'تمديد التأشيرة')
  assert.deepEqual(t.materials, ['جواز السفر', 'Photograph', '签证申请表'])
  t = await ask('', 'fr-CA,fr;q=0.9,en;q=0.5')
  assert.equal(t.lang, 'fr')
  assert.equal(t.name, 'Visa extension', 'no French name: English')
  assert.deepEqual(t.materials, ['Passeport', 'Photograph', '签证申请表'])
  t = await ask('', 'en-GB')
  assert.equal(t.name, 'Visa extension')
  assert.deepEqual(t.materials, ['Passport', 'Photograph', '签证申请表'])
  t = await ask('', 'de, ru;q=0.8')
  assert.equal(t.lang, 'ru', 'the best of the portal languages by q')
  assert.equal(t.name, 'Продление визы')
  assert.deepEqual(t.materials, ['Passport', 'Photograph', '签证申请表'])
  t = await ask('', 'de')
  assert.equal(t.lang, 'en', 'none of ours: English')
  t = await ask('', 'en;q=0.3, zh-CN')
  assert.equal(t.lang, 'zh-CN')
  assert.deepEqual(t.materials, ['护照', '照片', '签证申请表'])
  t = await ask('&lang=ar', 'en')
  assert.equal(t.lang, 'ar', 'the query wins over the header')
  assert.deepEqual(t.materials, ['جواز السفر', 'Photograph', '签证申请表'])
  t = await ask('&lang=ja', undefined)
  assert.equal(t.name, 'Visa extension')
  assert.deepEqual(t.materials, ['Passport', 'Photograph', '签证申请表'])
  const r = await c.get(`/public/v1/case-types?bureau_id=${tonglu.id}&lang=${encodeURIComponent('<script>')}`, from(ip))
  assertError(r, 422, 'invalid_field', 'lang')
  assert.match(r.json.error.message, /language tag/, 'lang=<script> is not Chinese: the message is English')
})

test('apply online → 201 with receipt and check code; the lookup shows nothing personal', async () => {
  let r = await c.post('/public/v1/applications', { type_id: type.id, name: 'John Smith', id_number: 'E12345678',
    phone: '+86 138 0013 8000', email: 'john@example.org', summary: 'Extend my visa' }, from('198.51.100.3', { lang: 'en' }))
  assert.equal(r.status, 201, r.text)
  assert.match(r.json.receipt, /^330122-\d{8}-\d{4}$/)
  assert.match(r.json.check_code, /^[A-Za-z0-9]{10}$/)
  receipt = r.json

  r = await lookup(receipt.receipt, receipt.check_code)
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.state, 'received')
  assert.equal(r.json.type_id, type.id)
  assert.equal(r.json.type_code, 'portal_visa')
  assert.equal(r.json.type_name, 'Visa extension')
  assert.ok(r.json.received_at && r.json.due_at, r.text)
  for (const secret of ['John', 'Smith', 'E12345678', '138', 'example.org', 'Extend', receipt.check_code])
    assert.ok(!r.text.includes(secret), `the status does not show ${secret}`)

  // The type's name in the language asked, then English, then Chinese.
  const named = async (lang, query = '') => {
    const q = await c.get(`/public/v1/cases/${receipt.receipt}?code=${receipt.check_code}${query}`, from('198.51.100.8', { lang }))
    assert.equal(q.status, 200, q.text)
    return q.json.type_name
  }
  assert.equal(await named('ar'), 'تمديد التأشيرة')
  assert.equal(await named('ru-RU'), 'Продление визы')
  assert.equal(await named('fr'), 'Visa extension')
  assert.equal(await named(undefined), '签证延期')
  assert.equal(await named('en', '&lang=zh-CN'), '签证延期')

  // The staff see it arrive, online.
  const staff = await c.get('/api/v1/inbox', { token: admin.token })
  assert.equal(staff.status, 200)
})

test('the status names the type of a case in the language asked, even once the type is closed', async () => {
  const ip = '198.51.100.9'
  let r = await c.post('/api/v1/case-types', {
    bureau_id: tonglu.id, code: 'portal_closing', sla_hours: 24, clock_kind: 'elapsed',
    names: { 'zh-CN': '临时证明', vi: 'Giấy chứng nhận tạm thời' },
  }, { token: admin.token })
  assert.equal(r.status, 201, r.text)
  const closing = r.json
  r = await c.post('/public/v1/applications', { type_id: closing.id, name: 'Tran Thi Mai', id_number: 'C7654321' }, from(ip))
  assert.equal(r.status, 201, r.text)
  const rc = r.json
  r = await c.patch(`/api/v1/case-types/${closing.id}`, { active: false }, { token: admin.token })
  assert.equal(r.status, 200, r.text)
  r = await c.get(`/public/v1/cases/${rc.receipt}?code=${rc.check_code}&lang=vi`, from(ip))
  assert.equal(r.status, 200, r.text)
  assert.equal(r.json.type_name, 'Giấy chứng nhận tạm thời')
  r = await c.get(`/public/v1/cases/${rc.receipt}?code=${rc.check_code}`, from(ip, { lang: 'ko' }))
  assert.equal(r.json.type_name, '临时证明', 'no Korean and no English name: Chinese')
})

test('a wrong check code and an unknown receipt number answer the same 404', async () => {
  const wrongCode = await lookup(receipt.receipt, 'ABCDEFGHJK')
  const wrongReceipt = await lookup('330122-20000101-9999', receipt.check_code)
  const noCode = await c.get(`/public/v1/cases/${receipt.receipt}`, from('198.51.100.1'))
  assertError(wrongCode, 404, 'not_found', null)
  assert.equal(wrongCode.text, wrongReceipt.text, 'identical bodies')
  assert.equal(noCode.status, 404)
  const zh = await c.get(`/public/v1/cases/${receipt.receipt}?code=XXXXXXXXXX`, from('198.51.100.1'))
  const ru = await c.get(`/public/v1/cases/${receipt.receipt}?code=XXXXXXXXXX`, from('198.51.100.1', { lang: 'ru' }))
  assert.match(zh.json.error.message, /[\u4e00-\u9fff]/, 'zh-CN by default')
  assert.equal(ru.json.error.message, wrongCode.json.error.message, 'other languages fall back to English')
})

test('published processing times, without drill-down', async () => {
  const r = await c.get(`/public/v1/processing-times?bureau_id=${tonglu.id}`, from('198.51.100.4'))
  assert.equal(r.status, 200, r.text)
  assert.ok(r.json.total, r.text)
  assert.ok(!/case_id|drill_down/.test(r.text), 'no drill-down for the public')
  const staffOnly = await c.get(`/api/v1/processing-times/cases?figure=decided`)
  assert.equal(staffOnly.status, 401)
})

test('a complaint and an assistance request from the portal', async () => {
  const ip = '198.51.100.5'
  let r = await c.post('/public/v1/complaints', { category: 'delay', receipt_no: receipt.receipt, check_code: receipt.check_code,
    description: 'No answer after a week' }, from(ip))
  assert.equal(r.status, 201, r.text)
  assert.ok(r.json.id > 0 && r.json.due_at)
  r = await c.post('/public/v1/assistance-requests', { receipt: receipt.receipt, code: receipt.check_code, reason: 'late' },
    from(ip, { lang: 'en' }))
  assertError(r, 409, 'conflict') // still within its target
  assert.match(r.json.error.message, /target|remain|due/i)
  r = await c.post('/public/v1/assistance-requests', { receipt: receipt.receipt, code: 'ABCDEFGHJK', reason: 'late' }, from(ip))
  assertError(r, 404, 'not_found')
})

test('bad input: an unknown case type (422), an oversized body (413), a staff channel (422)', async () => {
  const ip = '198.51.100.6'
  let r = await c.post('/public/v1/applications', { type_id: 987654321, name: 'A', id_number: 'E1234567' }, from(ip))
  assertError(r, 422, 'invalid_field', 'type_id')
  r = await c.post('/public/v1/applications', { type_id: hidden.id, name: 'A', id_number: 'E1234567' }, from(ip))
  assertError(r, 422, 'invalid_field', 'type_id')
  r = await c.post('/public/v1/applications', { type_id: type.id, channel: 'window', name: 'A', id_number: 'E1234567' }, from(ip))
  assertError(r, 422, 'invalid_field', 'channel')
  r = await c.post('/public/v1/applications', { type_id: type.id, name: 'A', id_number: 'E1234567', summary: 'x'.repeat(17 * 1024) },
    from('198.51.100.60'))
  assertError(r, 413, 'too_large')
})

test('a flood of lookups, then of submissions, is throttled with Retry-After', async () => {
  let throttled = null
  for (let i = 0; i < LOOKUP_BURST + 5 && !throttled; i++) {
    const r = await lookup(receipt.receipt, receipt.check_code, '203.0.113.7')
    if (r.status === 429) throttled = r
    else assert.equal(r.status, 200, r.text)
  }
  assert.ok(throttled, 'lookups are throttled')
  assertError(throttled, 429, 'throttled')
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1, 'Retry-After')
  assert.ok(Number(throttled.headers.get('retry-after')) <= 60)
  // Another address is not affected.
  assert.equal((await lookup(receipt.receipt, receipt.check_code, '203.0.113.8')).status, 200)

  throttled = null
  for (let i = 0; i < SUBMIT_BURST + 3 && !throttled; i++) {
    const r = await c.post('/public/v1/complaints', { category: 'other', bureau_id: tonglu.id, description: `flood ${i}` },
      from('203.0.113.9'))
    if (r.status === 429) throttled = r
    else assert.equal(r.status, 201, r.text)
  }
  assert.ok(throttled, 'submissions are throttled')
  assertError(throttled, 429, 'throttled')
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1)
})

test('the portal is its own entry: /portal answers portal.html or 404, never the console', async () => {
  const console_ = await c.get('/')
  for (const p of ['/portal', '/portal/', '/portal/status/330122-20260101-0001']) {
    const r = await c.get(p)
    assert.ok(r.status === 200 || r.status === 404, `${p}: ${r.status}`)
    if (r.status === 200) {
      assert.match(r.headers.get('content-type'), /text\/html/)
      assert.notEqual(r.text, console_.text, `${p} is not the console`)
    }
  }
  assert.equal((await c.get('/portalx')).text, console_.text, 'a path that only starts with /portal is the console')
})

test('files for an application: uploaded by the public, attached to materials, read back by staff; a wrong type, a big file and a stranger\'s file refused', async () => {
  const ip = '198.51.100.90'
  // A 1×1 PNG, and the same bytes declared as something else.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
  const upload = (bytes, type, name, where = tonglu.id, who = ip) =>
    c.request('POST', `/public/v1/files?bureau_id=${where}&name=${encodeURIComponent(name)}`,
      from(who, { raw: bytes, headers: { 'content-type': type } }))

  let r = await upload(png, 'image/png', 'passport page.png')
  assert.equal(r.status, 201, r.text)
  const sha = crypto.createHash('sha256').update(png).digest('hex')
  assert.deepEqual(r.json, { file: sha, size: png.length, media_type: 'image/png', name: 'passport page.png' })

  r = await upload(Buffer.from('not an image'), 'text/plain', 'notes.txt', tonglu.id, '198.51.100.91')
  assertError(r, 422, 'invalid_field', 'media_type')
  r = await upload(png, 'image/jpeg', 'fake.jpg', tonglu.id, '198.51.100.91')
  assertError(r, 422, 'invalid_field', 'media_type')
  r = await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 0x25), 'application/pdf', 'big.pdf', tonglu.id, '198.51.100.92')
  assert.equal(r.status, 413, r.text)

  // A file stored for another bureau is not this bureau's to attach.
  const hubei = (await c.get('/api/v1/bureaus/420000', { token: admin.token })).json
  const other = Buffer.concat([png, Buffer.from([0])]) // other bytes, still a PNG by its first bytes
  r = await upload(other, 'image/png', 'elsewhere.png', hubei.id, '198.51.100.93')
  assert.equal(r.status, 201, r.text)
  const ofType = async () => (await c.get(`/api/v1/cases?bureau_id=${tonglu.id}&limit=200`, { token: admin.token }))
    .json.items.filter((x) => x.type_id === type.id).length
  const before = await ofType()
  const apply = (attachments, who) => c.post('/public/v1/applications',
    { type_id: type.id, name: 'Ivan Petrov', id_number: 'E7654321', attachments }, from(who))
  r = await apply([{ file: r.json.file, material: 0 }], '198.51.100.94')
  assertError(r, 422, 'invalid_field', 'attachments[0].file')
  r = await apply([{ file: sha, material: 3 }], '198.51.100.94') // the type asks for three
  assertError(r, 422, 'invalid_field', 'attachments[0].material')
  r = await apply([{ file: sha }, { file: sha }], '198.51.100.95')
  assertError(r, 422, 'invalid_field', 'attachments[1].file')
  r = await apply([{ file: 'ab'.repeat(31) }], '198.51.100.95')
  assertError(r, 422, 'invalid_field', 'attachments[0].file')

  // Attached to the passport (material 0): staff see it with its name and read the same bytes.
  r = await apply([{ file: sha, material: 0 }], '198.51.100.96')
  assert.equal(r.status, 201, r.text)
  const mine = (await c.get(`/api/v1/cases?bureau_id=${tonglu.id}&limit=200`, { token: admin.token })).json.items
    .find((x) => x.receipt_no === r.json.receipt)
  assert.ok(mine, 'the case is listed')
  const kase = (await c.get(`/api/v1/cases/${mine.id}`, { token: admin.token })).json
  assert.deepEqual(kase.attachments, [{ file: sha, material: 0, name: 'passport page.png', size: png.length, media_type: 'image/png' }])
  const res = await fetch(`${srv.url}/api/v1/bureaus/${tonglu.id}/files/${sha}`, { headers: { authorization: `Bearer ${admin.token}` } })
  assert.equal(res.status, 200)
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), png)
  // Another applicant hands in the same bytes under another name: the bureau keeps one
  // copy, and each case shows the name its own applicant gave — never the other's.
  r = await upload(png, 'image/png', 'Olga scan.png', tonglu.id, '198.51.100.98')
  assert.equal(r.status, 201, r.text)
  assert.equal(r.json.name, 'Olga scan.png')
  r = await apply([{ file: sha, material: 1, name: 'x'.repeat(256) }], '198.51.100.98')
  assertError(r, 422, 'invalid_field', 'attachments[0].name')
  r = await apply([{ file: sha, material: 1, name: 'Olga scan.png' }], '198.51.100.98')
  assert.equal(r.status, 201, r.text)
  const hers = (await c.get(`/api/v1/cases?bureau_id=${tonglu.id}&limit=200`, { token: admin.token })).json.items
    .find((x) => x.receipt_no === r.json.receipt)
  const olga = (await c.get(`/api/v1/cases/${hers.id}`, { token: admin.token })).json
  assert.deepEqual(olga.attachments.map((a) => [a.file, a.material, a.name]), [[sha, 1, 'Olga scan.png']])
  assert.equal((await c.get(`/api/v1/cases/${mine.id}`, { token: admin.token })).json.attachments[0].name, 'passport page.png')
  // The refused applications wrote nothing: two more cases of the type, those accepted.
  assert.equal(await ofType(), before + 2)

  // Files have a bucket of their own: more files than the submit bucket holds, then
  // the application, all from one address, go through.
  const many = []
  for (let i = 0; i < SUBMIT_BURST + 2; i++) {
    r = await upload(Buffer.concat([png, Buffer.from([1, i])]), 'image/png', `page ${i + 1}.png`, tonglu.id, '198.51.100.97')
    assert.equal(r.status, 201, r.text)
    many.push({ file: r.json.file, material: i < 3 ? i : null })
  }
  r = await apply(many, '198.51.100.97')
  assert.equal(r.status, 201, r.text)
})
