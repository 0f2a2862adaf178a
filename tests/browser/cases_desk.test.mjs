// Browser tests of the cases desk pages: the holiday calendar, the window receipt,
// the complaint queue and the ombudsman's assistance queue, against a real
// `luzhi serve` with demo data, through Debian's Chromium with playwright-core.
//
// A clerk of Tonglu receives an application at the window as proxy for an elderly
// applicant: the receipt number and the check code are shown once, the check code
// opens the case on the portal's lookup, the case reads channel proxy with the clerk
// as helper, and once taken it is in the clerk's inbox. A director of Hangzhou makes
// the next working day a holiday: the calendars of Hangzhou and of Tonglu below it
// show the day, the API agrees, and a case received after it is due one working day
// later than the case received before. A complaint filed on the portal is assigned
// and replied to in the queue and leaves the new complaints for the replied ones.
// Two late cases get assistance requests; the ombudsman asks the bureau to act by a
// deadline, concludes both with one cause, sees the cause become a systemic issue
// and hands it to supervision. People without the role see no menu entry for a
// queue and are refused at its address; a clerk reads the calendar, cannot set it.
//
// Set LUZHI_SCREENSHOTS to a directory to keep a screenshot of each page.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startBrowserHarness, tid } from '../lib/browser.mjs'

const ID_NUMBER = '11010519491231002X' // passes GB 11643
const HUKOU = '户口迁移（移民安置）' // Tonglu's type with a working clock of 80 hours

let h // the server, the browser and their helpers (tests/lib/browser.mjs)
let server
let nowFile
const ctx = {} // what the set-up found and the steps made, in order

const call = (...args) => h.call(...args)
const session = (login) => h.session(login)
const signIn = (page, login) => h.signIn(page, login)
// Pages in Beijing time, as the console's users are.
const withPage = (t, opts, body) => h.withPage(t, { timezoneId: 'Asia/Shanghai', ...opts }, body)

// Moves the server's clock to 'seconds' after the wall clock (LUZHI_TEST_NOW_FILE).
const setOffset = (seconds) => fs.writeFile(nowFile, `${seconds}\n`)

// Calendar days as 'YYYY-MM-DD', in Beijing.
const beijingDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10)
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10)
const beijingTime = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 19).replace('T', ' ')
const weekday = (day) => new Date(`${day}T00:00:00Z`).getUTCDay()

// Whether 'day' is a working day by the calendar rows of a bureau (its own and inherited).
function isWorkday(rows, day) {
  const kinds = rows.filter((r) => r.date === day).map((r) => r.kind)
  if (kinds.includes('workday')) return true
  if (kinds.includes('holiday')) return false
  return weekday(day) !== 0 && weekday(day) !== 6
}

// The working day on which the clock of a case received at 'local' (Beijing,
// 'YYYY-MM-DD HH:MM:SS') starts to run, by the calendar 'rows'.
function clockDay(rows, local) {
  let day = local.slice(0, 10)
  if (isWorkday(rows, day) && local.slice(11) < '17:00:00') return day
  do day = addDays(day, 1)
  while (!isWorkday(rows, day))
  return day
}

before(async () => {
  process.env.LUZHI_PUBLIC_SUBMIT_BURST = '50' // this test is not about throttling
  nowFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'luzhi-clock-')), 'now')
  await setOffset(0)
  process.env.LUZHI_TEST_NOW_FILE = nowFile
  try {
    h = await startBrowserHarness('cases-desk')
  } finally {
    delete process.env.LUZHI_TEST_NOW_FILE
  }
  server = h.server

  ctx.clerk = await session('clerk')
  ctx.director = await session('director.zj')
  ctx.tonglu = ctx.clerk.user.bureau // 桐庐县移民局, below Hangzhou
  ctx.hangzhou = ctx.director.user.bureau // 杭州市移民局
  const types = await call(ctx.clerk.token, 'GET', `/api/v1/case-types?bureau_id=${ctx.tonglu.id}&active=true`)
  ctx.hukou = types.items.find((x) => x.names['zh-CN'] === HUKOU)
  assert.ok(ctx.hukou && ctx.hukou.clock_kind === 'working', 'Tonglu has its household registration type on a working clock')
})

