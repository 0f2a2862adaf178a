// Browser test of the case types page (事项设置) and its materials per language,
// against a real `luzhi serve` with demo data, through Debian's Chromium with
// playwright-core.
//
// A director of Hangzhou creates a case type through the console's form, with its
// name and two materials in Chinese and English: a material with English text and
// no Chinese is refused in its own cell before anything is sent, and once the
// Chinese is filled in the type is saved and reads back as entered. The portal in
// English then lists the English materials, and in Chinese the Chinese ones; the
// status of a case of the type names it in the portal's language.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBrowserHarness, tid } from '../lib/browser.mjs'

const TYPE = {
  code: 'browser-photo-id',
  names: { 'zh-CN': '外国人证件照片采集', en: 'Photo capture for foreigners' },
  materials: [
    { 'zh-CN': '护照', en: 'Passport' },
    { 'zh-CN': '近期免冠照片两张', en: 'Two recent photographs' },
  ],
}

let h // the server, the browser and their helpers (tests/lib/browser.mjs)
let server
const ctx = {} // what the set-up found and the steps made, in order

const call = (...args) => h.call(...args)
const withPage = (t, opts, body) => h.withPage(t, opts, body)
const signIn = (page, login) => h.signIn(page, login)

before(async () => {
  process.env.LUZHI_PUBLIC_LOOKUP_BURST = '200'
  process.env.LUZHI_PUBLIC_SUBMIT_BURST = '20'
  h = await startBrowserHarness('case-types')
  server = h.server
  const director = await h.session('director.zj')
  ctx.bureau = director.user.bureau // 杭州市移民局
  assert.ok(ctx.bureau?.id, 'director.zj has a bureau')
})

after(async () => {
  if (h) await h.stop()
})

const isTypeWrite = (r) => /\/api\/v1\/case-types(\/\d+)?$/.test(new URL(r.url()).pathname) && ['POST', 'PATCH'].includes(r.method())

// The text of the field error shown in a cell of the materials table.
const cellError = (page, row, lang) =>
  page.locator(tid(`mat-row-${row}`)).locator('td').filter({ has: page.locator(tid(`mat-${row}-${lang}`)) }).locator('.el-form-item__error')

test('a director creates a type with materials in two languages; a material without Chinese is refused in its cell', async (t) => {
  await withPage(t, {}, async (page) => {
    const writes = []
    page.on('request', (r) => {
      if (isTypeWrite(r)) writes.push(r.method())
    })
    await signIn(page, 'director.zj')
    await page.goto(`${server.url}/cases/types`)
    await page.locator(tid('types-page')).waitFor()
    await page.locator(tid('type-create')).click()
    const dialog = page.locator(tid('type-dialog'))
    await dialog.locator(tid('type-code')).fill(TYPE.code)
    for (const [lang, name] of Object.entries(TYPE.names)) await dialog.locator(tid(`type-name-${lang}`)).fill(name)

    await dialog.locator(tid('mat-add')).click()
    await dialog.locator(tid('mat-add')).click()
    await dialog.locator(tid('mat-0-zh-CN')).fill(TYPE.materials[0]['zh-CN'])
    await dialog.locator(tid('mat-0-en')).fill(TYPE.materials[0].en)
    await dialog.locator(tid('mat-1-en')).fill(TYPE.materials[1].en) // no Chinese yet

    // Refused in the cell that lacks it, and nothing is sent.
    await dialog.locator(tid('type-save')).click()
    await cellError(page, 1, 'zh-CN').waitFor()
    assert.match(await cellError(page, 1, 'zh-CN').innerText(), /zh-CN|Chinese/)
    assert.equal(await cellError(page, 0, 'zh-CN').count(), 0, 'the first row is fine')
    assert.deepEqual(writes, [], 'nothing was sent')

    await dialog.locator(tid('mat-1-zh-CN')).fill(TYPE.materials[1]['zh-CN'])
    const [res] = await Promise.all([
      page.waitForResponse((r) => isTypeWrite(r.request())),
      dialog.locator(tid('type-save')).click(),
    ])
    assert.equal(res.status(), 201, await res.text())
    await dialog.waitFor({ state: 'hidden' })
    ctx.type = await res.json()
    assert.deepEqual(ctx.type.materials, TYPE.materials, 'both materials in both languages')
    assert.deepEqual(ctx.type.names, TYPE.names)

    // The list shows the type; editing it shows the table as it was entered.
    const table = page.locator(tid('types-table'))
    await table.getByText(TYPE.code, { exact: true }).waitFor()
    await table.getByText(TYPE.materials[1]['zh-CN']).waitFor() // the console in Chinese, its default
    await page.locator(tid(`type-edit-${TYPE.code}`)).click()
    await dialog.waitFor()
    for (const [i, m] of TYPE.materials.entries())
      for (const lang of ['zh-CN', 'en']) assert.equal(await dialog.locator(tid(`mat-${i}-${lang}`)).inputValue(), m[lang])
    assert.equal(await dialog.locator(tid('mat-0-fr')).inputValue(), '')
    assert.equal(await dialog.locator(tid('type-code')).isDisabled(), true, 'the code is fixed once made')
  })
})

test('the portal in English lists the English materials, in Chinese the Chinese ones', async (t) => {
  assert.ok(ctx.type, 'the type was made by the test before')
  await withPage(t, { locale: 'en-US' }, async (page) => {
    await page.goto(`${server.url}/portal/apply?bureau=${ctx.bureau.id}`)
    const card = page.locator(tid(`type-${TYPE.code}`))
    await card.getByText(TYPE.names.en, { exact: true }).waitFor()
    await card.locator(tid('apply-choose')).click()
    const list = page.locator(tid('apply-materials'))
    await list.getByText(TYPE.materials[0].en, { exact: true }).waitFor()
    assert.deepEqual(await list.locator('li').allInnerTexts(), TYPE.materials.map((m) => m.en))

    // Another language asks again: Chinese here; French has none of its own, so English.
    await page.locator(tid('portal-lang')).selectOption('zh-CN')
    await list.getByText(TYPE.materials[0]['zh-CN'], { exact: true }).waitFor()
    assert.deepEqual(await list.locator('li').allInnerTexts(), TYPE.materials.map((m) => m['zh-CN']))
    await page.locator(tid('portal-lang')).selectOption('fr')
    await list.getByText(TYPE.materials[0].en, { exact: true }).waitFor()
  })
})

test('the status of a case names its type in the portal language', async (t) => {
  assert.ok(ctx.type, 'the type was made by the first test')
  const rc = await call(null, 'POST', '/public/v1/applications',
    { type_id: ctx.type.id, name: 'Marie Dubois', id_number: 'E7654321' })
  await withPage(t, { locale: 'en-GB' }, async (page) => {
    await page.goto(`${server.url}/portal/status?bureau=${ctx.bureau.id}`)
    await page.locator(tid('status-receipt')).fill(rc.receipt)
    await page.locator(tid('status-code')).fill(rc.check_code)
    await page.locator(tid('status-submit')).click()
    const result = page.locator(tid('status-result'))
    await result.getByText(TYPE.names.en, { exact: true }).waitFor()
    await page.locator(tid('portal-lang')).selectOption('zh-CN')
    await result.getByText(TYPE.names['zh-CN'], { exact: true }).waitFor()
  })
})
