import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { createUnit } from '../../../../tests/helpers/app.js'
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

let bok: RunningBok
let browser: Browser
let dpu: number
let wae: number

beforeAll(async () => {
  bok = await startBok()
  browser = await launchBrowser()
  dpu = await createUnit(bok.db, 'DPU', 'Departament Postępowań Uchodźczych')
  wae = await createUnit(bok.db, 'WAE', 'Wydział Archiwum i Ewidencji')
})
afterAll(async () => {
  await browser?.close()
  await bok?.close()
})

const jrwa = [
  'symbol;hasło;kategoria',
  '0;Zarządzanie;',
  '01;Organizacja;',
  '010;Regulaminy organizacyjne;A',
  '012;Korespondencja ogólna;B5',
].join('\n')

async function submitAndLoad(page: Page, button: string) {
  // The next load event, not the current page's: a form post navigates (303 → GET, or a 422 page).
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button }).click()])
  await expectAccessible(page)
}

describe("the archivist's day in the browser", () => {
  it('imports a JRWA, accepts a unit’s transfer list, answers a query, lends and takes back a folder, builds a disposal list', async () => {
    const archivistContext = await newContext(browser)
    // The unit works with JavaScript off: every step must work without it.
    const unitContext = await newContext(browser, { javaScriptEnabled: false })
    const archivist = await archivistContext.newPage()
    await signInAsRole(archivist, bok, 'archivist', wae)

    await withPage(archivistContext, 'archive-jrwa-import', async (page) => {
      await visit(page, `${bok.baseUrl}/archive/jrwa/import`)
      // The file as Excel saves it (BOM, CRLF), with one bad row: the report lists it and the content
      // lands in the text box, to be corrected there.
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bok-jrwa-')), 'JRWA.csv')
      fs.writeFileSync(file, '\uFEFF' + (jrwa + '\n99;Bez rodzica;B5').replace(/\n/g, '\r\n'))
      await page.getByLabel('Plik CSV').setInputFiles(file)
      await submitAndLoad(page, 'Importuj')
      expect(await page.locator('.error-summary').textContent()).toContain('nic nie zaimportowano')
      expect(await page.locator('#report').textContent()).toContain('Brak klasy nadrzędnej')
      expect(await page.getByLabel('albo wklej zawartość pliku').inputValue()).toContain('99;Bez rodzica;B5')
      await page.getByLabel('albo wklej zawartość pliku').fill(jrwa)
      await submitAndLoad(page, 'Importuj')
      expect(new URL(page.url()).pathname).toBe('/archive/jrwa')
      expect(await page.locator('main').textContent()).toContain('Korespondencja ogólna')
    })

    await withPage(unitContext, 'archive-unit-transfer-list', async (page) => {
      await signInAsRole(page, bok, 'hall_staff', dpu)
      expect(await page.locator('main').textContent()).toContain('Teczki do przekazania do archiwum')
      await visit(page, `${bok.baseUrl}/archive/transfers`)
      await submitAndLoad(page, 'Nowy spis zdawczo-odbiorczy')
      for (const [title, from, to] of [
        ['Korespondencja ogólna z wojewodami', '2014', '2015'],
        ['Korespondencja ogólna z ośrodkami dla cudzoziemców', '2015', '2016'],
      ] as const) {
        await page.getByLabel('Symbol JRWA').fill('012')
        await page.getByLabel('Rok początkowy').fill(from)
        await page.getByLabel('Rok końcowy').fill(to)
        await page.getByLabel('Tytuł teczki').fill(title)
        await submitAndLoad(page, 'Dopisz teczkę')
      }
      expect(await page.locator('main').textContent()).toContain('Korespondencja ogólna z wojewodami')
      await submitAndLoad(page, 'Przekaż spis do archiwum')
      expect(await page.locator('main').textContent()).toContain('przekazany do archiwum')
    })

    await withPage(archivistContext, 'archive-accept-list', async (page) => {
      await visit(page, `${bok.baseUrl}/`)
      await page.getByRole('link', { name: /Spisy zdawczo-odbiorcze do sprawdzenia/ }).click()
      await page.waitForLoadState('load')
      await page
        .getByRole('link', { name: /Projekt spisu/ })
        .first()
        .click()
      await page.waitForLoadState('load')
      await expectAccessible(page)
      await page.getByLabel('Metry bieżące').fill('0,16')
      const rooms = page.getByLabel(/^Pomieszczenie – /)
      for (let i = 0; i < (await rooms.count()); i++) {
        await rooms.nth(i).fill('014')
        await page
          .getByLabel(/^Regał – /)
          .nth(i)
          .fill('A')
        await page
          .getByLabel(/^Półka – /)
          .nth(i)
          .fill(String(i + 1))
      }
      await submitAndLoad(page, 'Przyjmij spis')
      expect(await page.locator('h1').textContent()).toMatch(/Spis zdawczo-odbiorczy nr \d{4}\/000001$/)
      expect(await page.locator('main').textContent()).toContain('AZ0000000')
    })

    const barcodes = (
      await bok.db('archive_folders').where({ status: 'held' }).orderBy('id').select('barcode')
    ).map((r: { barcode: string }) => r.barcode)
    expect(barcodes).toHaveLength(2)

    await withPage(archivistContext, 'archive-query', async (page) => {
      await visit(page, `${bok.baseUrl}/archive/queries/new`)
      await page.getByLabel('osoba').check()
      await page.getByLabel('Imię i nazwisko albo nazwa organu').fill('Olena Kovalenko')
      await page.getByLabel('Czego dotyczy').fill('Korespondencja w sprawie pobytu 2014–2016')
      await page.getByLabel('Data wpływu').fill('02.03.2026')
      await page.getByLabel('Termin odpowiedzi').fill('31.03.2026')
      await submitAndLoad(page, 'Zarejestruj')
      const queryUrl = page.url()
      await visit(page, `${bok.baseUrl}/archive/holdings?q=osrodkami+KORESPONDENCJA`)
      expect(await page.locator('table').textContent()).toContain(
        'Korespondencja ogólna z ośrodkami dla cudzoziemców',
      )
      await visit(page, queryUrl)
      for (const code of barcodes) {
        await page.getByLabel('Kod kreskowy teczki').fill(code)
        await submitAndLoad(page, 'Dołącz teczkę')
      }
      await page.getByLabel('odnaleziono', { exact: true }).check()
      await page.getByLabel('Treść odpowiedzi / notatka').fill('Przesłano kopie korespondencji.')
      await page.getByLabel('Data odpowiedzi').fill('10.03.2026')
      await submitAndLoad(page, 'Zapisz odpowiedź')
      const text = await page.locator('main').textContent()
      expect(text).toContain('załatwiona')
      expect(text).toContain(barcodes[0])
      expect(text).toContain(barcodes[1])
    })

    await withPage(archivistContext, 'archive-loan', async (page) => {
      await visit(page, `${bok.baseUrl}/archive/borrowers`)
      await page.getByLabel('Imię i nazwisko').fill('Jan Kowalski')
      await page.getByLabel('Komórka').selectOption({ label: 'DPU – Departament Postępowań Uchodźczych' })
      await page.getByLabel('Upoważnił (kierownik komórki)').fill('Marek Wójcik')
      await page.getByLabel('Data upoważnienia').fill('02.01.2026')
      await submitAndLoad(page, 'Dodaj osobę upoważnioną')
      await visit(page, `${bok.baseUrl}/archive/loans/new`)
      await page.getByLabel('Kod kreskowy teczki').fill(barcodes[0]!)
      await page.getByLabel('Osoba upoważniona').selectOption({ label: 'Jan Kowalski (DPU)' })
      await page.getByLabel('wypożyczenie do komórki').check()
      await page.getByLabel('Termin zwrotu').fill('01.01.2020')
      await submitAndLoad(page, 'Udostępnij')
      expect(await page.locator('.error-summary').textContent()).toContain(
        'Termin zwrotu nie może być wcześniejszy',
      )
      await page.getByLabel('Data udostępnienia').fill('04.03.2026')
      await page.getByLabel('Termin zwrotu').fill('18.03.2026')
      await submitAndLoad(page, 'Udostępnij')
      expect(await page.locator('main').textContent()).toContain('Jan Kowalski')
      const loanUrl = page.url()
      const card = await page.request.get(`${loanUrl}/card.pdf`)
      expect(card.headers()['content-type']).toContain('application/pdf')
      await page.getByLabel('Data zwrotu').fill('12.03.2026')
      await submitAndLoad(page, 'Przyjmij zwrot')
      expect(await page.locator('main').textContent()).toContain('12.03.2026')
    })

    await withPage(archivistContext, 'archive-disposal', async (page) => {
      await visit(page, `${bok.baseUrl}/archive/disposals`)
      expect(await page.locator('#build').textContent()).toContain('2')
      await submitAndLoad(page, 'Sporządź spis dokumentacji niearchiwalnej')
      expect(await page.locator('main').textContent()).toContain('Korespondencja ogólna z wojewodami')
      await visit(page, `${bok.baseUrl}/archive/reports`)
      expect(await page.locator('svg').count()).toBeGreaterThan(0)
    })

    await archivistContext.close()
    await unitContext.close()
  }, 240_000)
})
