import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestApp,
  createUnit,
  signInAs,
  type SignedIn,
  type TestContext,
} from '../../../../tests/helpers/app.js'
import { heldFolder, smallJrwa } from './fixtures.js'

let ctx: TestContext
let archivist: SignedIn
let unitStaff: SignedIn
let otherUnitStaff: SignedIn
let unitId: number
beforeAll(async () => {
  ctx = await createTestApp()
  unitId = await createUnit(ctx.db, 'DPU', 'Departament Postępowań Uchodźczych')
  const otherUnit = await createUnit(ctx.db, 'DL', 'Departament Legalizacji Pobytu')
  const archiveUnit = await createUnit(ctx.db, 'WAE', 'Wydział Archiwum')
  archivist = await signInAs(ctx, ['archivist'], archiveUnit)
  unitStaff = await signInAs(ctx, ['hall_staff'], unitId)
  otherUnitStaff = await signInAs(ctx, ['hall_staff'], otherUnit)
})
afterAll(() => ctx.close())

const post = (who: SignedIn, url: string, body: Record<string, unknown>) =>
  who.agent
    .post(url)
    .type('form')
    .send({ _csrf: who.csrf, ...body })

describe('access', () => {
  it('lets only archivists into the archive itself; unit staff see their transfers', async () => {
    for (const url of [
      '/archive',
      '/archive/holdings',
      '/archive/queries',
      '/archive/loans',
      '/archive/disposals',
      '/archive/reports',
    ])
      expect((await unitStaff.agent.get(url)).status, url).toBe(403)
    expect((await unitStaff.agent.get('/archive/transfers')).status).toBe(200)
    expect((await unitStaff.agent.get('/archive/jrwa')).status).toBe(200)
    expect((await post(unitStaff, '/archive/queries', { subject: 'x' })).status).toBe(403)
    const auditor = await signInAs(ctx, ['auditor'])
    expect((await auditor.agent.get('/archive/transfers')).status).toBe(403)
    const withoutUnit = await signInAs(ctx, ['records_officer'])
    expect((await withoutUnit.agent.get('/archive/transfers')).text).toContain(
      'nie jest przypisane do komórki',
    )
    expect((await post(withoutUnit, '/archive/transfers/lists', {})).status).toBe(404)
  })
})

describe('JRWA import page', () => {
  it('shows every bad row and imports nothing, then imports a good file', async () => {
    const bad = await post(archivist, '/archive/jrwa/import', { csv: smallJrwa + '\n77;Bez rodzica;B5' })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('Brak klasy nadrzędnej')
    expect(bad.text).toContain('Bez rodzica')
    expect(await ctx.db('archive_jrwa_classes').count({ c: '*' }).first()).toMatchObject({ c: 0 })
    const good = await post(archivist, '/archive/jrwa/import', { csv: smallJrwa })
    expect(good.status).toBe(303)
    const tree = await unitStaff.agent.get('/archive/jrwa')
    expect(tree.text).toContain('Przepisy wewnętrzne')
    expect((await unitStaff.agent.get('/archive/jrwa?q=przepisy')).text).toContain('010')
    const noCsrf = await archivist.agent.post('/archive/jrwa/import').type('form').send({ csv: smallJrwa })
    expect(noCsrf.status).toBe(403)
  })
})

