import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { expect } from 'vitest'
import { createTestApp, createUser, type TestContext } from './app.js'
import type { Role } from '../../src/shared/auth/permissions.js'

/**
 * Browser tests: BOK on a free port against a fresh database, Debian's Chromium driven by
 * playwright-core (no browser download), axe-core on every page visited, a screenshot on failure.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export interface RunningBok extends TestContext {
  baseUrl: string
  server: Server
}

export async function startBok(env: Record<string, string> = {}): Promise<RunningBok> {
  const ctx = await createTestApp(env)
  const server = await new Promise<Server>((resolve) => {
    const s = ctx.app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    ...ctx,
    baseUrl,
    server,
    close: async () => {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await ctx.close()
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: flags })
}

export async function newContext(
  browser: Browser,
  opts: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    locale: 'pl-PL',
    viewport: { width: 1280, height: 900 },
  })
  // Fail fast with Playwright's own message rather than at the test runner's timeout.
  context.setDefaultTimeout(10_000)
  if (opts.javaScriptEnabled === false) withoutJs.add(context)
  return context
}

const screenshotDir = path.resolve('test-results')

const withoutJs = new WeakSet<BrowserContext>()

/**
 * axe runs as script in the page, so a page seen with JavaScript off is checked as a copy of the same
 * HTML (with its styles, through <base>) in a script-enabled page.
 */
async function axeTarget(page: Page): Promise<{ target: Page; done: () => Promise<void> }> {
  if (!withoutJs.has(page.context())) return { target: page, done: async () => {} }
  const browser = page.context().browser()!
  const checker = await browser.newContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } })
  const target = await checker.newPage()
  const html = (await page.content()).replace(/<head>/i, `<head><base href="${page.url()}">`)
  await target.setContent(html, { waitUntil: 'load' })
  return { target, done: () => checker.close() }
}

/** Checks the page against WCAG 2.1 A/AA with axe-core; any serious or critical violation fails the test. */
export async function expectAccessible(page: Page): Promise<void> {
  const { target, done } = await axeTarget(page)
  const results = await new AxeBuilder({ page: target })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const summary = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  )
  await done()
  expect(summary, `accessibility violations on ${page.url()}`).toEqual([])
}

/** Goes to a page, checks it loaded without a server error, and checks its accessibility. */
export async function visit(page: Page, url: string): Promise<void> {
  const response = await page.goto(url)
  expect(response?.status(), `GET ${url}`).toBeLessThan(500)
  await expectAccessible(page)
}

/** Runs a browser scenario on a fresh page; on failure saves a screenshot under test-results/. */
export async function withPage(
  context: BrowserContext,
  name: string,
  scenario: (page: Page) => Promise<void>,
): Promise<void> {
  const page = await context.newPage()
  try {
    await scenario(page)
  } catch (err) {
    fs.mkdirSync(screenshotDir, { recursive: true })
    const file = path.join(screenshotDir, `${name.replace(/[^\w-]+/g, '_')}.png`)
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined)
    throw Object.assign(err as Error, { message: `${(err as Error).message}\n(screenshot: ${file})` })
  } finally {
    await page.close()
  }
}

/** Signs in through the login form (and a second factor if a code function is given). */
export async function signInThroughForm(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await visit(page, `${baseUrl}/login`)
  await page.getByLabel('Nazwa użytkownika').fill(username)
  await page.getByLabel('Hasło', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Zaloguj się' }).click()
  await page.waitForLoadState('load')
}

export function tempProfileDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bok-chromium-'))
}

/** Creates a user with the role (in the unit, if given) and signs them in through the login form. */
export async function signInAsRole(
  page: Page,
  bok: RunningBok,
  role: Role,
  orgUnitId?: number,
): Promise<{ id: number; username: string; password: string }> {
  const user = await createUser(bok.db, { roles: [role], orgUnitId: orgUnitId ?? null })
  await signInThroughForm(page, bok.baseUrl, user.username, user.password)
  expect(new URL(page.url()).pathname).toBe('/')
  return user
}
