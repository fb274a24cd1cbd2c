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
import { samplePdf } from './helpers.js'
import { buildZip, epuapPackage } from './packages.js'

let bok: RunningBok
let browser: Browser
let wok: number
let dpu: number
beforeAll(async () => {
  bok = await startBok()
  browser = await launchBrowser()
  wok = await createUnit(bok.db, 'WOK', 'Wydział Obsługi Kancelaryjnej')
  dpu = await createUnit(bok.db, 'DPU', 'Departament Postępowań Uchodźczych')
})
afterAll(async () => {
  await browser?.close()
  await bok?.close()
})

const year = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Warsaw', year: 'numeric' }).format(new Date())

/** The id of the element that has the keyboard focus. */
const focusedId = (page: Page) => page.evaluate<string | undefined>('document.activeElement?.id')

/** Tabs forward until the field with the id has the focus (the clerk's way through the form). */
async function tabTo(page: Page, id: string) {
  for (let i = 0; i < 30; i++) {
    if ((await focusedId(page)) === id) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`could not tab to #${id}`)
}

describe("the registry clerk's day", () => {
  it('registers three items with a scan from the keyboard, prints the label, routes one, the unit accepts it, and it is found by barcode and by a search without Polish letters', async () => {
    const context = await newContext(browser)
    const senders = ['Łucja Żółkiewska', 'Fundacja Ocalenie', 'Giorgi Beridze']
    await withPage(context, 'registry-clerk-day', async (page) => {
      await signInAsRole(page, bok, 'registry_clerk', wok)
      await visit(page, `${bok.baseUrl}/registry/incoming/new`)
      for (const [i, sender] of senders.entries()) {
        // The form opens with the focus on the sender; date, time and channel are already filled in.
        expect(await focusedId(page)).toBe('senderName')
        await page.keyboard.type(sender)
        await tabTo(page, 'subject')
        await page.keyboard.type(`Pismo numer ${i + 1} w sprawie zwrotu dokumentu`)
        // The scanner's file goes through the file chooser; the keyboard then sends the form with Enter.
        await page.setInputFiles('#files', {
          name: `skan-${i + 1}.pdf`,
          mimeType: 'application/pdf',
          buffer: samplePdf,
        })
        await page.keyboard.press('Enter')
        await page.waitForURL(/\/registry\/incoming\/new\?/)
        await expect
          .poll(() => page.locator('.notice--success').textContent())
          .toContain(`Zarejestrowano przesyłkę nr ${year}/00000${i + 1}`)
      }
      const label = await page.getByRole('link', { name: 'Drukuj etykietę wpływu' }).getAttribute('href')
      const pdf = await page.request.get(`${bok.baseUrl}${label}`)
      expect(pdf.headers()['content-type']).toBe('application/pdf')
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-')

      // A keyboard-wedge scanner types the barcode into the focused find box and presses Enter.
      await visit(page, `${bok.baseUrl}/registry/incoming`)
      expect(await focusedId(page)).toBe('number')
      await page.keyboard.type(`${year}/000001`)
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/registry\/incoming\/\d+$/)
      expect(await page.locator('h1').textContent()).toContain(`${year}/000001`)
      await expectAccessible(page)
      await page.locator('#unitId').selectOption(String(dpu))
      await page.getByRole('button', { name: 'Dekretuj' }).click()
      await expect.poll(() => page.locator('.notice--success').textContent()).toContain('Zapisano dekretację')

      await visit(page, `${bok.baseUrl}/registry/search`)
      await page.keyboard.type('zolkiewska zwrotu')
      await page.keyboard.press('Enter')
      await page.waitForURL(/\/registry\/search\/[0-9a-f-]{36}$/)
      const rows = page.locator('table.registry-table tbody tr')
      await expect.poll(() => rows.count()).toBe(1)
      expect(await rows.first().textContent()).toContain('Łucja Żółkiewska')
      await expectAccessible(page)
    })

    const unitContext = await newContext(browser)
    await withPage(unitContext, 'registry-unit-accepts', async (page) => {
      await signInAsRole(page, bok, 'archivist', dpu)
      await visit(page, `${bok.baseUrl}/registry/inbox`)
      await page.getByRole('link', { name: `${year}/000001` }).click()
      await page.waitForURL(/\/registry\/inbox\/\d+$/)
      await expectAccessible(page)
      await page.getByRole('button', { name: 'Przyjmij przesyłkę' }).click()
      await expect
        .poll(() => page.locator('.notice--success').textContent())
        .toContain('Przesyłka została przyjęta przez komórkę')
      expect(await page.locator('table').last().textContent()).toContain('przyjęto')
    })
  }, 180_000)

  it('the registration form works with JavaScript off and shows errors next to the fields', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false })
    await withPage(context, 'registry-form-no-js', async (page) => {
      await signInAsRole(page, bok, 'registry_clerk', wok)
      await visit(page, `${bok.baseUrl}/registry/incoming/new`)
      await page.locator('#channel').selectOption('registered_mail')
      await page.locator('#trackingNumber').fill('RR123456789PL')
      await page.locator('#senderName').fill('Jan Kowalski')
      await page.getByRole('button', { name: 'Zarejestruj i pokaż' }).click()
      await page.waitForLoadState('load')
      expect(await page.locator('.error-summary').textContent()).toContain(
        'Numer nadawczy jest nieprawidłowy',
      )
      expect(await page.locator('#subject-error').textContent()).toContain('Wpisz, czego dotyczy pismo')
      expect(await page.locator('#senderName').inputValue()).toBe('Jan Kowalski')
      await expectAccessible(page)
    })
  }, 120_000)

  it('imports an ePUAP package without JavaScript: a bad package is explained next to the field, a good one prefills the form', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false })
    await withPage(context, 'registry-package-import', async (page) => {
      await signInAsRole(page, bok, 'registry_clerk', wok)
      await visit(page, `${bok.baseUrl}/registry/import`)
      await expectAccessible(page)
      const bad = buildZip([{ name: '../poza.pdf', data: samplePdf }])
      await page.setInputFiles('#message', { name: 'zla.zip', mimeType: 'application/zip', buffer: bad })
      await page.getByRole('button', { name: 'Wczytaj wiadomość' }).click()
      await page.waitForLoadState('load')
      expect(await page.locator('#message-error').textContent()).toContain('niedozwolonej nazwie')
      await expectAccessible(page)
      const good = epuapPackage('browser')
      await page.setInputFiles('#message', { name: 'epuap.zip', mimeType: 'application/zip', buffer: good })
      await page.getByRole('button', { name: 'Wczytaj wiadomość' }).click()
      await page.waitForURL(/\/registry\/incoming\/new\?importId=/)
      expect(await page.locator('#senderName').inputValue()).toBe('Zofia Wójcik')
      expect(await page.locator('#channel').inputValue()).toBe('epuap')
      expect(await page.locator('.notice').first().textContent()).toContain('pismo.pdf, skan.png')
      await expectAccessible(page)
    })
  }, 120_000)
})
