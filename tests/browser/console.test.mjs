// Browser tests of the staff console: a real `luzhi serve` with demo data, driven
// through Debian's Chromium with playwright-core, as a user would.
//
//   node --test tests/browser/
//
// Needs build/luzhi (or $LUZHI_BIN) built with the console embedded, and
// web/node_modules (npm ci in web/). On a failure the page is saved as a PNG in a
// temporary folder whose path is printed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PASSWORD } from '../lib/server.mjs'
import { startBrowserHarness, tid } from '../lib/browser.mjs'

let h // the server, the browser and their helpers (tests/lib/browser.mjs)
let server

before(async () => {
  h = await startBrowserHarness('console', { timeout: 30_000 })
  server = h.server
})

after(async () => {
  if (h) await h.stop()
})

// Runs 'body' with a fresh page in Chinese; on failure saves a screenshot.
const withPage = (t, body) => h.withPage(t, {}, body)

const staffRows = (page) => page.locator(`${tid('staff-table')} .el-table__body-wrapper tbody tr`)

async function signIn(page, login, password) {
  await page.goto(`${server.url}/`)
  await page.waitForURL(/\/login/)
  // Element Plus puts the attributes of <el-input> on its <input>.
  await page.locator(tid('login-input')).fill(login)
  await page.locator(tid('password-input')).fill(password)
  await page.locator(tid('login-submit')).click()
}

// Waits until the staff table has finished loading and shows at least one row.
async function waitForStaffRows(page) {
  await page.locator(`${tid('staff-table')} .el-loading-mask`).waitFor({ state: 'hidden' })
  await staffRows(page).first().waitFor()
}

test('director signs in, browses and searches staff, switches to English, signs out', async (t) => {
  await withPage(t, async (page) => {
    await signIn(page, 'director', DEMO_PASSWORD)

    // Header: role and bureau of the signed-in user.
    await page.waitForURL(`${server.url}/`)
    await assert.doesNotReject(page.locator(tid('header-role')).waitFor())
    assert.equal((await page.locator(tid('header-role')).innerText()).trim(), '局长/科长')
    assert.match(await page.locator(tid('header-bureau')).innerText(), /湖北/)
    assert.match(await page.locator(tid('header-user')).innerText(), /\S/)

    // Staff list: rows, and a next page (several hundred demo staff are in scope).
    await page.locator(tid('menu-staff')).click()
    await page.waitForURL(/\/staff/)
    await waitForStaffRows(page)
    assert.ok((await staffRows(page).count()) >= 1, 'the staff table has rows')
    const next = page.locator(tid('staff-next'))
    assert.ok(await next.isEnabled(), 'there is a next page')
    const firstOnPage1 = await staffRows(page).first().innerText()
    await next.click()
    await page.locator(tid('staff-page-info')).filter({ hasText: '第 2 页' }).waitFor()
    await waitForStaffRows(page)
    assert.notEqual(await staffRows(page).first().innerText(), firstOnPage1, 'page 2 shows other people')
    await page.locator(tid('staff-prev')).click()
    await page.locator(tid('staff-page-info')).filter({ hasText: '第 1 页' }).waitFor()
    await waitForStaffRows(page)

    // Search for the name on the first row: every row found carries it.
    const name = (await staffRows(page).first().locator(tid('staff-name')).innerText()).trim()
    assert.ok(name, 'the first row has a name')
    await page.locator(tid('staff-search')).fill(name)
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/staff?') && r.url().includes('q=')),
      page.locator(tid('staff-search')).press('Enter'),
    ])
    await waitForStaffRows(page)
    const names = await page.locator(`${tid('staff-table')} ${tid('staff-name')}`).allInnerTexts()
    assert.ok(names.length >= 1, 'the search finds the person')
    assert.ok(names.includes(name), `"${name}" is among the results`)
    assert.match(page.url(), /[?&]q=/, 'the search is kept in the address')

    // English: menu, header and page title switch; the choice survives a reload.
    await page.locator(tid('lang-switch')).click()
    await page.locator(tid('lang-en')).click()
    await page.locator(tid('menu-staff')).filter({ hasText: 'Staff' }).waitFor()
    assert.equal((await page.locator(tid('header-role')).innerText()).trim(), 'Director')
    assert.equal(await page.locator('h1.lz-page-title').innerText(), 'Staff')
    assert.equal(await page.evaluate(() => localStorage.getItem('lz_lang')), 'en')
    await page.reload()
    await page.locator(tid('menu-overview')).filter({ hasText: 'Overview' }).waitFor()
    await waitForStaffRows(page)

    // Sign out: back on the sign-in page, and the session is gone on the server.
    await page.locator(tid('logout')).click()
    await page.waitForURL(/\/login/)
    await page.locator(tid('login-input')).waitFor()
    await page.goto(`${server.url}/staff`)
    await page.waitForURL(/\/login/)
    const res = await page.request.get(`${server.url}/api/v1/session`)
    assert.equal(res.status(), 401)
  })
})