describe('JRWA import from an uploaded CSV file', () => {
  const upload = (content: Buffer | string, name = 'jrwa.csv', extra: Record<string, string> = {}) => {
    const req = archivist.agent.post('/archive/jrwa/import').field('_csrf', archivist.csrf)
    for (const [k, v] of Object.entries(extra)) req.field(k, v)
    return req.attach('csvFile', Buffer.from(content), { filename: name, contentType: 'text/csv' })
  }
  const title = async (symbol: string) =>
    (await ctx.db('archive_jrwa_classes').where({ symbol }).first('title'))?.title

  it('the page offers a file field in a multipart form (works without JavaScript)', async () => {
    const page = await archivist.agent.get('/archive/jrwa/import')
    expect(page.text).toContain('enctype="multipart/form-data"')
    expect(page.text).toMatch(/<input[^>]*id="csvFile" name="csvFile" type="file"/)
    expect(page.text).not.toContain('archive.js')
  })

  it('imports a UTF-8 file with a BOM through the same validation and audit as pasted text', async () => {
    const csv = smallJrwa.replace('Korespondencja bieżąca', 'Korespondencja bieżąca (z pliku)')
    const res = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), 'wykaz.csv')
    expect(res.status).toBe(303)
    expect(await title('011')).toBe('Korespondencja bieżąca (z pliku)')
    // The BOM is not part of the first symbol.
    expect(await title('0')).toBe('Zarządzanie')
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'archive.jrwaImported' })
      .orderBy('id', 'desc')
      .first()
    expect(JSON.stringify(audit.details)).toContain('wykaz.csv')
  })

  it('reads the Excel (Polish locale) variant: BOM, semicolons, CRLF, quoted titles, empty `;;` rows', async () => {
    const excel =
      '\uFEFFSymbol;Hasło klasyfikacyjne;Kategoria archiwalna\r\n' +
      '0;Zarządzanie;\r\n' +
      '01;Organizacja;\r\n' +
      '010;"Przepisy wewnętrzne; regulaminy";A\r\n' +
      '011;"Korespondencja ""bieżąca""";B5\r\n' +
      '1;Kadry;\r\n10;Akta osobowe;B50\r\n11;Szkolenia pracowników;BE10\r\n12;Zapiski robocze;Bc\r\n' +
      ';;\r\n;;\r\n'
    const res = await upload(excel, 'JRWA.csv')
    expect(res.status).toBe(303)
    expect(await title('010')).toBe('Przepisy wewnętrzne; regulaminy')
    expect(await title('011')).toBe('Korespondencja "bieżąca"')
  })

  it('reads a comma-separated file too', async () => {
    const res = await upload(
      ['symbol,hasło,kategoria', '0,Zarządzanie,', '01,Organizacja,', '010,"Przepisy, regulaminy",A'].join(
        '\n',
      ),
    )
    expect(res.status).toBe(303)
    expect(await title('010')).toBe('Przepisy, regulaminy')
  })

  it('a file with bad rows imports nothing, lists them, and puts the content in the text box to correct', async () => {
    const before = await title('011')
    const res = await upload(
      smallJrwa.replace('011;Korespondencja bieżąca;B5', '011;Nowa nazwa;B5') + '\n77;Bez rodzica;B5',
    )
    expect(res.status).toBe(422)
    expect(res.text).toContain('Brak klasy nadrzędnej')
    expect(res.text).toContain('77;Bez rodzica;B5</textarea>')
    expect(await title('011')).toBe(before)
  })

  it('refuses what is not a UTF-8 CSV text, with the message next to the file field, importing nothing', async () => {
    const audit = async () => Number((await ctx.db('audit_head').first('seq')).seq)
    const start = await audit()
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    )
    // A workbook saved as .xlsx is a ZIP; a file in Windows-1250 has bytes that are not UTF-8.
    const xlsx = Buffer.concat([
      Buffer.from('PK\x03\x04'),
      Buffer.alloc(40),
      Buffer.from('[Content_Types].xml'),
    ])
    const cp1250 = Buffer.from('symbol;has\xb3o;kategoria\n0;Zarz\xb9dzanie;\n', 'latin1')
    for (const [content, name, message] of [
      [png, 'jrwa.csv', 'To nie jest plik CSV'],
      [xlsx, 'jrwa.xlsx', 'To nie jest plik CSV'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'jrwa.csv', 'To nie jest plik CSV'],
      [Buffer.from('symbol;hasło\u0000;kategoria'), 'jrwa.csv', 'To nie jest plik CSV'],
      [cp1250, 'jrwa.csv', 'Plik nie jest zapisany w UTF-8'],
      [Buffer.alloc(0), 'jrwa.csv', 'Wybrany plik jest pusty'],
      [Buffer.alloc(3 * 1024 * 1024, 'a'), 'jrwa.csv', 'Plik jest za duży'],
    ] as const) {
      const res = await upload(content, name)
      expect(res.status, name).toBe(422)
      expect(res.text, name).toContain(message)
      expect(res.text, name).toContain('id="csvFile-error"')
      expect(res.text, name).toContain('href="#csvFile"')
    }
    expect(await audit()).toBe(start)
  })

  it('refuses an upload without the CSRF token, and asks for a file or text when given neither', async () => {
    const noCsrf = await archivist.agent
      .post('/archive/jrwa/import')
      .attach('csvFile', Buffer.from(smallJrwa), 'jrwa.csv')
    expect(noCsrf.status).toBe(403)
    const empty = await archivist.agent
      .post('/archive/jrwa/import')
      .field('_csrf', archivist.csrf)
      .field('csv', '')
    expect(empty.status).toBe(422)
    expect(empty.text).toContain('Wybierz plik CSV albo wklej jego zawartość')
  })
})

