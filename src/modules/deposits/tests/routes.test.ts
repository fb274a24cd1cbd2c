import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signInAs, type SignedIn, type TestContext } from '../../../../tests/helpers/app.js'
import { checkDigit } from '../mrz.js'

let ctx: TestContext
let hall: SignedIn
let placeId: number
let otherPlaceId: number

// A real-looking TD3 built with the Doc 9303 rules: Ukrainian passport of SHEVCHENKO TARAS.
function passportMrz(number = 'FE1234567') {
  const l1 = ('P<UKRSHEVCHENKO<<TARAS' + '<'.repeat(44)).slice(0, 44)
  const birth = '840309'
  const expiry = '310415'
  const body =
    number +
    checkDigit(number) +
    'UKR' +
    birth +
    checkDigit(birth) +
    'M' +
    expiry +
    checkDigit(expiry) +
    '<'.repeat(14) +
    '<'
  const composite = checkDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))
  return `${l1}\n${body}${composite}`
}

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

beforeAll(async () => {
  ctx = await createTestApp()
  hall = await signInAs(ctx, ['hall_staff'])
  for (const [code, kind] of [
    ['S1', 'safe'],
    ['R1', 'shelf'],
  ])
    await hall.agent
      .post('/deposits/places')
      .type('form')
      .send({ _csrf: hall.csrf, code, kind, name: `Miejsce ${code}` })
  placeId = Number((await ctx.db('storage_places').where({ code: 'S1' }).first('id')).id)
  otherPlaceId = Number((await ctx.db('storage_places').where({ code: 'R1' }).first('id')).id)
})
afterAll(() => ctx.close())

function takeInForm(fields: Record<string, string>) {
  const req = hall.agent.post('/deposits/new').field('_csrf', hall.csrf)
  for (const [k, v] of Object.entries(fields)) req.field(k, v)
  return req
}

describe('access', () => {
  it('only hall staff reach the deposit pages', async () => {
    for (const role of [
      'registry_clerk',
      'archivist',
      'document_officer',
      'records_officer',
      'auditor',
      'admin',
    ] as const) {
      const other = await signInAs(ctx, [role])
      for (const url of ['/deposits', '/deposits/new', '/deposits/places', '/deposits/stocktakes'])
        expect((await other.agent.get(url)).status, `${role} ${url}`).toBe(403)
      const post = await other.agent.post('/deposits/lookup').type('form').send({ _csrf: other.csrf, q: 'x' })
      expect(post.status).toBe(403)
    }
  })
})