after(async () => {
  if (h) await h.stop()
  if (nowFile) await fs.rm(path.dirname(nowFile), { recursive: true, force: true })
})

// A screenshot of the page as it is, kept when LUZHI_SCREENSHOTS names a directory.
async function shot(page, name) {
  const dir = process.env.LUZHI_SCREENSHOTS
  if (!dir) return
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: path.join(dir, `desk-${name}.png`), fullPage: true })
}

// Opens a page of the 办件 menu by its name, as a person would.
async function menu(page, name, url) {
  await page.getByRole('menuitem', { name, exact: true }).click()
  await page.waitForURL(url)
  await page.getByRole('heading', { level: 1, name }).waitFor()
}

// Picks the option 'name' of the Element Plus select labelled 'label' in 'scope'.
// (The combobox itself is an input of no size inside the select's box.)
async function choose(page, scope, label, name) {
  await scope.getByRole('combobox', { name: label }).locator('xpath=ancestor::*[contains(@class, "el-select__wrapper")][1]').click()
  await page.getByRole('option', { name, exact: true }).click()
}

// Shows the state 'name' of a queue (the radio buttons above its table).
async function filter(page, name) {
  await page.getByRole('radiogroup').filter({ has: page.getByRole('radio', { name: '全部' }) }).getByText(name, { exact: true }).click()
  await page.getByRole('radio', { name, checked: true }).waitFor({ state: 'attached' })
}

// Receives an application on the window page that is open, and answers what the
// receipt shows: { receipt, code, received, due, channel, helper }.
async function receive(page, { channel, name, phone }) {
  await choose(page, page, '事项', HUKOU)
  await page.getByText(channel, { exact: true }).click()
  await page.getByRole('textbox', { name: '姓名' }).fill(name)
  await page.getByRole('textbox', { name: '身份证/护照号' }).fill(ID_NUMBER)
  if (phone) await page.getByRole('textbox', { name: '电话' }).fill(phone)
  await page.getByRole('button', { name: '受理', exact: true }).click()
  const card = page.locator(tid('receive-done'))
  await card.getByRole('heading', { name: '已受理' }).waitFor()
  const text = async (name) => ((await card.locator(tid(name)).count()) ? (await card.locator(tid(name)).innerText()).trim() : null)
  return {
    receipt: await text('receive-receipt'),
    code: await text('receive-code'),
    received: await text('receive-received'),
    due: await text('receive-due'),
    channel: await text('receive-channel-done'),
    helper: await text('receive-helper'),
  }
}