describe('transfer list from a unit to the archive', () => {
  it('walks draft → submit → return → accept, with 422s keeping values', async () => {
    const invalid = await post(unitStaff, '/archive/transfers/folders', {
      jrwaSymbol: '011',
      yearFrom: '20x1',
      title: 'Korespondencja z urzędami',
    })
    expect(invalid.status).toBe(422)
    expect(invalid.text).toContain('Wpisz rok, np. 2023')
    expect(invalid.text).toContain('value="Korespondencja z urzędami"')
    expect(
      (
        await post(unitStaff, '/archive/transfers/folders', {
          jrwaSymbol: '011',
          yearFrom: '2021',
          yearTo: '2022',
          title: 'Korespondencja z urzędami',
        })
      ).status,
    ).toBe(303)
    const start = await unitStaff.agent.get('/')
    expect(start.text).toContain('Teczki do przekazania do archiwum')

    const created = await post(unitStaff, '/archive/transfers/lists', {})
    expect(created.status).toBe(303)
    const listUrl = created.headers.location as string
    const listId = Number(listUrl.split('/').pop())
    expect((await otherUnitStaff.agent.get(listUrl)).status).toBe(404)
    const listPage = await unitStaff.agent.get(listUrl)
    const folderId = Number(/name="folderIds" type="checkbox" value="(\d+)"/.exec(listPage.text)?.[1])
    expect((await post(unitStaff, `${listUrl}/folders`, { folderIds: String(folderId) })).status).toBe(303)
    expect(
      (
        await post(unitStaff, `${listUrl}/folders/new`, {
          jrwaSymbol: '10',
          yearFrom: '2019',
          title: 'Akta osobowe',
        })
      ).text,
    ).toContain('wpisz rok końcowy')
    expect((await post(otherUnitStaff, `${listUrl}/submit`, {})).status).toBe(404)
    expect((await unitStaff.agent.get(`${listUrl}/print.pdf`)).headers['content-type']).toContain(
      'application/pdf',
    )
    expect((await otherUnitStaff.agent.get(`${listUrl}/print.pdf`)).status).toBe(404)
    expect((await post(unitStaff, `${listUrl}/submit`, {})).status).toBe(303)

    const check = await archivist.agent.get(`/archive/lists/${listId}`)
    expect(check.text).toContain('Korespondencja z urzędami')
    const noRemarks = await post(archivist, `/archive/lists/${listId}/return`, { remarks: '' })
    expect(noRemarks.status).toBe(422)
    expect(
      (await post(archivist, `/archive/lists/${listId}/return`, { remarks: 'Brak sygnatury na grzbiecie' }))
        .status,
    ).toBe(303)
    expect((await unitStaff.agent.get(listUrl)).text).toContain('Brak sygnatury na grzbiecie')
    const fix = { jrwaSymbol: '011', yearFrom: '2021', yearTo: '2022', title: '' }
    const noTitle = await post(unitStaff, `/archive/transfers/folders/${folderId}`, fix)
    expect(noTitle.status).toBe(422)
    expect(noTitle.text).toContain('Wpisz tytuł teczki')
    expect(
      (await post(otherUnitStaff, `/archive/transfers/folders/${folderId}`, { ...fix, title: 'x' })).status,
    ).toBe(404)
    const fixed = await post(unitStaff, `/archive/transfers/folders/${folderId}`, {
      ...fix,
      title: 'Korespondencja z urzędami 2021–2022',
    })
    expect(fixed.status).toBe(303)
    expect(fixed.headers.location).toBe(listUrl)
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'archive.folderCorrected', entity_id: String(folderId) })
        .first('details'),
    ).toMatchObject({
      details: {
        before: { title: 'Korespondencja z urzędami' },
        after: { title: 'Korespondencja z urzędami 2021–2022' },
      },
    })
    expect((await post(unitStaff, `${listUrl}/submit`, {})).status).toBe(303)

    const missingPlace = await post(archivist, `/archive/lists/${listId}/accept`, {
      linearMetres: '0,12',
      [`room_${folderId}`]: '101',
      [`rack_${folderId}`]: '',
      [`shelf_${folderId}`]: '4',
    })
    expect(missingPlace.status).toBe(422)
    expect(missingPlace.text).toContain('Wpisz regał')
    expect(missingPlace.text).toContain('value="0,12"')
    expect(missingPlace.text).toContain(`href="#rack_${folderId}"`)
    const accepted = await post(archivist, `/archive/lists/${listId}/accept`, {
      linearMetres: '0,12',
      [`room_${folderId}`]: '101',
      [`rack_${folderId}`]: 'B',
      [`shelf_${folderId}`]: '4',
    })
    expect(accepted.status).toBe(303)
    const after = await archivist.agent.get(`/archive/lists/${listId}`)
    expect(after.text).toMatch(/otrzymał numer \d{4}\/000001/)
    const labels = await archivist.agent.get(`/archive/lists/${listId}/labels.pdf`)
    expect(labels.status).toBe(200)
    expect(labels.headers['content-type']).toContain('application/pdf')
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'archive.labelsPrinted', entity_id: String(listId) })
      .first('id')
    expect(audit).toBeTruthy()
    expect(await ctx.db('archive_folders').where({ id: folderId }).first('status', 'rack')).toEqual({
      status: 'held',
      rack: 'B',
    })
  })
})

