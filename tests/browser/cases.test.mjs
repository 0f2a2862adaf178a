// Browser tests of service cases (issue 5): the public portal and the console's
// cases pages, against a real `luzhi serve` with demo data, through Debian's
// Chromium with playwright-core.
//
// A new user applies on the portal in English and is given a receipt number and a
// check code; a clerk of Tonglu finds the case, accepts it and takes it into their
// inbox, where its clock runs; a reviewer decides; the portal's lookup shows the
// decision. A wrong check code reads exactly like an unknown receipt number. A
// complaint filed on the portal reaches the console's queue. The Arabic portal is
// right to left, the portal fits a 360 px phone, and applying works with the
// keyboard alone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBrowserHarness, tid } from '../lib/browser.mjs'

let h // the server, the browser and their helpers (tests/lib/browser.mjs)
let server
const ctx = {} // what the set-up found and the steps made, in order

const call = (...args) => h.call(...args)
const session = (login) => h.session(login)
const signIn = (page, login) => h.signIn(page, login)
// A fresh page, in English unless 'opts' say otherwise.
const withPage = (t, opts, body) => h.withPage(t, { locale: 'en', ...opts }, body)

before(async () => {
  // The test makes more public requests than one visitor would in a minute.
  process.env.LUZHI_PUBLIC_LOOKUP_BURST = '500'
  process.env.LUZHI_PUBLIC_SUBMIT_BURST = '50'
  h = await startBrowserHarness('cases')
  server = h.server

  const clerk = await session('clerk')
  const reviewer = await session('reviewer')
  ctx.bureau = clerk.user.bureau // 桐庐县移民局
  ctx.clerkName = clerk.user.staff.name
  ctx.reviewerName = reviewer.user.staff.name
  // In English, as the portal of the English browser below shows them.
  const types = await call(null, 'GET', `/public/v1/case-types?bureau_id=${ctx.bureau.id}&lang=en`)
  ctx.type = types.items.find((x) => x.approval_levels === 1 && x.names.en)
  assert.ok(ctx.type, 'Tonglu has an active case type with one approval level and an English name')
})

after(async () => {
  if (h) await h.stop()
})

async function lookUp(page, receipt, code) {
  await page.goto(`${server.url}/portal/status?bureau=${ctx.bureau.id}`)
  await page.locator(tid('status-receipt')).fill(receipt)
  await page.locator(tid('status-code')).fill(code)
  await page.locator(tid('status-submit')).click()
}

const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10) // Beijing date

// Opens the case of ctx.receipt from the console's list of today's receipts in Tonglu.
async function openCase(page) {
  const d = today()
  await page.goto(`${server.url}/cases?figure=received&bureau_id=${ctx.bureau.id}&from=${d}&to=${d}`)
  await page.locator(tid('case-link')).filter({ hasText: ctx.receipt }).click()
  await page.locator(tid('case-receipt')).filter({ hasText: ctx.receipt }).waitFor()
}

async function act(page, name, fill) {
  await page.locator(tid(`act-${name}`)).click()
  const dialog = page.locator('.el-dialog').filter({ has: page.locator(tid('act-submit')) })
  await dialog.waitFor()
  if (fill) await fill(dialog)
  await dialog.locator(tid('act-submit')).click()
  await dialog.waitFor({ state: 'hidden' })
}

