import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { issueSetupToken } from '../../src/modules/auth/service.js'
import { currentTotpCode } from '../../src/shared/auth/totp.js'
import { createUnit } from '../helpers/app.js'
import {
  expectAccessible,
  launchBrowser,
  newContext,
  signInAsRole,
  signInThroughForm,
  startBok,
  visit,
  withPage,
  type RunningBok,
} from '../helpers/browser.js'

let bok: RunningBok
let browser: Browser

beforeAll(async () => {
  bok = await startBok()
  browser = await launchBrowser()
  await createUnit(bok.db, 'WOK', 'Wydział Obsługi Kancelaryjnej')
})
afterAll(async () => {
  await browser?.close()
  await bok?.close()
})

const adminPassword = 'morskie oko o świcie 2026'

describe('first run in the browser', () => {
  it('the set-up link creates the administrator, who creates a clerk; the clerk sees their own navigation and a 403 for admin pages', async () => {
    const token = await issueSetupToken(bok.db)
    const context = await newContext(browser)
    await withPage(context, 'foundation-first-run', async (page) => {
      await visit(page, `${bok.baseUrl}/setup/${token}`)
      await page.getByLabel('Nazwa użytkownika').fill('admin')
      await page.getByLabel('Imię i nazwisko').fill('Anna Administratorka')
      await page.getByLabel('Nowe hasło', { exact: true }).fill('za krótkie')
      await page.getByLabel('Powtórz nowe hasło').fill('za krótkie')
      await page.getByRole('button', { name: 'Utwórz konto administratora' }).click()
      // the error appears in the summary and next to the field; the name typed stays
      await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Hasło jest za krótkie')
      await expect.poll(() => page.getByLabel('Imię i nazwisko').inputValue()).toBe('Anna Administratorka')
      await expectAccessible(page)
      await page.getByLabel('Nowe hasło', { exact: true }).fill(adminPassword)
      await page.getByLabel('Powtórz nowe hasło').fill(adminPassword)
      await page.getByRole('button', { name: 'Utwórz konto administratora' }).click()
      await page.waitForURL(`${bok.baseUrl}/`)
      await expectAccessible(page)
      expect(await page.locator('nav.app-nav').textContent()).toContain('Użytkownicy')

      await visit(page, `${bok.baseUrl}/admin/users/new`)
      await page.getByLabel('Nazwa użytkownika').fill('kasia.kancelaria')
      await page.getByLabel('Imię i nazwisko').fill('Katarzyna Kancelaryjna')
      await page.getByLabel('Pracownik kancelarii').check()
      await page
        .getByLabel('Komórka organizacyjna')
        .selectOption({ label: 'WOK – Wydział Obsługi Kancelaryjnej' })
      await page.getByRole('button', { name: 'Utwórz konto' }).click()
      await expectAccessible(page)
      const temporary = (await page.getByTestId('temporary-password').textContent())!.trim()
      expect(temporary.length).toBeGreaterThanOrEqual(15)
      await page.getByRole('button', { name: 'Wyloguj' }).click()
      await page.waitForURL(`${bok.baseUrl}/login`)

      await signInThroughForm(page, bok.baseUrl, 'kasia.kancelaria', temporary)
      await page.waitForURL(`${bok.baseUrl}/account/password`)
      await expectAccessible(page)
      await page.getByLabel('Obecne hasło').fill(temporary)
      await page.getByLabel('Nowe hasło', { exact: true }).fill('kancelaria otwiera się o ósmej')
      await page.getByLabel('Powtórz nowe hasło').fill('kancelaria otwiera się o ósmej')
      await page.getByRole('button', { name: 'Zmień hasło' }).click()
      await page.waitForURL(`${bok.baseUrl}/`)
      const nav = (await page.locator('header').textContent()) ?? ''
      expect(nav).not.toContain('Użytkownicy')
      expect(nav).not.toContain('Dziennik zdarzeń')
      expect(await page.locator('header').textContent()).toContain('WOK')

      const forbidden = await page.goto(`${bok.baseUrl}/admin/users`)
      expect(forbidden?.status()).toBe(403)
      expect(await page.locator('h1').textContent()).toBe('Brak dostępu')
      await expectAccessible(page)
    })
    await context.close()
  })
})

describe('without JavaScript', () => {
  it('login errors show next to the field and the English switch works', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false })
    await withPage(context, 'foundation-no-js', async (page) => {
      await visit(page, `${bok.baseUrl}/login`)
      await page.getByLabel('Nazwa użytkownika').fill('nobody')
      await page.getByRole('button', { name: 'Zaloguj się' }).click()
      await expect.poll(() => page.locator('#password-error').textContent()).toContain('Wpisz hasło')
      expect(await page.getByLabel('Nazwa użytkownika').inputValue()).toBe('nobody')
      expect(await page.title()).toMatch(/^Błąd:/)
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Zmień język na angielski' }).click()
      await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in')
      expect(await page.locator('html').getAttribute('lang')).toBe('en')
      await expectAccessible(page)
    })
    await context.close()
  })
})

describe('second factor in the browser', () => {
  it('enrols with the QR key, then signs in with a code and with a recovery code', async () => {
    const context = await newContext(browser)
    await withPage(context, 'foundation-totp', async (page) => {
      const user = await signInAsRole(page, bok, 'auditor')
      await visit(page, `${bok.baseUrl}/account/second-factor`)
      expect(await page.locator('.qr svg').count()).toBe(1)
      const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
      await page.getByLabel('Kod', { exact: true }).fill(currentTotpCode(secret))
      await page.getByLabel('Obecne hasło').fill(user.password)
      await page.getByRole('button', { name: 'Włącz' }).click()
      await expectAccessible(page)
      const codes = await page.getByTestId('recovery-codes').locator('code').allTextContents()
      expect(codes).toHaveLength(10)
      await page.getByRole('button', { name: 'Wyloguj' }).click()
      await page.waitForURL(`${bok.baseUrl}/login`)

      await signInThroughForm(page, bok.baseUrl, user.username, user.password)
      await page.waitForURL(`${bok.baseUrl}/login/second-factor`)
      await expectAccessible(page)
      await page.getByLabel('Kod', { exact: true }).fill(codes[3]!)
      await page.getByRole('button', { name: 'Potwierdź' }).click()
      await page.waitForURL(`${bok.baseUrl}/`)
      expect(await page.locator('.notice').first().textContent()).toContain('Użyto kodu odzyskiwania')
    })
    await context.close()
  })
})