test('a clerk has no queues, receives an application at the window as proxy, sees its check code once and the case in the inbox', async (t) => {
  await withPage(t, {}, async (page) => {
    await signIn(page, 'clerk')
    // The queues are not the clerk's: not in the menu, refused at their address, by the server too.
    await page.getByRole('menuitem', { name: '窗口受理', exact: true }).waitFor()
    assert.equal(await page.getByRole('menuitem', { name: '投诉处理' }).count(), 0, 'no complaint queue in the menu')
    assert.equal(await page.getByRole('menuitem', { name: '协调求助' }).count(), 0, 'no assistance queue in the menu')
    await page.goto(`${server.url}/cases/assistance`)
    await page.getByText('您的角色无权查看此页面').waitFor()
    assert.equal(await page.locator(tid('assistance-table')).count(), 0)
    await shot(page, 'assistance-refused')
    const res = await fetch(`${server.url}/api/v1/assistance`, { headers: { authorization: `Bearer ${ctx.clerk.token}` } })
    assert.equal(res.status, 403)

    await menu(page, '窗口受理', /\/cases\/receive$/)
    await page.getByText('窗口代办（帮办）', { exact: true }).click()
    await page.getByText('不选则记录您本人为帮办人员。').waitFor()
    await shot(page, 'receive-form')

    const r = await receive(page, { channel: '窗口代办（帮办）', name: '王秀英', phone: '13800138000' })
    assert.match(r.receipt, /^330122-\d{8}-\d{4}$/, 'a receipt number of Tonglu')
    assert.match(r.code, /^[2-9A-HJ-NP-Z]{10}$/, 'a check code of the unambiguous alphabet')
    assert.equal(r.channel, '窗口代办（帮办）')
    assert.equal(r.helper, ctx.clerk.user.staff.name, 'with nobody picked, the clerk is the helper')
    const slip = await page.locator(tid('receive-done')).innerText()
    assert.match(slip, /查询码只显示这一次/)
    assert.ok(slip.includes(HUKOU), 'the receipt names the case type')
    assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), '已受理', 'the receipt\'s heading has the focus')
    await shot(page, 'receive-done')
    // Printed, the receipt is a slip: the codes without the console around them.
    await page.emulateMedia({ media: 'print' })
    assert.ok(await page.locator(tid('receive-code')).isVisible(), 'the check code is printed')
    assert.ok(!(await page.getByRole('menuitem', { name: '窗口受理' }).isVisible()), 'the menu is not printed')
    assert.ok(!(await page.getByRole('button', { name: '打印' }).isVisible()), 'nor the buttons')
    await shot(page, 'receive-print')
    await page.emulateMedia({ media: 'screen' })
    Object.assign(ctx, { receipt: r.receipt, code: r.code, received1: r.received, due1: r.due })

    const lookup = await fetch(`${server.url}/public/v1/cases/${r.receipt}?code=${r.code}`)
    assert.equal(lookup.status, 200, 'the code shown opens the case on the public lookup')
    const status = await lookup.json()
    assert.equal(status.state, 'received')
    assert.match(r.due, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, `a due time is shown: ${r.due}`)

    // The case: received by proxy, the clerk the helper; nowhere its check code.
    await page.getByRole('button', { name: '打开办件' }).click()
    await page.locator(tid('case-receipt')).filter({ hasText: r.receipt }).waitFor()
    const detail = page.locator(tid('case-detail'))
    await detail.getByText('窗口代办（帮办）').first().waitFor()
    assert.ok(!(await page.locator('body').innerText()).includes(r.code), 'the case page does not show the check code')
    ctx.caseId = Number(new URL(page.url()).pathname.split('/').pop())
    const kase = await call(ctx.clerk.token, 'GET', `/api/v1/cases/${ctx.caseId}`)
    assert.equal(kase.channel, 'proxy')
    assert.equal(kase.proxy_staff_id, ctx.clerk.user.staff.id)
    assert.equal(kase.receipt_no, r.receipt)
    assert.ok(!('check_code' in kase), 'the API does not answer the check code again')
    assert.equal(r.due, beijingTime(kase.clock.due_at), 'the receipt shows the due time of the case')
    assert.ok((await detail.innerText()).includes(r.due), 'and so does the case page')

    // Back on the window page the receipt is gone: the code was shown once.
    await page.goBack()
    await page.getByRole('heading', { level: 1, name: '窗口受理' }).waitFor()
    await page.getByRole('button', { name: '受理', exact: true }).waitFor()
    assert.equal(await page.locator(tid('receive-done')).count(), 0)
    assert.ok(!(await page.locator('body').innerText()).includes(r.code), 'the check code is not shown again')

    // The clerk accepts the case and takes it: it is in their inbox.
    await page.goForward()
    await page.locator(tid('case-receipt')).filter({ hasText: r.receipt }).waitFor()
    await page.locator(tid('act-accept')).click()
    let dialog = page.getByRole('dialog', { name: '受理' })
    await dialog.locator(tid('act-submit')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator(tid('act-assign')).click()
    dialog = page.getByRole('dialog', { name: '分派' })
    await dialog.locator(tid('act-staff-me')).click()
    await dialog.locator(tid('act-submit')).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator(tid('case-assignee')).filter({ hasText: ctx.clerk.user.staff.name }).waitFor()
    await menu(page, '我的待办', /\/cases\/inbox$/)
    const row = page.getByRole('row').filter({ hasText: r.receipt })
    await row.waitFor()
    assert.match(await row.innerText(), /户口迁移/)
    assert.match(await row.innerText(), /已分派/)
    // Marked as received on someone's behalf.
    assert.equal(await row.locator(tid('inbox-proxy')).innerText(), '代办')
    const first = (await call(ctx.clerk.token, 'GET', '/api/v1/inbox')).items // the page the console shows
    assert.equal(first.find((x) => x.receipt_no === r.receipt)?.channel, 'proxy')
    assert.equal(await page.locator(tid('inbox-proxy')).count(), first.filter((x) => x.channel === 'proxy').length,
      'one mark for each proxy case on the page')
  })
})