test('apply on the portal in English, follow the case in the console to a decision, look it up', async (t) => {
  await withPage(t, {}, async (page) => {
    await page.goto(`${server.url}/portal/apply?bureau=${ctx.bureau.id}`)
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the English browser gets the English portal')
    const card = page.locator(tid(`type-${ctx.type.code}`))
    await card.getByText(ctx.type.names.en, { exact: true }).waitFor()
    await card.locator(tid('apply-choose')).click()
    if (ctx.type.materials.length) await page.locator(tid('apply-materials')).getByText(ctx.type.materials[0]).waitFor()

    // Submitting empty: the errors are listed, linked and announced.
    await page.locator(tid('apply-submit')).click()
    await page.locator(tid('error-summary')).waitFor()
    assert.equal(await page.locator('#f-name').getAttribute('aria-invalid'), 'true')
    assert.match(await page.locator('#f-name').getAttribute('aria-describedby'), /f-name-error/)
    assert.match(await page.locator('#f-name-error').innerText(), /Full name/)

    await page.locator(tid('apply-name')).fill('Alex Morgan')
    await page.locator(tid('apply-id')).fill('E12345678')
    await page.locator(tid('apply-phone')).fill('+86 138 0000 0000')
    await page.locator(tid('apply-summary')).fill('Endorsement for a family visit.')
    await page.locator(tid('apply-submit')).click()
    await page.locator(tid('apply-receipt')).waitFor()
    assert.match(await page.locator(tid('apply-receipt')).innerText(), /Write these down now/)
    ctx.receipt = (await page.locator(tid('receipt-no')).innerText()).trim()
    ctx.code = (await page.locator(tid('check-code')).innerText()).trim()
    assert.match(ctx.receipt, /^330122-\d{8}-\d{4}$/)
    assert.match(ctx.code, /^[2-9A-HJ-NP-Z]{10}$/)

    // Looked up at once: received.
    await lookUp(page, ctx.receipt, ctx.code)
    await page.locator(tid('status-result')).waitFor()
    assert.match(await page.locator(tid('status-state')).innerText(), /Received/)
  })

  // The clerk accepts the case and takes it; it is in their inbox with its clock.
  await withPage(t, { locale: 'zh-CN' }, async (page) => {
    await signIn(page, 'clerk')
    await openCase(page)
    assert.match(await page.locator(tid('case-detail')).innerText(), /网上申请/)
    await act(page, 'accept')
    await page.locator(tid('case-state')).first().filter({ hasText: '已受理' }).waitFor()
    await act(page, 'assign', (d) => d.locator(tid('act-staff-me')).click())
    await page.locator(tid('case-assignee')).filter({ hasText: ctx.clerkName }).waitFor()

    await page.locator(tid('menu-cases-inbox')).click()
    await page.waitForURL(/\/cases\/inbox/)
    const row = page.locator(`${tid('inbox-table')} tbody tr`).filter({ hasText: ctx.receipt })
    await row.waitFor()
    assert.match(await row.locator(tid('case-clock')).innerText(), /剩余/, 'the clock shows the time left')
    assert.match(await row.innerText(), /已分派/)

    // Deciding before review is refused by the server; the clerk starts the review and
    // hands it to the reviewer.
    await row.locator(tid('inbox-receipt')).click()
    await page.locator(tid('case-receipt')).filter({ hasText: ctx.receipt }).waitFor()
    assert.equal(await page.locator(tid('act-decide')).count(), 0, 'a clerk is not offered a decision')
    await act(page, 'start-review')
    await page.locator(tid('case-state')).first().filter({ hasText: '审核中' }).waitFor()
    await act(page, 'reassign', async (d) => {
      await d.locator(tid('act-staff')).click()
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: ctx.reviewerName }).first().click()
    })
    await page.locator(tid('case-assignee')).filter({ hasText: ctx.reviewerName }).waitFor()
    const timeline = await page.locator(tid('case-timeline')).innerText()
    for (const step of ['收件', '受理', '分派', '开始审核', '改派']) assert.ok(timeline.includes(step), `the history shows ${step}`)
  })

  // The reviewer finds it in their inbox and approves it.
  await withPage(t, { locale: 'zh-CN' }, async (page) => {
    await signIn(page, 'reviewer')
    await page.goto(`${server.url}/cases/inbox`)
    const row = page.locator(`${tid('inbox-table')} tbody tr`).filter({ hasText: ctx.receipt })
    await row.locator(tid('inbox-receipt')).click()
    await page.locator(tid('case-receipt')).filter({ hasText: ctx.receipt }).waitFor()
    await act(page, 'decide', async (d) => {
      await d.locator(tid('act-outcome')).getByText('准予').click()
    })
    await page.locator(tid('case-outcome')).filter({ hasText: '准予' }).waitFor()
    await page.locator(tid('case-state')).first().filter({ hasText: '已决定' }).waitFor()
  })

  // The portal shows the decision.
  await withPage(t, {}, async (page) => {
    await lookUp(page, ctx.receipt, ctx.code)
    await page.locator(tid('status-result')).waitFor()
    assert.match(await page.locator(tid('status-outcome')).innerText(), /Approved/)
    assert.match(await page.locator(tid('status-state')).innerText(), /Decided/)
  })
})

