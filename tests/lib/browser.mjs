// What every browser test needs: a real `luzhi serve` with demo data, Debian's
// Chromium driven by playwright-core (never a downloaded browser), fresh pages that
// save a screenshot when a step fails, the console's sign-in, and calls to the API
// for set-up and checks.
//
//   const h = await startBrowserHarness('cases')   // in before()
//   await h.withPage(t, { locale: 'en' }, async (page) => { … })
//   await h.stop()                                  // in after()
//
// $LUZHI_CHROMIUM names another Chromium binary; the server is tests/lib/server.mjs's.
import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { startServer, DEMO_PASSWORD, REPO_ROOT } from './server.mjs'

// playwright-core is a dependency of the console (web/package.json).
const require = createRequire(path.join(REPO_ROOT, 'web', 'package.json'))
const { chromium } = require('playwright-core')

export const CHROMIUM = process.env.LUZHI_CHROMIUM || '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

// A data-test attribute's selector.
export const tid = (name) => `[data-test="${name}"]`

// Starts the server ('serverOpts' as startServer takes them; demo data by default)
// and the browser. 'name' names the folder kept for screenshots of failures.
export async function startBrowserHarness(name, { serverOpts = { demo: true }, timeout = 15_000 } = {}) {
  const artifacts = await fs.mkdtemp(path.join(os.tmpdir(), `luzhi-browser-${name}-`))
  const server = await startServer(serverOpts)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })

  // One API request, with a bearer token when given; answers the decoded JSON, or
  // throws with the server's answer.
  async function call(token, method, url, body) {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    })
    const json = await res.json().catch(() => null)
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }

  // Signs in through the API: { token, user, … }.
  async function session(login, password = DEMO_PASSWORD) {
    const res = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    })
    assert.equal(res.status, 200, `${login} signs in`)
    return res.json()
  }

  // Signs in through the console's login page and waits for the console's header.
  async function signIn(page, login, password = DEMO_PASSWORD) {
    await page.goto(`${server.url}/login`)
    await page.locator(tid('login-input')).fill(login)
    await page.locator(tid('password-input')).fill(password)
    await page.locator(tid('login-submit')).click()
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    await page.locator(tid('header-role')).waitFor()
  }

  // Runs 'body' with a fresh page (own cookies and storage; 'opts' go to the browser
  // context: locale, viewport, …). Uncaught errors in the page fail the step; on a
  // failure the page is saved as a PNG and its path printed.
  async function withPage(t, opts, body) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 }, ...opts })
    const page = await context.newPage()
    page.setDefaultTimeout(timeout)
    const errors = []
    page.on('pageerror', (e) => errors.push(String(e)))
    try {
      await body(page)
      assert.deepEqual(errors, [], 'no uncaught errors in the page')
    } catch (e) {
      const file = path.join(artifacts, `${t.name.replace(/[^\w-]+/g, '_')}-${Date.now()}.png`)
      await page.screenshot({ path: file, fullPage: true }).catch(() => {})
      console.error(`screenshot of the failure: ${file}`)
      t.diagnostic(`screenshot: ${file}`)
      throw e
    } finally {
      await context.close()
    }
  }

  // The same, signed in as 'login' first.
  async function asUser(t, login, body, opts = {}) {
    return withPage(t, opts, async (page) => {
      await signIn(page, login)
      await body(page)
    })
  }

  // Closes the browser and the server; keeps the folder only when it holds a screenshot.
  async function stop() {
    await browser.close().catch(() => {})
    await server.stop()
    if ((await fs.readdir(artifacts)).length === 0) await fs.rm(artifacts, { recursive: true })
  }

  return { server, browser, artifacts, call, session, signIn, withPage, asUser, stop }
}