test('a holiday set by a director shows on the calendars below and moves the due time of the next case', async (t) => {
  assert.ok(ctx.due1, 'the first test received a case')
  // The next working day in Tonglu after today: the holiday moves every clock running over it.
  const today = beijingDay(Date.now())
  const rows = (await call(ctx.clerk.token, 'GET', `/api/v1/bureaus/${ctx.tonglu.id}/calendar?from=${today}&to=${addDays(today, 60)}`)).items
  let holiday = addDays(today, 1)
  while (!isWorkday(rows, holiday)) holiday = addDays(holiday, 1)
  const why = '防汛应急停工'

  await withPage(t, {}, async (page) => {
    await signIn(page, 'director.zj')
    await menu(page, '节假日日历', /\/cases\/calendar$/)
    // The form names the bureau it writes to.
    const form = page.getByRole('form', { name: '设置日期（杭州市移民局）' })
    await form.getByLabel('日期').fill(holiday)
    await form.getByLabel('日期').press('Enter')
    await form.getByText('节假日', { exact: true }).click()
    assert.ok(await form.getByRole('radio', { name: '节假日' }).isChecked())
    await form.getByRole('textbox', { name: '事由' }).fill(why)
    await form.getByRole('button', { name: '保存' }).click()
    await page.getByText('日历已更新').waitFor()

    // The calendar moves to the month of the day and marks it.
    const cell = page.getByRole('button', { name: new RegExp(`^${holiday} `) })
    await cell.filter({ hasText: why }).waitFor()
    assert.match(await cell.getAttribute('aria-label'), new RegExp(`节假日 ${why}`))
    const row = page.getByRole('row').filter({ hasText: holiday })
    await row.filter({ hasText: why }).waitFor()
    assert.match(await row.innerText(), /节假日/)
    assert.match(await row.innerText(), /杭州市移民局/, 'set by Hangzhou')
    await shot(page, 'calendar-hangzhou')

    // Tonglu, below Hangzhou, inherits the day.
    await page.getByRole('combobox', { name: '机构' }).click()
    await page.keyboard.type('桐庐')
    await page.getByRole('treeitem', { name: '桐庐县移民局' }).click()
    await page.getByRole('form', { name: '设置日期（桐庐县移民局）' }).waitFor()
    const inherited = page.getByRole('row').filter({ hasText: holiday }).filter({ hasText: why })
    await inherited.waitFor()
    assert.match(await inherited.innerText(), /杭州市移民局/, 'the day is Hangzhou\'s, inherited')
    await page.getByRole('button', { name: new RegExp(`^${holiday} 节假日`) }).waitFor()
    await shot(page, 'calendar-tonglu')
  })

  // The API agrees: Tonglu's calendar has the day as Hangzhou's holiday.
  const after = (await call(ctx.clerk.token, 'GET', `/api/v1/bureaus/${ctx.tonglu.id}/calendar?from=${holiday}&to=${holiday}`)).items
  assert.deepEqual(after.map((r) => [r.date, r.kind, r.name, r.bureau_id]), [[holiday, 'holiday', why, ctx.hangzhou.id]])

  // The case received before (80 working hours, so due after the day) is due one
  // working day later at once: its clock runs over the new holiday.
  assert.ok(ctx.due1.slice(0, 10) > holiday, `the first case is due after ${holiday}`)
  const k1 = await call(ctx.clerk.token, 'GET', `/api/v1/cases/${ctx.caseId}`)
  let moved = addDays(ctx.due1.slice(0, 10), 1)
  while (!isWorkday([...rows, ...after], moved)) moved = addDays(moved, 1)
  assert.equal(beijingTime(k1.clock.due_at), `${moved}${ctx.due1.slice(10)}`, 'the open case follows the calendar')

  // A case received now is due one working day after the one received before the holiday.
  await withPage(t, {}, async (page) => {
    await signIn(page, 'clerk')
    await menu(page, '窗口受理', /\/cases\/receive$/)
    const r = await receive(page, { channel: '窗口', name: '赵建国' })
    assert.equal(r.channel, '窗口')
    assert.equal(r.helper, null, 'no helper at the plain window')
    const d1 = ctx.due1.slice(0, 10)
    let next = addDays(d1, 1)
    while (!isWorkday([...rows, ...after], next)) next = addDays(next, 1)
    if (clockDay(rows, ctx.received1) === clockDay(rows, r.received)) {
      assert.equal(r.due.slice(0, 10), next, `due ${r.due}: one working day after ${ctx.due1}`)
    } else {
      // The two clocks start on different working days (the end of a working day fell
      // between the receipts): the later is due later still.
      t.diagnostic(`received ${ctx.received1} and ${r.received}: clocks start on different days`)
      assert.ok(r.due.slice(0, 10) > next, `due ${r.due}: after ${next}`)
    }

    // The clerk's calendar shows the day too, with no form to set one.
    await menu(page, '节假日日历', /\/cases\/calendar$/)
    await page.getByRole('button', { name: `${holiday} 节假日 ${why}` }).waitFor()
    assert.equal(await page.getByRole('heading', { name: /^设置日期/ }).count(), 0, 'no form to set a day')
    assert.equal(await page.getByRole('button', { name: '保存' }).count(), 0)
  })
})