test('a wrong check code reads exactly like an unknown receipt number', async (t) => {
  assert.ok(ctx.receipt, 'the application of the first test was made')
  await withPage(t, {}, async (page) => {
    const wrongCode = ctx.code.startsWith('A') ? `B${ctx.code.slice(1)}` : `A${ctx.code.slice(1)}`
    await lookUp(page, ctx.receipt, wrongCode)
    await page.locator(tid('error-summary')).waitFor()
    const a = await page.locator(tid('error-summary')).innerText()
    assert.equal(await page.locator(tid('status-result')).count(), 0)
    await lookUp(page, '330122-19990101-9999', ctx.code)
    await page.locator(tid('error-summary')).waitFor()
    const b = await page.locator(tid('error-summary')).innerText()
    assert.equal(a, b, 'the same answer')
    assert.match(a, /found no case/)

    // And at the API: the same status and the same body.
    const r1 = await fetch(`${server.url}/public/v1/cases/${ctx.receipt}?code=${wrongCode}`)
    const r2 = await fetch(`${server.url}/public/v1/cases/330122-19990101-9999?code=${ctx.code}`)
    assert.equal(r1.status, 404)
    assert.equal(r2.status, 404)
    assert.equal(await r1.text(), await r2.text())
  })
})

test('a complaint filed on the portal reaches the console queue', async (t) => {
  assert.ok(ctx.receipt, 'the application of the first test was made')
  await withPage(t, {}, async (page) => {
    await page.goto(`${server.url}/portal/complaint?bureau=${ctx.bureau.id}`)
    await page.locator(tid('complaint-category')).selectOption('cumbersome_procedure')
    await page.locator(tid('complaint-about-case')).check()
    await page.locator(tid('complaint-receipt')).fill(ctx.receipt)
    await page.locator(tid('complaint-code')).fill(ctx.code)
    await page.locator(tid('complaint-description')).fill('I had to bring the same form three times.')
    await page.locator(tid('complaint-submit')).click()
    await page.locator(tid('complaint-done')).waitFor()
    const text = await page.locator(tid('complaint-done')).innerText()
    ctx.complaint = Number(/Reference number: (\d+)/.exec(text)?.[1])
    assert.ok(ctx.complaint > 0, `a reference number is shown: ${text}`)
  })
  await withPage(t, { locale: 'zh-CN' }, async (page) => {
    await signIn(page, 'director.zj')
    await page.locator(tid('menu-cases-complaints')).click()
    await page.waitForURL(/\/cases\/complaints/)
    // New complaints: the queue's first filter.
    await page.locator(tid('complaint-state-received')).click()
    const row = page.locator(`${tid('complaint-table')} tbody tr`).filter({ has: page.locator(tid('complaint-id')).filter({ hasText: new RegExp(`^#${ctx.complaint}$`) }) })
    // The queue runs oldest first: page on until the new complaint shows.
    for (let i = 0; i < 20 && !(await row.count()); i++) {
      await page.locator(`${tid('complaint-table')} .el-loading-mask`).waitFor({ state: 'hidden' })
      if (await row.count()) break
      const next = page.locator(tid('complaints-next'))
      if (!(await next.isEnabled())) break
      await next.click()
      await page.locator(tid('complaints-page-info')).filter({ hasText: String(i + 2) }).waitFor()
    }
    await row.waitFor()
    assert.match(await row.innerText(), /手续繁琐/)
    assert.match(await row.innerText(), /I had to bring the same form three times/)
  })
})