test('director adds and edits a staff member; a refused field shows the server\'s message', async (t) => {
  await withPage(t, async (page) => {
    await signIn(page, 'director', DEMO_PASSWORD)
    await page.locator(tid('header-role')).waitFor()

    // An employee number already used in the director's own bureau.
    const me = await (await page.request.get(`${server.url}/api/v1/session`)).json()
    const bureau = me.user.bureau
    const list = await (await page.request.get(`${server.url}/api/v1/staff?bureau_id=${bureau.id}&limit=200`)).json()
    const taken = list.items.find((s) => s.bureau_id === bureau.id)
    assert.ok(taken, 'the bureau has staff')

    await page.locator(tid('menu-staff')).click()
    await waitForStaffRows(page)
    await page.locator(tid('staff-create')).click()
    const dialog = page.locator(`${tid('staff-dialog')}`)
    await dialog.locator(tid('staff-form-name')).waitFor()

    // Client-side checks first: nothing filled in.
    await page.locator(tid('staff-save')).click()
    await dialog.locator('.el-form-item.is-error').first().waitFor()

    // <el-tree-select> puts the attribute on both its select box and its tree.
    await page.locator(`.el-select${tid('staff-form-bureau')}`).click()
    await page.locator('.el-tree-node__content:visible').filter({ hasText: `(${bureau.code})` }).first().click()
    const name = `测试${Date.now() % 100000}`
    await page.locator(tid('staff-form-name')).fill(name)
    await page.locator(tid('staff-form-employee-no')).fill(taken.employee_no)
    await page.locator(tid('staff-form-post')).fill('科员')

    // The server refuses the number; its message appears under that field.
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/staff') && r.request().method() === 'POST'),
      page.locator(tid('staff-save')).click(),
    ])
    assert.ok(refused.status() >= 400, `the server refuses (${refused.status()})`)
    const err = (await refused.json()).error
    assert.equal(err.field, 'employee_no')
    const fieldError = dialog.locator('.el-form-item.is-error', { has: page.locator(tid('staff-form-employee-no')) })
    await fieldError.locator('.el-form-item__error').filter({ hasText: err.message }).waitFor()

    // A free number: created, and found by a search.
    const employeeNo = `BT-${Date.now() % 1000000}`
    await page.locator(tid('staff-form-employee-no')).fill(employeeNo)
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/staff') && r.request().method() === 'POST'),
      page.locator(tid('staff-save')).click(),
    ])
    assert.equal(created.status(), 201)
    await dialog.waitFor({ state: 'hidden' })
    await page.locator(tid('staff-search')).fill(employeeNo)
    await page.locator(tid('staff-search')).press('Enter')
    await staffRows(page).filter({ hasText: name }).waitFor()
    assert.equal(await staffRows(page).count(), 1)

    // Edit the post: the row shows the new one.
    await page.locator(tid('staff-edit')).first().click()
    await page.locator(tid('staff-form-post')).fill('副科长')
    const [patched] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/staff/') && r.request().method() === 'PATCH'),
      page.locator(tid('staff-save')).click(),
    ])
    assert.equal(patched.status(), 200)
    assert.deepEqual(Object.keys(JSON.parse(patched.request().postData())), ['post'], 'only the changed field is sent')
    await staffRows(page).filter({ hasText: '副科长' }).waitFor()
  })
})

test('a wrong password shows the server\'s error message', async (t) => {
  await withPage(t, async (page) => {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST'),
      signIn(page, 'director', 'not-the-password'),
    ])
    assert.ok(res.status() >= 400, `the server refuses (${res.status()})`)
    const body = await res.json()
    assert.ok(body?.error?.message, 'the server sends a message')

    const alert = page.locator(tid('login-error'))
    await alert.waitFor()
    assert.equal((await alert.innerText()).trim(), body.error.message)
    assert.match(page.url(), /\/login/)
    assert.equal(await page.locator(tid('header-role')).count(), 0, 'not signed in')
  })
})
