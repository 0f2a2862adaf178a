// Browser test of the funds pages: the path from on-site acceptance to a paid
// payment, through the console, as the people of a county bureau would take it.
//
//   node --test tests/browser/funds.test.mjs
//
// What a test needs is set up through the API as admin and finance (an allocation
// for Tonglu 330122, a project with an owner, a second reviewer, an inspector and a
// second finance officer of the county); then, in Chromium: a reviewer signs before
// any inspection and the page shows the server's refusal; the inspector records the
// inspection with an uploaded evidence file through the form; two reviewers sign
// and the stage is accepted; finance prepares a payment and cannot approve it
// (the message is shown); a second finance officer approves it and records it paid;
// the trace shows the allocation it came from, and finance of the city sees the
// chain up to the city's allocation, the allocation's flow, and the county's fund
// ledger with an entry proved in the browser. On a failure the page is saved as a
// PNG in a temporary folder whose path is printed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PASSWORD } from '../lib/server.mjs'
import { startBrowserHarness, tid } from '../lib/browser.mjs'

// Tonglu's site, in micro-degrees, and a 1×1 PNG as the evidence photo.
const SITE = { lat: 29_797_000, lon: 119_685_000 }
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

let h // the server, the browser and their helpers (tests/lib/browser.mjs)
let server
const ctx = {} // what the set-up made: ids and logins

const call = (...args) => h.call(...args)
const token = async (login) => (await h.session(login)).token
// Runs 'body' with a fresh page signed in as 'login'; on failure saves a screenshot.
const asUser = (t, login, body) => h.asUser(t, login, body)

// A person of Tonglu with an account of 'role'.
async function person(admin, login, role, name, post) {
  const staff = await call(admin, 'POST', '/api/v1/staff', {
    bureau_id: ctx.tonglu.id,
    employee_no: `BT-${login}`,
    name,
    post,
  })
  await call(admin, 'POST', '/api/v1/users', {
    login,
    role,
    bureau_code: '330122',
    password: DEMO_PASSWORD,
    staff_id: staff.id,
  })
  return staff
}

before(async () => {
  h = await startBrowserHarness('funds')
  server = h.server

  const admin = await token('admin')
  const finance = await token('finance')
  ctx.tonglu = await call(admin, 'GET', '/api/v1/bureaus/330122')
  const hangzhou = await call(admin, 'GET', '/api/v1/bureaus/330100')

  // Money: the city's allocation, and Tonglu's line allocated down from it.
  const year = new Date().getUTCFullYear()
  ctx.cityAllocation = await call(finance, 'POST', '/api/v1/allocations', {
    bureau_id: hangzhou.id,
    source: '中央财政',
    year,
    purpose: '水库移民后期扶持项目资金',
    amount_fen: 1_000_000_00,
  })
  ctx.allocation = await call(finance, 'POST', '/api/v1/allocations', {
    bureau_id: ctx.tonglu.id,
    parent_id: ctx.cityAllocation.id,
    source: '中央财政',
    year,
    purpose: '富春江安置点基础设施',
    amount_fen: 500_000_00,
  })

  // People: the project's owner, a second reviewer, an inspector, a second finance officer.
  const owner = await person(admin, 'bt-owner', 'clerk', '项目负责人', '工程科长')
  await person(admin, 'bt-rev2', 'reviewer', '第二审核人', '审核员')
  await person(admin, 'bt-insp', 'inspector', '现场核查员', '督查员')
  await person(admin, 'bt-fin2', 'finance', '复核会计', '会计')

  ctx.project = await call(admin, 'POST', '/api/v1/projects', {
    bureau_id: ctx.tonglu.id,
    name: '富春江移民安置点道路',
    kind: 'infrastructure',
    site_lat: SITE.lat,
    site_lon: SITE.lon,
    site_radius_m: 500,
    budget_fen: 100_000_00,
    owner_staff_id: owner.id,
    contractor: '桐庐路桥工程有限公司',
    allocation_id: ctx.allocation.id,
    stages: [
      { name: '路基', criteria: '路基压实度达标', share_bp: 4000 },
      { name: '路面', criteria: '路面平整，排水通畅', share_bp: 6000 },
    ],
  })
})

after(async () => {
  if (h) await h.stop()
})

const isPost = (fragment) => (r) => r.url().includes(fragment) && r.request().method() === 'POST'

async function openProject(page) {
  await page.goto(`${server.url}/funds/projects/${ctx.project.id}`)
  await page.locator(tid('project-name')).filter({ hasText: ctx.project.name }).waitFor()
}