test('a complaint is assigned and replied to in the queue', async (t) => {
  const description = '窗口说十个工作日办结，已过一个月仍无结果，电话也无人接听。' // not one of the demo's texts
  const filed = await call(null, 'POST', '/public/v1/complaints', {
    category: 'delay', bureau_id: ctx.tonglu.id, description, contact_name: '钱女士', contact_phone: '13900139000',
  })
  assert.ok(filed.id > 0)
  const staff = await call(ctx.director.token, 'GET', `/api/v1/staff?bureau_id=${ctx.tonglu.id}&status=active&limit=200`)
  assert.ok(staff.items.some((s) => s.id === ctx.clerk.user.staff.id), 'the clerk is a staff member of Tonglu')
  const reply = '已督促承办人于三个工作日内办结，并电话告知进度。'

  await withPage(t, {}, async (page) => {
    await signIn(page, 'director.zj')
    await menu(page, '投诉处理', /\/cases\/complaints$/)
    assert.equal(await page.getByRole('menuitem', { name: '协调求助' }).count(), 0, 'a director has no assistance queue')
    // The queue opens on the new complaints.
    const table = page.locator(tid('complaint-table'))
    const row = table.getByRole('row').filter({ hasText: description })
    await row.waitFor()
    assert.match(await row.innerText(), new RegExp(`#${filed.id}`))
    assert.match(await row.innerText(), /拖延/)
    assert.match(await row.innerText(), /已收到/)
    assert.match(await row.innerText(), /桐庐县移民局/)
    await shot(page, 'complaints')

    await row.getByText(`#${filed.id}`).click()
    const drawer = page.getByRole('dialog', { name: `#${filed.id} · 拖延` })
    await drawer.getByText('钱**').waitFor() // the contact, masked
    // The director is of Hangzhou: only Tonglu's staff may take a complaint of Tonglu.
    assert.equal(await drawer.getByRole('button', { name: ctx.director.user.staff.name }).count(), 0,
      'no button to assign it to oneself')
    await choose(page, drawer, '承办人员', ctx.clerk.user.staff.name)
    await drawer.getByRole('button', { name: '分派', exact: true }).click()
    await drawer.getByRole('cell', { name: '已分派', exact: true }).waitFor()
    await drawer.locator(tid('complaint-assignee')).filter({ hasText: ctx.clerk.user.staff.name }).waitFor()
    // It has left the new complaints.
    await row.waitFor({ state: 'detached' })

    await drawer.getByRole('textbox', { name: '答复' }).fill(reply)
    await shot(page, 'complaint-drawer')
    await drawer.getByRole('button', { name: '提交答复' }).click()
    await drawer.getByRole('cell', { name: '已答复', exact: true }).waitFor()
    await drawer.getByText(reply).waitFor()
    assert.equal(await drawer.getByRole('alert').count(), 0, 'no error')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    // Among the replied ones, with its state.
    await filter(page, '已答复')
    const replied = table.getByRole('row').filter({ hasText: description })
    for (let i = 0; i < 20 && !(await replied.count()); i++) {
      await page.locator(`${tid('complaint-table')} .el-loading-mask`).waitFor({ state: 'hidden' })
      if (await replied.count()) break
      const next = page.locator(tid('complaints-next'))
      if (!(await next.isEnabled())) break
      await next.click()
    }
    await replied.waitFor()
    assert.match(await replied.innerText(), /已答复/)
  })

  const c = await call(ctx.director.token, 'GET', `/api/v1/complaints/${filed.id}`)
  assert.equal(c.state, 'replied')
  assert.equal(c.reply, reply)
})