test('the Arabic portal is right to left', async (t) => {
  await withPage(t, { locale: 'ar' }, async (page) => {
    await page.goto(`${server.url}/portal/?bureau=${ctx.bureau.id}`)
    await page.locator('h1').filter({ hasText: 'ما يمكنك فعله هنا' }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl')
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar')
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('main')).direction), 'rtl')
    // The menu mirrors: its first entry is at the right.
    const [first, last] = await page.evaluate(() => {
      const items = [...document.querySelectorAll('.menu a')].map((a) => a.getBoundingClientRect().left)
      return [items[0], items[items.length - 1]]
    })
    assert.ok(first > last, 'the first menu entry is right of the last')
    // The choice is remembered.
    await page.locator(tid('portal-lang')).selectOption('fr')
    await page.locator('h1').filter({ hasText: 'Ce que vous pouvez faire ici' }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr')
    await page.reload()
    await page.locator('h1').filter({ hasText: 'Ce que vous pouvez faire ici' }).waitFor()
  })
})

test('the portal fits a 360 px phone without horizontal scrolling', async (t) => {
  await withPage(t, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page) => {
    for (const p of ['/portal/', `/portal/apply?type=${ctx.type.id}`, '/portal/times', '/portal/status', '/portal/complaint']) {
      await page.goto(`${server.url}${p}${p.includes('?') ? '&' : '?'}bureau=${ctx.bureau.id}`)
      await page.locator('main h1').waitFor()
      await page.waitForLoadState('networkidle')
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
      assert.ok(scroll <= inner, `${p}: ${scroll} px of content in ${inner} px`)
      // Touch targets: buttons and menu links at least 44 px high.
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('main button, .menu a, main input, main select')]
          .filter((e) => e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height < 44 && e.type !== 'radio')
          .map((e) => e.outerHTML.slice(0, 60)),
      )
      assert.deepEqual(small, [], `${p}: every target is at least 44 px high`)
    }
  })
})

test('applying works with the keyboard alone', async (t) => {
  await withPage(t, {}, async (page) => {
    await page.goto(`${server.url}/portal/apply?bureau=${ctx.bureau.id}`)
    await page.locator(tid('apply-choose')).first().waitFor()
    // The first Tab stop is the skip link.
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip')
    // Tab to the button of our type and press Enter.
    const target = `type-${ctx.type.code}`
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      const here = await page.evaluate(() => {
        const a = document.activeElement
        return a?.dataset.test === 'apply-choose' ? a.closest('li')?.dataset.test : null
      })
      if (here === target) break
    }
    await page.keyboard.press('Enter')
    await page.locator(tid('apply-form')).waitFor()
    // Into the form: name, ID, then submit with Enter.
    async function tabTo(name) {
      for (let i = 0; i < 30; i++) {
        if (await page.evaluate((n) => document.activeElement?.dataset.test === n, name)) return
        await page.keyboard.press('Tab')
      }
      throw new Error(`Tab never reached ${name}`)
    }
    await tabTo('apply-name')
    assert.ok(
      await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle !== 'none' || getComputedStyle(document.activeElement).boxShadow !== 'none'),
      'the focus is visible',
    )
    await page.keyboard.type('Sam Lee')
    await tabTo('apply-id')
    await page.keyboard.type('G7654321')
    await tabTo('apply-submit')
    await page.keyboard.press('Enter')
    await page.locator(tid('apply-receipt')).waitFor()
    assert.match(await page.locator(tid('receipt-no')).innerText(), /^330122-\d{8}-\d{4}$/)
    // The heading of the receipt has the focus, so a screen reader reads it first.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1')
  })
})