// Signs stage 1 and answers the server's response.
async function signStage(page) {
  const stage = page.locator(tid('stage-1'))
  const [res] = await Promise.all([page.waitForResponse(isPost('/signatures')), stage.locator(tid('stage-sign')).click()])
  return res
}

test('acceptance on site, then a payment approved by a second person, paid and traced', async (t) => {
  // Element Plus puts the attributes of <el-input> on its <input> or <textarea>.
  // The funds group is in the menu, and the project is listed.
  await asUser(t, 'reviewer', async (page) => {
    await page.locator(tid('menu-projects')).click()
    await page.waitForURL(/\/funds\/projects$/)
    await page.locator(tid('project-link')).filter({ hasText: ctx.project.name }).click()
    await page.locator(tid('project-name')).filter({ hasText: ctx.project.name }).waitFor()
    const stage = page.locator(tid('stage-1'))

    // Materials review, then a signature before any inspection: refused, and the
    // server's reason is shown on the stage.
    await stage.locator(tid('stage-review')).click()
    await page.locator(tid('review-note')).fill('图纸、预算与合同齐全')
    await Promise.all([page.waitForResponse(isPost('/materials-review')), page.locator(tid('review-save')).click()])
    await stage.locator(tid('stage-review')).waitFor({ state: 'detached' })

    const refused = await signStage(page)
    assert.equal(refused.status(), 409)
    const reason = (await refused.json()).error.message
    assert.ok(reason, 'the server gives a reason')
    await stage.locator(tid('stage-message')).filter({ hasText: reason }).waitFor()
    assert.equal(await stage.locator(tid('stage-accepted')).count(), 0)
  })

  // The inspector records the inspection through the form, with an evidence photo.
  await asUser(t, 'bt-insp', async (page) => {
    await openProject(page)
    const stage = page.locator(tid('stage-1'))
    await stage.locator(tid('stage-inspect')).click()
    const dialog = page.locator(tid('inspection-dialog'))
    await dialog.locator(tid('inspection-lat')).fill('29.797100')
    await dialog.locator(tid('inspection-lon')).fill('119.685000')
    await dialog.locator(tid('inspection-distance')).waitFor()
    await dialog.locator(tid('inspection-findings')).fill('路基压实度抽检合格，排水沟完工')
    const [upload] = await Promise.all([
      page.waitForResponse(isPost('/files')),
      dialog.locator(tid('evidence-input')).setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: PNG }),
    ])
    assert.equal(upload.status(), 201, 'the photo is stored')
    const { sha256 } = await upload.json()
    await dialog.locator(tid('evidence-hash')).filter({ hasText: sha256.slice(0, 16) }).waitFor()
    const [saved] = await Promise.all([page.waitForResponse(isPost('/inspections')), dialog.locator(tid('inspection-save')).click()])
    assert.equal(saved.status(), 201, await saved.text())
    assert.deepEqual(JSON.parse(saved.request().postData()).evidence, [sha256])
    await dialog.waitFor({ state: 'hidden' })
  })

  // Two people sign, neither the owner: the second signature accepts the stage.
  await asUser(t, 'reviewer', async (page) => {
    await openProject(page)
    const res = await signStage(page)
    assert.equal(res.status(), 200, await res.text())
    assert.equal((await res.json()).accepted, false)
    await page.locator(tid('stage-1')).locator(tid('stage-message')).waitFor()
  })
  await asUser(t, 'bt-rev2', async (page) => {
    await openProject(page)
    const res = await signStage(page)
    assert.equal(res.status(), 200, await res.text())
    assert.equal((await res.json()).accepted, true)
    await page.locator(tid('stage-1')).locator(tid('stage-accepted')).waitFor()
  })

  // Finance prepares the payment from the accepted stage; a double click makes one.
  let paymentId
  await asUser(t, 'finance', async (page) => {
    await openProject(page)
    await page.locator(tid('stage-1')).locator(tid('stage-pay')).click()
    const dialog = page.locator(tid('payment-dialog'))
    const amount = dialog.locator(tid('payment-form-amount'))
    await page.waitForFunction((sel) => document.querySelector(sel)?.value !== '', tid('payment-form-amount'))
    assert.equal(await amount.inputValue(), '40000.00', 'the stage\'s payable amount is proposed')
    const key = (await dialog.locator(tid('payment-form-key')).innerText()).trim()
    assert.match(key, /^[0-9a-f]{32}$/)
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/payments') && r.request().method() === 'POST')
    await dialog.locator(tid('payment-save')).dblclick()
    const res = await created
    assert.ok([200, 201].includes(res.status()), await res.text())
    assert.equal(res.request().headers()['idempotency-key'], key)
    paymentId = (await res.json()).id
    await page.waitForURL(/\/funds\/payments/)

    // The maker cannot approve: the refusal is shown.
    const row = page.locator(`${tid('payment-table')} .el-table__body-wrapper tr`).filter({ hasText: `#${paymentId}` })
    await row.locator(tid('payment-approve')).click()
    const [refused] = await Promise.all([page.waitForResponse(isPost(`/payments/${paymentId}/approve`)), page.locator(tid('payment-act-submit')).click()])
    assert.equal(refused.status(), 409)
    await page.locator(tid('payment-act-error')).filter({ hasText: (await refused.json()).error.message }).waitFor()
  })
  const payments = await call(await token('admin'), 'GET', `/api/v1/payments?project_id=${ctx.project.id}`)
  assert.equal(payments.items.length, 1, 'one payment, whatever the clicks')

  // A second finance officer approves and records it paid; the trace leads back to
  // the allocation.
  await asUser(t, 'bt-fin2', async (page) => {
    await page.locator(tid('menu-payments')).click()
    const row = page.locator(`${tid('payment-table')} .el-table__body-wrapper tr`).filter({ hasText: `#${paymentId}` })
    await row.locator(tid('payment-approve')).click()
    const [approved] = await Promise.all([page.waitForResponse(isPost(`/payments/${paymentId}/approve`)), page.locator(tid('payment-act-submit')).click()])
    assert.equal(approved.status(), 200, await approved.text())
    await row.locator(tid('payment-status')).filter({ hasText: '已批准' }).waitFor()

    await row.locator(tid('payment-pay')).click()
    await page.locator(tid('payment-act-text')).fill('ICBC-2026-000123')
    const [paid] = await Promise.all([page.waitForResponse(isPost(`/payments/${paymentId}/pay`)), page.locator(tid('payment-act-submit')).click()])
    assert.equal(paid.status(), 200, await paid.text())
    await row.locator(tid('payment-status')).filter({ hasText: '已付款' }).waitFor()

    await row.locator(tid('payment-trace')).click()
    const trace = page.locator(tid('payment-trace'))
    const chain = trace.locator(tid('trace-allocation'))
    // Tonglu's line; the city's allocation above it is out of a county officer's scope.
    await chain.filter({ hasText: `#${ctx.allocation.id}` }).waitFor()
    assert.equal(await chain.filter({ hasText: `#${ctx.cityAllocation.id}` }).count(), 0)
    await chain.filter({ hasText: '更上级资金不在您的管辖范围' }).waitFor()
    await trace.locator(tid('trace-inspection')).filter({ hasText: '现场核查员' }).waitFor()
  })

  // Finance of the city sees the whole chain, and the allocation's flow with its
  // conservation check.
  await asUser(t, 'finance', async (page) => {
    await page.goto(`${server.url}/funds/payments?trace=${paymentId}`)
    const chain = page.locator(`${tid('payment-trace')} ${tid('trace-allocation')}`)
    await chain.filter({ hasText: `#${ctx.cityAllocation.id}` }).waitFor()
    await chain.filter({ hasText: `#${ctx.allocation.id}` }).waitFor()

    await page.goto(`${server.url}/funds/allocations?trace=${ctx.cityAllocation.id}`)
    const drawer = page.locator(tid('allocation-trace'))
    await drawer.locator(tid('trace-conserved')).filter({ hasText: '资金守恒' }).waitFor()
    await drawer.locator(`${tid('sankey')} canvas`).waitFor()

    // Tonglu's fund ledger: the newest entry (the payment) is proved in the browser
    // against the signed head, and the server's verification passes.
    await page.goto(`${server.url}/funds/ledger?bureau=${ctx.tonglu.id}`)
    await page.locator(tid('ledger-note')).filter({ hasText: 'luzhi/ledger/330122' }).waitFor()
    await page.locator(tid('ledger-entries')).filter({ hasText: 'payment.pay' }).waitFor()
    await page.locator(tid('ledger-prove')).first().click()
    await page.locator(tid('ledger-proof-result')).filter({ hasText: '✓' }).waitFor()
    await page.locator(tid('ledger-verify')).click()
    await page.locator(tid('ledger-verify-result')).filter({ hasText: '校验通过' }).waitFor()
  })
})