test('the ombudsman asks the bureau, concludes with a cause, and hands the systemic issue to supervision', async (t) => {
  // Two cases of a type with a target of one hour, late once the clock has moved on.
  const type = await call(ctx.director.token, 'POST', '/api/v1/case-types', {
    bureau_id: ctx.tonglu.id, code: 'desk-express', names: { 'zh-CN': '加急证明', en: 'Express certificate' },
    sla_hours: 1, clock_kind: 'elapsed',
  })
  const cases = []
  for (const name of ['孙立平', '周桂兰']) {
    cases.push(await call(ctx.clerk.token, 'POST', '/api/v1/cases', { type_id: type.id, channel: 'window', name, id_number: ID_NUMBER }))
  }
  await setOffset(3 * 3600)
  t.after(() => setOffset(0))
  const requests = []
  for (const c of cases) {
    const r = await call(null, 'POST', '/public/v1/assistance-requests', {
      receipt: c.receipt_no, code: c.check_code, reason: '证明超过承诺时限仍未出具，窗口答复等通知。',
    })
    requests.push({ ...r, receipt: c.receipt_no })
  }
  const cause = 'seal_keeper_absent' // not one of the demo's causes

  await withPage(t, {}, async (page) => {
    await signIn(page, 'ombudsman')
    await menu(page, '协调求助', /\/cases\/assistance$/)
    assert.equal(await page.getByRole('menuitem', { name: '窗口受理' }).count(), 0, 'the ombudsman receives no cases')
    await filter(page, '已收到')
    const table = page.locator(tid('assistance-table'))
    const rowOf = (receipt) => table.getByRole('row').filter({ hasText: receipt })
    for (const r of requests) await rowOf(r.receipt).waitFor()
    await shot(page, 'assistance-requests')

    // The first: ask the bureau to act by a deadline.
    const [a, b] = requests
    await rowOf(a.receipt).locator(tid('assistance-id')).click()
    let drawer = page.getByRole('dialog', { name: new RegExp(`· ${a.receipt}$`) })
    await drawer.getByRole('textbox', { name: '要求机构办理的事项' }).fill('请于五个工作日内出具证明并告知申请人。')
    await drawer.getByRole('button', { name: '要求机构处理' }).click()
    await drawer.getByRole('cell', { name: '已要求机构处理', exact: true }).waitFor()
    await drawer.getByText('请于五个工作日内出具证明并告知申请人。').waitFor()
    await rowOf(a.receipt).waitFor({ state: 'detached' }) // no longer among the received
    await shot(page, 'assistance-drawer')

    // Concluded with the cause: one request is not a systemic issue yet.
    await drawer.getByRole('textbox', { name: '备注' }).fill('局方已出具证明，申请人已领取。')
    await drawer.getByRole('textbox', { name: '原因代码' }).fill(cause)
    await drawer.getByRole('button', { name: '办结' }).click()
    await drawer.getByRole('cell', { name: '已办结', exact: true }).waitFor()
    await drawer.getByText(cause).waitFor()
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await page.getByRole('tab', { name: '系统性问题' }).click()
    const issues = page.locator(tid('issues-table'))
    await issues.waitFor()
    assert.equal(await issues.getByRole('row').filter({ hasText: cause }).count(), 0, 'one request makes no systemic issue')

    // The second, concluded straight from received with the same cause.
    await page.getByRole('tab', { name: '求助' }).click()
    await rowOf(b.receipt).locator(tid('assistance-id')).click()
    drawer = page.getByRole('dialog', { name: new RegExp(`· ${b.receipt}$`) })
    await drawer.getByText('未解决', { exact: true }).click()
    await drawer.getByRole('textbox', { name: '备注' }).fill('局方称印章管理人员缺岗，证明仍未出具。')
    await drawer.getByRole('textbox', { name: '原因代码' }).fill(cause)
    await drawer.getByRole('button', { name: '办结' }).click()
    await drawer.getByRole('cell', { name: '已办结', exact: true }).waitFor()
    await drawer.getByText('未解决').first().waitFor()
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    // The cause is now a systemic issue of two requests; hand it to supervision.
    await page.getByRole('tab', { name: '系统性问题' }).click()
    const issue = issues.getByRole('row').filter({ hasText: cause })
    await issue.waitFor()
    const cells = await issue.getByRole('cell').allInnerTexts()
    assert.equal(cells[2].trim(), '2', `two requests: ${cells}`)
    assert.match(cells[5], /未移交/)
    await shot(page, 'assistance-systemic')
    await issue.getByRole('button', { name: '移交督查' }).click()
    const dialog = page.getByRole('dialog', { name: '移交督查' })
    await dialog.getByRole('textbox', { name: '移交说明' }).fill('桐庐县加急证明两次因印章管理人员缺岗超期，请督查整改。')
    await dialog.getByRole('button', { name: '移交督查' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await issue.filter({ hasText: '已移交督查' }).waitFor()
    assert.equal(await issue.getByRole('button', { name: '移交督查' }).count(), 0, 'handed once')
  })

  const token = (await session('ombudsman')).token
  const handed = (await call(token, 'GET', '/api/v1/assistance/systemic-issues?status=handed_to_supervision')).items
  const mine = handed.find((x) => x.cause_key === cause)
  assert.ok(mine, 'the issue is handed to supervision')
  assert.equal(mine.request_count, 2)
  const [ra, rb] = await Promise.all(requests.map((r) => call(token, 'GET', `/api/v1/assistance/${r.id}`)))
  assert.deepEqual([ra.state, ra.outcome, ra.cause_key], ['concluded', 'resolved', cause])
  assert.ok(ra.action_deadline && Date.parse(ra.action_deadline) > Date.now(), 'the deadline asked is in the future')
  assert.deepEqual([rb.state, rb.outcome, rb.cause_key], ['concluded', 'not_resolved', cause])
})
