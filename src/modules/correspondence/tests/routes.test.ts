import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestApp,
  createUnit,
  signInAs,
  type SignedIn,
  type TestContext,
} from '../../../../tests/helpers/app.js'
import { auditActions, samplePdf } from './helpers.js'

let ctx: TestContext
let clerk: SignedIn
let unitA: number
let unitB: number
beforeAll(async () => {
  ctx = await createTestApp()
  unitA = await createUnit(ctx.db, 'WA')
  unitB = await createUnit(ctx.db, 'WB')
  clerk = await signInAs(ctx, ['registry_clerk'], unitA)
})
afterAll(() => ctx.close())

const validFields = {
  receivedDate: '02.03.2026',
  receivedTime: '9:05',
  channel: 'registered_mail',
  form: 'paper',
  trackingNumber: 'RR123456785PL',
  senderKind: 'person',
  senderName: 'Łucja Żółkiewska',
  senderAddress: 'ul. Zielona 5, 90-001 Łódź',
  senderReference: 'ZK/12/2026',
  subject: 'Prośba o informację',
  enclosuresCount: '2',
}

function post(fields: Record<string, string>, file?: Buffer) {
  const req = clerk.agent.post('/registry/incoming').field('_csrf', clerk.csrf)
  for (const [k, v] of Object.entries(fields)) req.field(k, v)
  if (file) req.attach('files', file, 'skan.pdf')
  return req
}

describe('registration form', () => {
  it('shows each message next to its field and keeps the typed values (422)', async () => {
    const res = await post({
      ...validFields,
      trackingNumber: 'RR123456789PL',
      senderEdelivery: 'AE:PL-123',
      subject: '',
      caseReference: 'zły znak',
    })
    expect(res.status).toBe(422)
    expect(res.text).toContain('Wystąpił problem')
    expect(res.text).toContain('id="trackingNumber-error"')
    expect(res.text).toContain('Numer nadawczy jest nieprawidłowy')
    expect(res.text).toContain('Wpisz adres do e-Doręczeń w formacie AE:PL-12345-67890-ABCDE-12')
    expect(res.text).toContain('Wpisz, czego dotyczy pismo')
    expect(res.text).toContain('Wpisz znak sprawy w formacie')
    expect(res.text).toContain('href="#subject"')
    expect(res.text).toContain('value="Łucja Żółkiewska"')
    expect(res.text).toContain('value="ZK/12/2026"')
    expect(await ctx.db('incoming_items').count<{ c: string }>({ c: '*' }).first()).toEqual({ c: 0 })
  })

  it('refuses a file whose content is not an allowed type, keeping the values', async () => {
    const res = await post(validFields, Buffer.from('MZ not a pdf at all'))
    expect(res.status).toBe(422)
    expect(res.text).toContain('Plik musi być w formacie PDF')
    expect(res.text).toContain('value="Prośba o informację"')
  })

  it('registers with a scan, then "register and next" keeps date and channel', async () => {
    const res = await post({ ...validFields, then: 'next' }, samplePdf)
    expect(res.status).toBe(303)
    expect(res.headers.location).toMatch(
      /^\/registry\/incoming\/new\?receivedDate=02.03.2026&channel=registered_mail&form=paper&last=\d+$/,
    )
    const next = await clerk.agent.get(String(res.headers.location))
    expect(next.text).toContain('Zarejestrowano przesyłkę nr 2026/000001')
    expect(next.text).toContain('value="02.03.2026"')
    expect(next.text).toMatch(/<option value="registered_mail" selected>/)
    const item = await ctx
      .db('incoming_items')
      .first('id', 'year', 'number', 'tracking_number', 'received_at')
    expect(item).toMatchObject({ year: 2026, number: 1, tracking_number: 'RR123456785PL' })
    expect((item.received_at as Date).toISOString()).toBe('2026-03-02T08:05:00.000Z')
    expect(await auditActions(ctx.db, item.id)).toContain('registry.registered')
  })
})

