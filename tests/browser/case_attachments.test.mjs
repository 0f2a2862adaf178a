// Browser test of files attached to an application: on the English portal a PNG is
// attached to the first material of a Tonglu type while a text file and a file over
// 10 MiB are refused next to their pickers; the clerk sees the attachment with its
// material's name on the case page, and downloading it answers the same bytes. At the
// window a clerk attaches a scan of the first material and one other document while
// receiving an application: the receipt names both, the case page lists both with
// their materials, and a text file is refused at the picker with the server's reason.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBrowserHarness, tid } from '../lib/browser.mjs'

let h
let server
const ctx = {}
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
// The smallest PDF the bureau's files take (the magic is what they check).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10) // Beijing date

before(async () => {
  process.env.LUZHI_PUBLIC_SUBMIT_BURST = '50'
  h = await startBrowserHarness('case-attachments')
  server = h.server
  const clerk = await h.session('clerk')
  ctx.bureau = clerk.user.bureau
  ctx.token = clerk.token
  const types = await h.call(null, 'GET', `/public/v1/case-types?bureau_id=${ctx.bureau.id}&lang=en`)
  ctx.type = types.items.find((x) => x.names.en && x.materials?.length)
  assert.ok(ctx.type, 'Tonglu has a case type with an English name and materials')
})

after(async () => {
  if (h) await h.stop()
})

test('a scan attached on the portal is read and downloaded in the console', async (t) => {
  await h.withPage(t, { locale: 'en' }, async (page) => {
    await page.goto(`${server.url}/portal/apply?bureau=${ctx.bureau.id}&type=${ctx.type.id}`)
    await page.locator(tid('apply-form')).waitFor()
    const first = page.locator(tid('file-field-file-0'))
    await first.getByText(ctx.type.materials[0]).waitFor()

    // A text file and a file over 10 MiB are refused next to the picker, announced.
    await page.locator('#file-0').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
    await first.locator(tid('file-error')).filter({ hasText: 'only JPEG, PNG or PDF' }).waitFor()
    assert.equal(await first.locator(tid('file-error')).getAttribute('role'), 'alert')
    assert.match(await page.locator('#file-0').getAttribute('aria-describedby'), /file-0-error/)
    await page.locator('#file-other').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) })
    await page.locator(tid('file-field-file-other')).locator(tid('file-error')).filter({ hasText: '10 MB' }).waitFor()

    // The PNG is uploaded at once and listed with its name and a remove button.
    await page.locator('#file-0').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: PNG })
    await first.locator(tid('file-done')).filter({ hasText: 'scan.png' }).waitFor()
    assert.equal(await first.locator(tid('file-error')).count(), 0, 'a good file clears the error')
    await page.screenshot({ path: `${process.env.LUZHI_SHOT_DIR || '/tmp'}/att-portal.png`, fullPage: true })

    await page.locator(tid('apply-name')).fill('Sam Lee')
    await page.locator(tid('apply-id')).fill('E87654321')
    await page.locator(tid('apply-submit')).click()
    await page.locator(tid('apply-receipt')).waitFor()
    ctx.receipt = (await page.locator(tid('receipt-no')).innerText()).trim()
  })

  await h.withPage(t, { locale: 'en' }, async (page) => {
    await h.signIn(page, 'clerk')
    const d = today()
    await page.goto(`${server.url}/cases?figure=received&bureau_id=${ctx.bureau.id}&from=${d}&to=${d}`)
    await page.locator(tid('case-link')).filter({ hasText: ctx.receipt }).click()
    await page.locator(tid('case-receipt')).filter({ hasText: ctx.receipt }).waitFor()
    const card = page.locator(tid('case-attachments'))
    await card.locator(tid('att-name')).filter({ hasText: 'scan.png' }).waitFor()
    // The console is in Chinese: the material reads in Chinese (then English).
    const m = (await h.call(ctx.token, 'GET', `/api/v1/case-types/${ctx.type.id}`)).materials[0]
    const material = typeof m === 'string' ? m : m['zh-CN'] || m.en
    await card.locator(tid('att-material')).filter({ hasText: material }).waitFor()
    await page.screenshot({ path: `${process.env.LUZHI_SHOT_DIR || '/tmp'}/att-case.png`, fullPage: true })
    const href = await card.locator(tid('att-download')).first().getAttribute('href')
    const res = await page.request.get(`${server.url}${href}`)
    assert.equal(res.status(), 200)
    assert.deepEqual(Buffer.from(await res.body()), PNG, 'the download answers the bytes uploaded')
  })
})

test('a clerk attaches scans at the window: the receipt names them and the case lists them', async (t) => {
  await h.withPage(t, {}, async (page) => {
    await h.signIn(page, 'clerk')
    await page.goto(`${server.url}/cases/receive`)
    await page.locator(tid('receive-page')).waitFor()
    const name = ctx.type.names['zh-CN'] || ctx.type.names.en
    await page.getByRole('combobox', { name: '事项' }).locator('xpath=ancestor::*[contains(@class, "el-select__wrapper")][1]').click()
    await page.getByRole('option', { name, exact: true }).click()
    const scans = page.locator(tid('receive-scans'))
    await scans.waitFor()
    const m = (await h.call(ctx.token, 'GET', `/api/v1/case-types/${ctx.type.id}`)).materials[0]
    const material = typeof m === 'string' ? m : m['zh-CN'] || m.en
    await scans.getByText(material, { exact: true }).waitFor()

    // A text file is refused by the bureau's files, with the reason, and not kept.
    await page.locator('#scan-other').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
    await scans.getByRole('alert').filter({ hasText: 'notes.txt' }).waitFor()
    assert.equal(await scans.getByText('notes.txt ·').count(), 0, 'the refused file is not listed')

    await page.locator('#scan-0').setInputFiles({ name: 'window-scan.png', mimeType: 'image/png', buffer: PNG })
    await page.locator('#scan-other').setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: PDF })
    for (const f of ['window-scan.png', 'letter.pdf'])
      await scans.locator('.scan-row').filter({ hasText: f }).getByRole('button', { name: '移除' }).waitFor()

    await page.getByRole('textbox', { name: '姓名' }).fill('李四')
    await page.getByRole('textbox', { name: '身份证/护照号' }).fill('E12345678')
    await page.getByRole('button', { name: '受理', exact: true }).click()
    const slip = page.locator(tid('receive-done'))
    await slip.waitFor()
    const files = await slip.locator(tid('receive-file')).allInnerTexts()
    assert.deepEqual(files.map((x) => x.trim()).sort(), [`${material} · window-scan.png`, '其他材料 · letter.pdf'].sort())
    await page.screenshot({ path: `${process.env.LUZHI_SHOT_DIR || '/tmp'}/att-window.png`, fullPage: true })

    await slip.getByRole('button', { name: '打开办件' }).click()
    const card = page.locator(tid('case-attachments'))
    await card.locator(tid('att-name')).filter({ hasText: 'window-scan.png' }).waitFor()
    const rows = await card.locator('tbody tr').allInnerTexts()
    assert.equal(rows.length, 2, 'both files are attached to the case')
    assert.ok(rows.some((r) => r.includes('window-scan.png') && r.includes(material)), 'the scan with its material')
    assert.ok(rows.some((r) => r.includes('letter.pdf') && r.includes('其他材料')), 'the letter as another document')
  })
})
