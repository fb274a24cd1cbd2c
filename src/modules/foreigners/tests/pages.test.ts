import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  expectAccessible,
  launchBrowser,
  newContext,
  signInAsRole,
  startBok,
  visit,
  withPage,
  type RunningBok,
} from '../../../../tests/helpers/browser.js'

// Pages load slowly on 2 shared cores: give each poll the browser's own 10 s, not vitest's 1 s.
const slow = { timeout: 10_000 }

let bok: RunningBok
let browser: Browser

beforeAll(async () => {
  bok = await startBok()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await bok?.close()
})

describe('foreigners in the browser (JavaScript off)', () => {
  it('records a person, corrects the details through the confirm step for a look-alike, and sees the change history', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false })
    await withPage(context, 'foreigners-edit', async (page) => {
      await signInAsRole(page, bok, 'document_officer')
      const base = bok.baseUrl

      for (const [surname, given, born] of [
        ['Shevchenko', 'Taras', '09.03.1984'],
        ['Kovalenko', 'Oksana', '02.01.1990'],
      ]) {
        await visit(page, `${base}/foreigners/new`)
        await page.getByLabel('Nazwisko', { exact: true }).fill(surname!)
        await page.locator('#givenNames').fill(given!)
        await page.getByLabel('Data urodzenia').fill(born!)
        await page.locator('#citizenship').selectOption('UKR')
        await page.getByRole('button', { name: 'Zapisz cudzoziemca' }).click()
        await expect
          .poll(() => page.locator('.notice--success').textContent(), slow)
          .toContain('Dane cudzoziemca zostały zapisane')
      }

      // Correct Kovalenko's details: a typo in the PESEL first, then the name and date of birth
      // that make her look like Shevchenko.
      await page.getByRole('link', { name: 'Popraw dane' }).click()
      await page.getByLabel('Miejsce urodzenia').waitFor()
      await expectAccessible(page)
      await page.getByLabel('PESEL').fill('90010212345')
      await page.getByRole('button', { name: 'Zapisz poprawki' }).click()
      await expect.poll(() => page.locator('#pesel-error').textContent(), slow).toContain('cyfrę kontrolną')
      await expectAccessible(page)
      await page.getByLabel('PESEL').fill('')
      await page.getByLabel('Nazwisko', { exact: true }).fill('Szewczenko')
      await page.locator('#givenNames').fill('Taras')
      await page.getByLabel('Data urodzenia').fill('09.03.1984')
      await page.getByLabel('Miejsce urodzenia').fill('Kaniów')
      await page.getByRole('button', { name: 'Zapisz poprawki' }).click()
      await expect.poll(() => page.locator('#duplicates').textContent(), slow).toContain('Shevchenko')
      await expectAccessible(page)
      await page.getByRole('button', { name: 'To inna osoba – zapisz poprawki' }).click()
      await expect
        .poll(() => page.locator('.notice--success').textContent(), slow)
        .toContain('Poprawki zostały zapisane')
      await expectAccessible(page)
      expect(await page.locator('h1').textContent()).toContain('Szewczenko Taras')
      const history = await page.locator('main table').last().textContent()
      expect(history).toContain('Poprawka')
      expect(history).toContain('Nazwisko, Imiona, Data urodzenia, Miejsce urodzenia')
      expect(history).toContain('Utworzenie rekordu')

      // Someone else saves while the form is open: the page says so and shows the saved values.
      await page.getByRole('link', { name: 'Popraw dane' }).click()
      await page.getByLabel('Miejsce urodzenia').waitFor()
      const id = Number(/\/foreigners\/(\d+)\/edit/.exec(page.url())![1])
      await bok.db('foreigners').where({ id }).update({ birth_place: 'Czerkasy' })
      await page.getByLabel('Miejsce urodzenia').fill('Kijów')
      await page.getByRole('button', { name: 'Zapisz poprawki' }).click()
      await expect
        .poll(() => page.locator('#conflict').textContent(), slow)
        .toContain('Ktoś inny zmienił te dane')
      await expectAccessible(page)
      expect(await page.getByLabel('Miejsce urodzenia').inputValue()).toBe('Czerkasy')
    })
    await context.close()
  }, 180_000)
})