describe('item page, files, label and barcode', () => {
  it('shows the item, serves the file and PDFs, each audited', async () => {
    const item = await ctx.db('incoming_items').where({ number: 1 }).first('id')
    const page = await clerk.agent.get(`/registry/incoming/${item.id}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Przesyłka wpływająca 2026/000001')
    expect(page.text).toContain('Łucja Żółkiewska')
    const att = await ctx.db('incoming_attachments').where({ item_id: item.id }).first('id')
    const file = await clerk.agent.get(`/registry/incoming/${item.id}/files/${att.id}`)
    expect(file.status).toBe(200)
    expect(file.headers['content-disposition']).toContain('attachment; filename="skan.pdf"')
    expect(Buffer.from(file.body).subarray(0, 5).toString()).toBe('%PDF-')
    const label = await clerk.agent.get(`/registry/incoming/${item.id}/label.pdf`)
    expect(label.status).toBe(200)
    expect(label.headers['content-type']).toBe('application/pdf')
    const a4 = await clerk.agent.get(`/registry/incoming/${item.id}/label.pdf?size=a4`)
    expect(a4.headers['content-type']).toBe('application/pdf')
    const confirmation = await clerk.agent.get(`/registry/incoming/${item.id}/confirmation.pdf`)
    expect(confirmation.status).toBe(200)
    expect(await auditActions(ctx.db, item.id)).toEqual(
      expect.arrayContaining([
        'registry.viewed',
        'registry.fileDownloaded',
        'registry.labelPrinted',
        'registry.confirmationPrinted',
      ]),
    )
  })

  it('opens the item from a scanned barcode in the find box and in the search box', async () => {
    const item = await ctx.db('incoming_items').where({ number: 1 }).first('id')
    const find = await clerk.agent.get('/registry/find?number=2026%2F000001')
    expect(find.status).toBe(303)
    expect(find.headers.location).toBe(`/registry/incoming/${item.id}`)
    const search = await clerk.agent
      .post('/registry/search')
      .type('form')
      .send({ _csrf: clerk.csrf, q: '2026/000001' })
    expect(search.headers.location).toBe(`/registry/incoming/${item.id}`)
  })

  it('finds by text ignoring Polish letters and case, under an opaque id, and audits the criteria', async () => {
    const res = await clerk.agent
      .post('/registry/search')
      .type('form')
      .send({ _csrf: clerk.csrf, q: 'ZOLKIEWSKA prosba' })
    expect(res.status).toBe(303)
    expect(res.headers.location).toMatch(/^\/registry\/search\/[0-9a-f-]{36}$/)
    expect(res.headers.location).not.toContain('zolk')
    const page = await clerk.agent.get(String(res.headers.location))
    expect(page.text).toContain('2026/000001')
    const none = await clerk.agent.get(res.headers.location + '?channel=email')
    expect(none.text).not.toContain('2026/000001')
    const csv = await clerk.agent.get(res.headers.location + '/export.csv')
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.text).toContain('Łucja Żółkiewska')
    const audit = await ctx.db('audit_log').where({ action: 'registry.searched' }).first('details')
    expect(JSON.stringify(audit.details)).toContain('ZOLKIEWSKA prosba')
  })

  it('lists the register with filters in the query string and exports CSV', async () => {
    const list = await clerk.agent.get(
      '/registry/incoming?channel=registered_mail&from=01.03.2026&to=31.03.2026',
    )
    expect(list.status).toBe(200)
    expect(list.text).toContain('2026/000001')
    const other = await clerk.agent.get('/registry/incoming?channel=epuap')
    expect(other.text).not.toContain('2026/000001')
    const csv = await clerk.agent.get('/registry/incoming/export.csv?channel=registered_mail')
    expect(csv.text.split('\r\n').length).toBeGreaterThan(2)
    expect((await clerk.agent.get('/registry/incoming?sort=drop')).status).toBe(400)
  })

  it("heads the list with this year's count, last number and annulments", async () => {
    const [d, m, y] = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw' })
      .format(new Date())
      .split('.')
    const today = `${d!.padStart(2, '0')}.${m!.padStart(2, '0')}.${y}`
    const registered = await post({ ...validFields, receivedDate: today, receivedTime: '0:00' })
    expect(registered.status).toBe(303)
    const id = Number(String(registered.headers.location).split('/').pop())
    const annulled = await clerk.agent
      .post(`/registry/incoming/${id}/annul`)
      .type('form')
      .send({ _csrf: clerk.csrf, reason: 'Zarejestrowano dwa razy' })
    expect(annulled.status).toBe(303)
    const { number } = await ctx.db('incoming_items').where({ id }).first('number')
    const list = await clerk.agent.get('/registry/incoming')
    expect(list.text).toContain(
      `Rok ${y}: zarejestrowano ${number} przesyłek (ostatni numer ${number}), w tym unieważnionych: 1.`,
    )
  })
})

describe('routing and unit inboxes', () => {
  it('routes to a unit whose staff accept it; another unit cannot see it', async () => {
    const item = await ctx.db('incoming_items').where({ number: 1 }).first('id')
    const staffA = await signInAs(ctx, ['archivist'], unitA)
    const staffB = await signInAs(ctx, ['archivist'], unitB)
    const routed = await clerk.agent
      .post(`/registry/incoming/${item.id}/route`)
      .type('form')
      .send({ _csrf: clerk.csrf, unitId: String(unitB), note: 'Do załatwienia' })
    expect(routed.status).toBe(303)
    expect((await staffA.agent.get('/registry/inbox')).text).not.toContain('2026/000001')
    expect((await staffA.agent.get(`/registry/inbox/${item.id}`)).status).toBe(403)
    expect(
      (await staffA.agent.post(`/registry/inbox/${item.id}/accept`).type('form').send({ _csrf: staffA.csrf }))
        .status,
    ).toBe(403)
    expect((await staffA.agent.get(`/registry/incoming/${item.id}`)).status).toBe(403)
    const inbox = await staffB.agent.get('/registry/inbox')
    expect(inbox.text).toContain('2026/000001')
    const accept = await staffB.agent
      .post(`/registry/inbox/${item.id}/accept`)
      .type('form')
      .send({ _csrf: staffB.csrf })
    expect(accept.status).toBe(303)
    const emptyReturn = await staffB.agent
      .post(`/registry/inbox/${item.id}/return`)
      .type('form')
      .send({ _csrf: staffB.csrf, reason: '' })
    expect(emptyReturn.status).toBe(422)
    expect(emptyReturn.text).toContain('Wpisz przyczynę')
    const caseRes = await staffB.agent
      .post(`/registry/inbox/${item.id}/case`)
      .type('form')
      .send({ _csrf: staffB.csrf, jrwaSymbol: '0153', title: 'Informacja' })
    expect(caseRes.status).toBe(303)
    const shown = await clerk.agent.get(`/registry/incoming/${item.id}`)
    expect(shown.text).toContain(`WB.0153.1.${new Date().getFullYear()}`)
    expect(shown.text).toContain('przyjęto')
  })
})

describe('outgoing register and dispatch book', () => {
  it("validates the registered-mail number and lists the item in the day's dispatch book", async () => {
    const bad = await clerk.agent.post('/registry/outgoing').type('form').send({
      _csrf: clerk.csrf,
      addresseeName: 'Jan Nowak',
      subject: 'Decyzja',
      dispatchDate: '05.03.2026',
      channel: 'post',
      postKind: 'registered',
      trackingNumber: '00859007734668475303',
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('Numer nadawczy jest nieprawidłowy')
    expect(bad.text).toContain('value="Jan Nowak"')
    const ok = await clerk.agent.post('/registry/outgoing').type('form').send({
      _csrf: clerk.csrf,
      addresseeName: 'Jan Nowak',
      addresseeAddress: 'ul. Polna 2, Kraków',
      subject: 'Decyzja',
      dispatchDate: '05.03.2026',
      channel: 'post',
      postKind: 'registered',
      returnReceipt: 'on',
      trackingNumber: '00859007734668475302',
    })
    expect(ok.status).toBe(303)
    const book = await clerk.agent.get('/registry/outgoing/dispatch-book?day=05.03.2026')
    expect(book.text).toContain('00859007734668475302')
    const csv = await clerk.agent.get('/registry/outgoing/dispatch-book.csv?day=2026-03-05')
    expect(csv.text).toContain('Jan Nowak')
    const pdf = await clerk.agent.get('/registry/outgoing/dispatch-book.pdf?day=2026-03-05')
    expect(pdf.headers['content-type']).toBe('application/pdf')
    const id = Number(String(ok.headers.location).split('/').pop())
    const early = await clerk.agent
      .post(`/registry/outgoing/${id}/delivery`)
      .type('form')
      .send({ _csrf: clerk.csrf, deliveredOn: '01.03.2026' })
    expect(early.status).toBe(422)
    const delivered = await clerk.agent
      .post(`/registry/outgoing/${id}/delivery`)
      .type('form')
      .send({ _csrf: clerk.csrf, deliveredOn: '09.03.2026' })
    expect(delivered.status).toBe(303)
    expect((await ctx.db('outgoing_items').where({ id }).first('delivered_on')).delivered_on).toBe(
      '2026-03-09',
    )
  })
})

describe('pages that only read', () => {
  it('renders the inquiries dashboard, statistics with an SVG chart, annulments and the start page', async () => {
    const inquiries = await clerk.agent.get('/registry/inquiries')
    expect(inquiries.status).toBe(200)
    expect(inquiries.text).toContain('Petycja')
    const stats = await clerk.agent.get('/registry/stats?from=01.03.2026&to=31.03.2026')
    expect(stats.status).toBe(200)
    expect(stats.text).toContain('<svg')
    expect(stats.text).toContain('02.03: 1')
    expect((await clerk.agent.get('/registry/stats?from=31.03.2026&to=01.03.2026')).status).toBe(422)
    const annulments = await clerk.agent.get('/registry/annulments?year=2026')
    expect(annulments.status).toBe(200)
    const home = await clerk.agent.get('/')
    expect(home.text).toContain('przesyłek czeka na dekretację')
    const outgoingId = (await ctx.db('outgoing_items').first('id')).id
    for (const url of [
      '/registry/outgoing',
      '/registry/outgoing/new',
      `/registry/outgoing/${outgoingId}`,
      '/registry/search',
      '/registry/senders',
      '/registry/import',
      '/registry/incoming/new',
    ]) {
      const page = await clerk.agent.get(url)
      expect(page.status, url).toBe(200)
      expect(page.text, url).toContain('</html>')
    }
  })
})

describe('files chosen with a form that is not saved', () => {
  const tokensIn = (html: string) =>
    [...html.matchAll(/name="filesPending" value="([^"]+)"/g)].map((m) => m[1]!)

  it('are kept across a validation error and saved with the item, beside a file chosen later', async () => {
    const first = await post({ ...validFields, subject: '' }, samplePdf)
    expect(first.status).toBe(422)
    expect(first.text).toContain('Wpisz, czego dotyczy pismo')
    expect(first.text).toMatch(/Załączono: <strong>skan\.pdf<\/strong>/)
    const held = tokensIn(first.text)
    expect(held).toHaveLength(1)

    const second = clerk.agent.post('/registry/incoming').field('_csrf', clerk.csrf)
    for (const [k, v] of Object.entries({ ...validFields, subject: 'Skan zachowany' })) second.field(k, v)
    second
      .field('filesPending', held[0]!)
      .attach('files', Buffer.from('%PDF-1.4\n% drugi\n%%EOF\n'), 'drugi.pdf')
    const saved = await second
    expect(saved.status).toBe(303)
    const id = Number(/\/registry\/incoming\/(\d+)$/.exec(String(saved.headers.location))![1])
    const names = await ctx
      .db('incoming_attachments')
      .where({ item_id: id })
      .orderBy('id')
      .pluck('original_name')
    expect(names).toEqual(['skan.pdf', 'drugi.pdf'])
    expect(await ctx.db('pending_uploads').count<{ c: string }>({ c: '*' }).first()).toEqual({ c: 0 })
    const page = await clerk.agent.get(`/registry/incoming/${id}`)
    expect(page.text).toContain('skan.pdf')
  })

  it('can be removed before saving, and a token of someone else is refused', async () => {
    const first = await post({ ...validFields, subject: '' }, samplePdf)
    const [token] = tokensIn(first.text)
    const removed = await post({ ...validFields, subject: '', filesPending: token!, removeFiles: token! })
    expect(removed.status).toBe(200)
    expect(tokensIn(removed.text)).toEqual([])
    expect(removed.text).toContain('value="Łucja Żółkiewska"')
    expect(await ctx.db('pending_uploads').count<{ c: string }>({ c: '*' }).first()).toEqual({ c: 0 })

    const other = await signInAs(ctx, ['registry_clerk'], unitA)
    const mine = await post({ ...validFields, subject: '' }, samplePdf)
    const [mineToken] = tokensIn(mine.text)
    const stolen = other.agent.post('/registry/incoming').field('_csrf', other.csrf)
    for (const [k, v] of Object.entries(validFields)) stolen.field(k, v)
    const res = await stolen.field('filesPending', mineToken!)
    expect(res.status).toBe(422)
    expect(res.text).toContain('Załączony wcześniej plik nie jest już dostępny')
  })
})

describe('text search', () => {
  const register = (over: Record<string, string>) =>
    post({ ...validFields, receivedDate: '05.03.2026', senderReference: '', ...over }).expect(303)

  /** The senders on the results page of a search, in the order shown. */
  async function found(
    q: string,
    query = '',
  ): Promise<{ senders: string[]; numbers: string[]; next: string }> {
    const res = await clerk.agent.post('/registry/search').type('form').send({ _csrf: clerk.csrf, q })
    expect(res.status).toBe(303)
    const page = await clerk.agent.get(String(res.headers.location) + query)
    expect(page.status).toBe(200)
    const body = page.text.slice(page.text.indexOf('<tbody>'), page.text.indexOf('</tbody>'))
    const cells = [
      ...body.matchAll(/<tr[^>]*>\s*<td><a[^>]*>([^<]+)<\/a><\/td>\s*<td>[^<]*<\/td>\s*<td>([^<]+)/g),
    ]
    const next = /href="([^"]*after=[^"]*)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&') ?? ''
    return { senders: cells.map((c) => c[2]!.trim()), numbers: cells.map((c) => c[1]!), next }
  }

  it('finds a word inside another word, the start of a word, without Polish letters, and with punctuation', async () => {
    await register({
      senderName: 'Djamila Nowak',
      subject: 'Wniosek o wydanie zaświadczenia',
      senderReference: 'DPU-II.2409.17.2026',
    })
    await register({ senderName: 'Jamila Kowalczyk', subject: 'Skarga na przewlekłość postępowania' })
    await register({ senderName: 'Uğur Çelik', subject: 'Prośba o zwrot dokumentów' })

    // Newest first; "jamila" also occurs inside "Djamila".
    expect((await found('jamila')).senders).toEqual(['Jamila Kowalczyk', 'Djamila Nowak'])
    expect((await found('ZASWIADCZ')).senders).toEqual(['Djamila Nowak'])
    expect((await found('elik zwrot')).senders).toEqual(['Uğur Çelik'])
    expect((await found('ii.2409 nowak')).senders).toEqual(['Djamila Nowak'])
    // Words shorter than three letters are substrings too, with or without a longer word beside them.
    expect((await found('o przewlekłość')).senders).toEqual(['Jamila Kowalczyk'])
    expect((await found('wa')).senders).toEqual(expect.arrayContaining(['Jamila Kowalczyk', 'Djamila Nowak']))
    // Every word must occur: a word found nowhere empties the list, however common the others are.
    expect((await found('jamila postępowaniax')).senders).toEqual([])
    expect((await found('kowalczyk zaswiadczenia')).senders).toEqual([])
  })

  it('pages through more hits than one page, newest first, without repeats or gaps', async () => {
    for (let i = 0; i < 53; i++)
      await register({ senderName: 'Hanna Wiśniewska', subject: `Wezwanie do uzupełnienia braków ${i}` })
    const first = await found('WISNIEWSKA brakow')
    expect(first.numbers).toHaveLength(50)
    expect(first.next).toContain('after=')
    const second = await clerk.agent.get(first.next)
    const rest = [...second.text.matchAll(/<td><a href="\/registry\/incoming\/\d+">([^<]+)<\/a><\/td>/g)].map(
      (m) => m[1]!,
    )
    const all = [...first.numbers, ...rest]
    expect(all).toHaveLength(53)
    expect(new Set(all).size).toBe(53)
    expect(all).toEqual([...all].sort().reverse())
    // The same words found by receipt date give the same items.
    const byReceipt = await found('brakow wisniewska', '?sort=received')
    expect(byReceipt.numbers).toHaveLength(50)
  })
})

describe('flash messages', () => {
  it('a sender look-up sent between a save and its redirect does not take the message', async () => {
    const saved = await post({ ...validFields, subject: 'Komunikat po zapisie', then: 'next' })
    expect(saved.status).toBe(303)
    const lookup = await clerk.agent
      .post('/registry/senders/lookup')
      .set('X-CSRF-Token', clerk.csrf)
      .type('form')
      .send({ q: 'Łucja' })
    expect(lookup.status).toBe(200)
    const next = await clerk.agent.get(String(saved.headers.location))
    expect(next.text).toMatch(/Zarejestrowano przesyłkę nr 2026\/\d{6}/)
  })
})