describe('archivist pages', () => {
  it('answers a query with found folders, lends one with a card and takes it back', async () => {
    const a = await heldFolder(ctx.db, unitId, {
      category: 'B5',
      yearTo: 2012,
      title: 'Decyzje w sprawach cudzoziemców',
    })
    const b = await heldFolder(ctx.db, unitId, { category: 'A', yearTo: 2013, title: 'Sprawozdania roczne' })
    const invalid = await post(archivist, '/archive/queries', {
      requesterKind: 'person',
      subject: 'Poświadczenie zatrudnienia',
      receivedOn: '02.03.2026',
      dueOn: '01.03.2026',
    })
    expect(invalid.status).toBe(422)
    expect(invalid.text).toContain('Wpisz imię i nazwisko albo nazwę organu')
    expect(invalid.text).toContain('Poświadczenie zatrudnienia')
    const created = await post(archivist, '/archive/queries', {
      requesterKind: 'person',
      requesterName: 'Olena Kovalenko',
      subject: 'Poświadczenie zatrudnienia',
      receivedOn: '02.03.2026',
      dueOn: '31.03.2026',
    })
    expect(created.status).toBe(303)
    const queryUrl = created.headers.location as string
    const page = await archivist.agent.get(queryUrl)
    expect(page.text).toContain('Olena Kovalenko')
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'archive.queryViewed', entity_id: queryUrl.split('/').pop() })
        .count({ c: '*' })
        .first(),
    ).toMatchObject({ c: 1 })
    expect((await post(archivist, `${queryUrl}/folders`, { barcode: 'AZ000000000' })).text).toContain(
      'Nie ma teczki z takim kodem',
    )
    expect((await post(archivist, `${queryUrl}/folders`, { barcode: a.barcode })).status).toBe(303)
    expect((await post(archivist, `${queryUrl}/folders`, { barcode: b.barcode.toLowerCase() })).status).toBe(
      303,
    )
    expect(
      (await post(archivist, `${queryUrl}/answer`, { outcome: 'found', answeredOn: '10.03.2026' })).status,
    ).toBe(422)
    expect(
      (
        await post(archivist, `${queryUrl}/answer`, {
          outcome: 'found',
          answerNote: 'Wysłano kopie',
          answeredOn: '10.03.2026',
        })
      ).status,
    ).toBe(303)
    expect((await archivist.agent.get(queryUrl)).text).toContain('odnaleziono')

    expect(
      (
        await post(archivist, '/archive/borrowers', {
          fullName: 'Jan Kowalski',
          unitId: String(unitId),
          authorisedBy: '',
          authorisedOn: '02.01.2026',
        })
      ).status,
    ).toBe(422)
    expect(
      (
        await post(archivist, '/archive/borrowers', {
          fullName: 'Jan Kowalski',
          unitId: String(unitId),
          authorisedBy: 'Anna Nowak',
          authorisedOn: '02.01.2026',
        })
      ).status,
    ).toBe(303)
    const borrower = await ctx.db('archive_borrowers').where({ full_name: 'Jan Kowalski' }).first('id')
    const lent = await post(archivist, '/archive/loans', {
      barcode: a.barcode,
      borrowerId: String(borrower.id),
      kind: 'loan',
      lentOn: '01.02.2026',
      dueOn: '15.02.2026',
    })
    expect(lent.status).toBe(303)
    const loanUrl = lent.headers.location as string
    expect((await archivist.agent.get(`/archive/folders/${a.id}`)).text).toContain(
      'wypożyczona: Jan Kowalski',
    )
    expect((await archivist.agent.get('/archive/loans?overdue=1')).text).toContain('po terminie')
    const card = await archivist.agent.get(`${loanUrl}/card.pdf`)
    expect(card.headers['content-type']).toContain('application/pdf')
    expect((await post(archivist, `${loanUrl}/return`, { returnedOn: '14.02.2026' })).status).toBe(303)
    expect((await archivist.agent.get(loanUrl)).text).toContain('14.02.2026')
  })

  it('renders the dashboard, search, CSV export, reports with charts, stocktake and disposal pages', async () => {
    await heldFolder(ctx.db, unitId, {
      category: 'B5',
      yearTo: 2010,
      title: 'Rejestry korespondencji',
      room: '2',
      rack: 'C',
      shelf: 1,
    })
    await heldFolder(ctx.db, unitId, {
      category: 'A',
      yearTo: 1990,
      title: 'Protokoły posiedzeń kierownictwa',
    })
    const dashboard = await archivist.agent.get('/archive')
    expect(dashboard.text).toContain('Nadzór nad przekazywaniem akt')
    expect(dashboard.text).toMatch(/>1<\/span> <span class="queue__label">Teczki kategorii A do przekazania/)
    const search = await archivist.agent.get('/archive/holdings?q=KORESPONDENCJI+rejestry')
    expect(search.text).toContain('Rejestry korespondencji')
    const csv = await archivist.agent.get('/archive/holdings.csv?q=rejestry')
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.text).toContain('Rejestry korespondencji')
    const reports = await archivist.agent.get('/archive/reports')
    expect(reports.text).toContain('<svg')
    expect((await archivist.agent.get('/archive/reports/holdings.csv')).text).toContain('DPU')
    const bad = await post(archivist, '/archive/stocktakes', {
      room: '2',
      rack: 'C',
      shelfFrom: '3',
      shelfTo: '1',
      barcodes: 'AZ1',
    })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('Ostatnia półka nie może mieć niższego numeru')
    const st = await post(archivist, '/archive/stocktakes', {
      room: '2',
      rack: 'C',
      shelfFrom: '1',
      shelfTo: '1',
      barcodes: 'XYZ',
    })
    expect(st.status).toBe(303)
    expect((await archivist.agent.get(st.headers.location as string)).text).toContain('XYZ')
    const built = await post(archivist, '/archive/disposals', {})
    expect(built.status).toBe(303)
    const list = await archivist.agent.get(built.headers.location as string)
    expect(list.text).toContain('Rejestry korespondencji')
    expect(
      (await archivist.agent.get(`${built.headers.location}/print.pdf`)).headers['content-type'],
    ).toContain('application/pdf')
    const early = await post(archivist, `${built.headers.location}/destroy`, {
      protocolReference: 'P/1',
      destroyedOn: '01.07.2026',
    })
    expect(early.status).toBe(422)
    expect(early.text).toContain('Najpierw zapisz zgodę')
  })
})
