import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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
import { checkDigit } from '../mrz.js'

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

/** A Ukrainian passport's MRZ built with the Doc 9303 rules, typed in lower case as some readers do. */
function mrz() {
  const number = 'FE7654321'
  const birth = '900102'
  const expiry = '320630'
  const l2 =
    number +
    checkDigit(number) +
    'UKR' +
    birth +
    checkDigit(birth) +
    'F' +
    expiry +
    checkDigit(expiry) +
    '<'.repeat(15)
  const composite = checkDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43))
  return `${('P<UKRKOVALENKO<<OKSANA' + '<'.repeat(44)).slice(0, 44)}\n${l2}${composite}`.toLowerCase()
}

// A whole hall day in a real browser on 2 shared cores: minutes, not the default 60 s.
describe('the hall day in the browser (JavaScript off)', () => {
  it('deposits a passport by MRZ with a scan chosen before the MRZ is read, prints the receipt, releases and takes it back, finds it by a misspelt surname, and a stocktake finds one missing', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false })
    const scan = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bok-scan-')), 'strona-danych.png')
    fs.writeFileSync(
      scan,
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      ),
    )
    await withPage(context, 'deposits-hall-day', async (page) => {
      await signInAsRole(page, bok, 'hall_staff')
      const base = bok.baseUrl

      // Two storage places.
      for (const [code, name] of [
        ['S1', 'Sejf 1'],
        ['R1', 'Regał 1'],
      ]) {
        await visit(page, `${base}/deposits/places`)
        await page.getByLabel('Kod', { exact: true }).fill(code!)
        await page.getByLabel(code === 'S1' ? 'sejf' : 'półka').check()
        await page.getByLabel('Opis').fill(name!)
        await page.getByRole('button', { name: 'Zapisz' }).click()
        await expect
          .poll(() => page.locator('.notice--success').textContent(), slow)
          .toContain('Zapisano miejsce')
      }

      // An earlier deposit on the shelf that will not be found at the stocktake.
      await visit(page, `${base}/deposits/new`)
      await page.getByLabel('paszport').check()
      await page.getByLabel('Numer dokumentu').fill('AA0000001')
      await page.getByLabel('Państwo wydania (kod z MRZ)').selectOption('GEO')
      await page.getByLabel('Nazwisko (jak w dokumencie)').fill('BERIDZE')
      await page.getByLabel('Miejsce przechowywania').selectOption({ label: 'R1 – Regał 1' })
      await page.getByLabel('Numer plomby koperty').fill('PL-000900')
      await page.getByRole('button', { name: 'Przyjmij do depozytu' }).click()
      await expect
        .poll(() => page.locator('.notice--success').textContent(), slow)
        .toContain('Dokument przyjęto do depozytu')

      // The passport, read from its MRZ.
      await visit(page, `${base}/deposits/new`)
      await page.getByLabel('Wiersze MRZ').fill(mrz())
      // The scan is chosen first; reading the MRZ keeps it (held on the server), it is not chosen again.
      await page.getByLabel('Skan lub zdjęcie strony danych').setInputFiles(scan)
      await page.getByRole('button', { name: 'Odczytaj MRZ i uzupełnij formularz' }).click()
      await expect.poll(() => page.locator('.notice--success').textContent(), slow).toContain('Odczytano MRZ')
      await expectAccessible(page)
      expect(await page.getByLabel('Nazwisko (jak w dokumencie)').inputValue()).toBe('KOVALENKO')
      expect(await page.getByLabel('Numer dokumentu').inputValue()).toBe('FE7654321')
      expect(await page.getByLabel('Data ważności').inputValue()).toBe('30.06.2032')
      await page.getByLabel('Miejsce przechowywania').selectOption({ label: 'S1 – Sejf 1' })
      expect(await page.locator('#scan-pending').textContent()).toContain('strona-danych.png')
      await page.getByLabel('Numer plomby koperty').fill('PL-000901')
      await page.getByRole('button', { name: 'Przyjmij do depozytu' }).click()
      await expect
        .poll(() => page.locator('.notice--success').textContent(), slow)
        .toContain('Dokument przyjęto do depozytu')
      await expectAccessible(page)
      expect(await page.locator('#where-now').textContent()).toContain('S1')
      expect(await page.locator('main').textContent()).toContain('strona-danych.png')
      const depositUrl = page.url()

      // The receipt.
      const receipt = await page.request.get(`${depositUrl}/receipt.pdf`)
      expect(receipt.headers()['content-type']).toBe('application/pdf')

      // Temporary release for a marriage ceremony, then back to the shelf with a new seal.
      await page.getByRole('link', { name: 'Wydanie czasowe' }).click()
      await page.getByLabel('Komu wydano').waitFor()
      await expectAccessible(page)
      await page.getByLabel('Komu wydano').fill('właścicielka – Oksana Kovalenko')
      await page.getByLabel('Cel wydania').fill('zawarcie małżeństwa')
      await page.getByLabel('Termin zwrotu').fill('31.12.2099')
      await page.getByLabel('Numer plomby zastanej na kopercie').fill('PL-000901')
      await page.getByRole('button', { name: 'Zapisz' }).click()
      await expect.poll(() => page.locator('#where-now').textContent(), slow).toContain('wydany czasowo')
      await page.getByRole('link', { name: 'Zwrot do depozytu' }).click()
      await page.getByLabel('Miejsce przechowywania').selectOption({ label: 'R1 – Regał 1' })
      await page.getByLabel('Numer nowej plomby').fill('PL-000902')
      await page.getByRole('button', { name: 'Zapisz' }).click()
      await expect.poll(() => page.locator('#where-now').textContent(), slow).toContain('R1')

      // Found by a misspelt surname in another transliteration; the history is one click away.
      await visit(page, `${base}/deposits`)
      await page.getByLabel('Nazwisko, numer dokumentu, numer depozytu albo kod kreskowy').fill('Kowalenka')
      await page.getByRole('button', { name: 'Szukaj' }).click()
      await page.waitForURL(/\/deposits\/search\/[0-9a-f-]{36}$/)
      await expectAccessible(page)
      expect(page.url()).not.toContain('Kowal')
      expect(await page.locator('main table').textContent()).toContain('KOVALENKO')
      expect(await page.locator('main table').textContent()).toContain('R1')
      await page.locator('main table a').first().click()
      await page.getByRole('link', { name: 'Historia przechowania' }).first().click()
      await page.waitForURL(/\/history$/)
      await expectAccessible(page)
      const history = await page.locator('main table').textContent()
      expect(history).toContain('Wydanie czasowe')
      expect(history).toContain('Zwrot do depozytu')

      // Stocktake of the shelf: only the passport is there; the Georgian document is missing.
      const barcode = await page.title()
      await visit(page, `${base}/deposits/stocktakes`)
      await page.getByLabel('Miejsce').selectOption({ label: 'R1 – Regał 1' })
      await page.getByRole('button', { name: 'Rozpocznij inwentaryzację' }).click()
      await page.getByLabel('Zeskanowane kody').waitFor()
      await expectAccessible(page)
      const number = /(\d{4})\/(\d{6})/.exec(barcode)!
      await page.getByLabel('Zeskanowane kody').fill(`DEP-${number[1]}-${number[2]}\n`)
      await page.getByRole('button', { name: 'Dodaj zeskanowane' }).click()
      await expect
        .poll(() => page.locator('.notice--success').textContent(), slow)
        .toContain('Dodano kodów: 1')
      await page.getByRole('button', { name: 'Zamknij i porównaj z rejestrem' }).click()
      await expect
        .poll(() => page.locator('.notice--success').textContent(), slow)
        .toContain('Inwentaryzacja zamknięta')
      await expectAccessible(page)
      const result = await page.locator('main').textContent()
      expect(result).toContain('Brakujące – powinny być, nie zeskanowano (1)')
      expect(result).toContain('Nieoczekiwane – są, a według rejestru nie powinno ich tu być (0)')
    })
    await context.close()
  }, 180_000)

  it('with JavaScript on, a complete MRZ from the reader fills the form by itself', async () => {
    const context = await newContext(browser)
    await withPage(context, 'deposits-mrz-live', async (page) => {
      await signInAsRole(page, bok, 'hall_staff')
      await visit(page, `${bok.baseUrl}/deposits/new`)
      await page.getByLabel('Wiersze MRZ').pressSequentially(mrz(), { delay: 1 })
      await page.waitForURL(`${bok.baseUrl}/deposits/new`)
      await expect
        .poll(() => page.getByLabel('Nazwisko (jak w dokumencie)').inputValue(), slow)
        .toBe('KOVALENKO')
      await expectAccessible(page)
    })
    await context.close()
  }, 180_000)
})