describe('taking in by MRZ', () => {
  it('reads the MRZ (lower case, stray spaces) and prefills the form without JavaScript', async () => {
    const mrz = passportMrz().toLowerCase().replace('shevchenko', 'shev chenko')
    const res = await takeInForm({ action: 'readMrz', mrz })
    expect(res.status).toBe(200)
    expect(res.text).toContain('Odczytano MRZ')
    expect(res.text).toContain('value="SHEVCHENKO"')
    expect(res.text).toContain('value="FE1234567"')
    expect(res.text).toContain('value="09.03.1984"')
    expect(res.text).toContain('value="15.04.2031"')
    expect(res.text).toMatch(/<option value="UKR" selected>/)
  })

  it('explains a check-digit failure: which field and which digit is expected', async () => {
    const good = passportMrz()
    const lines = good.split('\n')
    const wrong = lines[1]![9] === '0' ? '1' : '0'
    const bad = `${lines[0]}\n${lines[1]!.slice(0, 9)}${wrong}${lines[1]!.slice(10)}`
    const res = await takeInForm({ action: 'readMrz', mrz: bad })
    expect(res.status).toBe(422)
    expect(res.text).toContain(
      `Cyfra kontrolna numeru dokumentu się nie zgadza: w MRZ jest ${wrong}, powinna być ${lines[1]![9]}`,
    )
    expect(res.text).toContain('href="#mrz"')
  })

  it('shows errors with 422 and keeps the typed values', async () => {
    const res = await takeInForm({
      action: 'save',
      documentType: 'passport',
      documentNumber: 'AB 123',
      surname: 'Kowalenko',
      sealNumber: '',
    })
    expect(res.status).toBe(422)
    expect(res.text).toContain('Wpisz numer plomby koperty')
    expect(res.text).toContain('Wybierz miejsce przechowywania')
    expect(res.text).toContain('value="Kowalenko"')
    expect(res.text).toContain('value="AB 123"')
  })

  it('refuses a file that is not a document type, keeping the values', async () => {
    const res = await takeInForm({ action: 'save', surname: 'Kowalenko' }).attach(
      'scan',
      Buffer.from('MZ not an image'),
      'skan.png',
    )
    expect(res.status).toBe(422)
    expect(res.text).toContain('Plik musi być w formacie PDF, JPEG, PNG lub TIFF')
    expect(res.text).toContain('value="Kowalenko"')
  })

  it('takes the document in with a scan, prints the receipt and shows where it is', async () => {
    const res = await takeInForm({
      action: 'save',
      mrz: passportMrz(),
      documentType: 'passport',
      documentNumber: 'FE1234567',
      issuingCountry: 'UKR',
      nationality: 'UKR',
      expiryDate: '15.04.2031',
      surname: 'SHEVCHENKO',
      givenNames: 'TARAS',
      sex: 'M',
      birthDate: '09.03.1984',
      protectionCaseRef: 'DPU.4100.1.2026',
      placeId: String(placeId),
      sealNumber: 'PL-000111',
      conditionNotes: 'okładka lekko zgięta',
    }).attach('scan', png, 'strona danych.png')
    expect(res.status).toBe(303)
    const page = await hall.agent.get(res.headers.location!)
    expect(page.status).toBe(200)
    expect(page.text).toContain('w depozycie')
    expect(page.text).toContain('S1')
    expect(page.text).toContain('PL-000111')
    expect(page.text).toContain('strona danych.png')
    const id = Number(res.headers.location!.split('/').pop())
    const file = await ctx.db('deposit_files').where({ deposit_id: id }).first('mime', 'size')
    expect(file).toEqual({ mime: 'image/png', size: png.length })
    const viewed = await ctx
      .db('audit_log')
      .where({ action: 'deposits.viewed', entity_id: String(id) })
      .first('actor_id')
    expect(viewed?.actor_id).toBe(hall.userId)

    const receipt = await hall.agent.get(`/deposits/${id}/receipt.pdf`)
    expect(receipt.status).toBe(200)
    expect(receipt.headers['content-type']).toBe('application/pdf')
    expect(receipt.body.subarray(0, 5).toString()).toBe('%PDF-')
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'deposits.receiptPrinted', entity_id: String(id) })
        .first('id'),
    ).toBeTruthy()

    const download = await hall.agent.get(
      `/deposits/${id}/files/${(await ctx.db('deposit_files').where({ deposit_id: id }).first('id')).id}`,
    )
    expect(download.status).toBe(200)
    expect(download.headers['content-disposition']).toContain('attachment')
    expect(await ctx.db('audit_log').where({ action: 'deposits.fileDownloaded' }).first('id')).toBeTruthy()
  })

  it('offers the person already on record as holder before creating a new one', async () => {
    const res = await takeInForm({
      action: 'save',
      documentType: 'id_card',
      documentNumber: 'XY999',
      issuingCountry: 'UKR',
      nationality: 'UKR',
      surname: 'Szewczenko',
      givenNames: 'Taras',
      birthDate: '09.03.1984',
      placeId: String(placeId),
      sealNumber: 'PL-000112',
    })
    expect(res.status).toBe(422)
    expect(res.text).toContain('W BOK są już osoby podobne do posiadacza')
    expect(res.text).toContain('SHEVCHENKO TARAS, 09.03.1984, UKR')
  })
})

describe('custody, look-up and history', () => {
  it('releases, refuses a second release with a clear message, takes back, finds by misspelt name', async () => {
    const deposit = await ctx.db('deposits').where({ document_number: 'FE1234567' }).first('id')
    const id = Number(deposit.id)
    const form = await hall.agent.get(`/deposits/${id}/movements/new?kind=released`)
    expect(form.status).toBe(200)
    expect(form.text).toContain('Komu wydano')
    const release = {
      _csrf: hall.csrf,
      kind: 'released',
      releasedTo: 'właściciel',
      purpose: 'ślub w USC',
      dueBackOn: '01.12.2099',
      sealOld: 'PL-000111',
    }
    expect((await hall.agent.post(`/deposits/${id}/movements`).type('form').send(release)).status).toBe(303)
    const again = await hall.agent.post(`/deposits/${id}/movements`).type('form').send(release)
    expect(again.status).toBe(422)
    expect(again.text).toContain(
      'Wydać czasowo można tylko dokument w depozycie – ten jest teraz: wydany czasowo',
    )
    expect(again.text).toContain('value="ślub w USC"')
    const missing = await hall.agent
      .post(`/deposits/${id}/movements`)
      .type('form')
      .send({ _csrf: hall.csrf, kind: 'returned_to_deposit', placeId: String(otherPlaceId) })
    expect(missing.status).toBe(422)
    expect(missing.text).toContain('Wpisz numer nowej plomby')
    const back = await hall.agent
      .post(`/deposits/${id}/movements`)
      .type('form')
      .send({
        _csrf: hall.csrf,
        kind: 'returned_to_deposit',
        placeId: String(otherPlaceId),
        sealNew: 'PL-000113',
      })
    expect(back.status).toBe(303)

    const search = await hall.agent
      .post('/deposits/lookup')
      .type('form')
      .send({ _csrf: hall.csrf, q: 'Szewczenko' })
    expect(search.status).toBe(303)
    expect(search.headers.location).toMatch(/^\/deposits\/search\/[0-9a-f-]{36}$/)
    expect(search.headers.location).not.toContain('Szewczenko')
    const results = await hall.agent.get(search.headers.location!)
    expect(results.text).toContain('SHEVCHENKO')
    expect(results.text).toContain('R1')
    const searched = await ctx
      .db('audit_log')
      .where({ action: 'deposits.searched' })
      .orderBy('id', 'desc')
      .first('details')
    expect(JSON.stringify(searched.details)).toContain('Szewczenko')

    const history = await hall.agent.get(`/deposits/${id}/history`)
    expect(history.text).toContain('Wydanie czasowe')
    expect(history.text).toContain('Zwrot do depozytu')
    expect(history.text).toContain('ślub w USC')
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'deposits.historyViewed', entity_id: String(id) })
        .first('id'),
    ).toBeTruthy()
  })

  it('shows the look-up error with 422 when the box is empty', async () => {
    const res = await hall.agent.post('/deposits/lookup').type('form').send({ _csrf: hall.csrf, q: ' ' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('Wpisz, czego szukasz')
  })

  it('lists overdue releases on the dashboard and the start page', async () => {
    const deposit = await ctx.db('deposits').where({ document_number: 'FE1234567' }).first('id')
    await ctx
      .db('deposits')
      .where({ id: deposit.id })
      .update({ state: 'released', due_back_on: '2020-01-01', released_to: 'właściciel' })
    const dash = await hall.agent.get('/deposits')
    expect(dash.text).toContain('po terminie')
    const listed = await ctx
      .db('audit_log')
      .where({ action: 'deposits.listViewed' })
      .orderBy('id', 'desc')
      .first('details')
    expect(listed.details).toMatchObject({ list: 'dashboard', shown: [deposit.id] })
    const start = await hall.agent.get('/')
    expect(start.text).toMatch(/queue__count">1<\/span> <span class="queue__label">Wydane czasowo/)
    await ctx
      .db('deposits')
      .where({ id: deposit.id })
      .update({ state: 'in_deposit', due_back_on: null, released_to: null })
  })
})

describe('stocktake over HTTP', () => {
  it('starts, takes scanned lines from a textarea, closes and shows what is missing', async () => {
    const start = await hall.agent
      .post('/deposits/stocktakes')
      .type('form')
      .send({ _csrf: hall.csrf, placeId: String(otherPlaceId) })
    expect(start.status).toBe(303)
    const url = start.headers.location!
    const scans = await hall.agent
      .post(`${url}/scans`)
      .type('form')
      .send({ _csrf: hall.csrf, codes: 'DEP-1999-000001\n' })
    expect(scans.status).toBe(303)
    expect((await hall.agent.post(`${url}/close`).type('form').send({ _csrf: hall.csrf })).status).toBe(303)
    const page = await hall.agent.get(url)
    expect(page.text).toContain('Brakujące – powinny być, nie zeskanowano (1)')
    expect(page.text).toContain('Nierozpoznane kody (1)')
  })
})
