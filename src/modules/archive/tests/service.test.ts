import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import type { Database } from '../../../shared/db/index.js'
import * as transfers from '../transfers-service.js'
import * as records from '../records-service.js'
import * as disposal from '../disposal-service.js'
import { searchHoldings } from '../holdings-repository.js'
import { listLoans } from '../records-repository.js'
import { archiveWorld, auditActions, heldFolder, smallJrwa } from './fixtures.js'

let database: Database
let db: Knex
beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
})
afterAll(() => database.close())

describe('JRWA import', () => {
  it('imports nothing when any row is bad and reports every bad row', async () => {
    const { actor } = await archiveWorld(db)
    const bad = smallJrwa + '\n13;Zła kategoria;X9\n99;Bez rodzica;B5'
    const result = await transfers.importJrwa(db, actor, bad)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors.map((e) => e.line)).toEqual([10, 11])
    expect(await db('archive_jrwa_classes').count({ c: '*' }).first()).toMatchObject({ c: 0 })
  })

  it('imports a good file in one go, keeps leading zeros and records the audit entry', async () => {
    const { actor } = await archiveWorld(db)
    const result = await transfers.importJrwa(db, actor, smallJrwa)
    expect(result).toEqual({ ok: true, added: 8, updated: 0 })
    const row = await db('archive_jrwa_classes')
      .where({ symbol: '010' })
      .first('title', 'category', 'parent_symbol')
    expect(row).toEqual({ title: 'Przepisy wewnętrzne', category: 'A', parent_symbol: '01' })
    const audit = await db('audit_log').where({ action: 'archive.jrwaImported' }).first('details')
    expect(audit.details).toMatchObject({ rows: 8, added: 8 })
    const again = await transfers.importJrwa(db, actor, '011;Korespondencja ogólna;B5')
    expect(again).toEqual({ ok: true, added: 0, updated: 1 })
  })
})

describe('transfer list acceptance', () => {
  async function submittedList(
    unitId: number,
    actor: Parameters<typeof transfers.createTransferList>[1],
    titles: string[],
  ) {
    const listId = await transfers.createTransferList(db, actor, unitId)
    for (const title of titles) {
      const r = await transfers.registerUnitFolder(
        db,
        actor,
        unitId,
        { jrwaSymbol: '011', title, yearFrom: 2021, yearTo: 2022, volumes: 2 },
        listId,
      )
      expect(r.ok).toBe(true)
    }
    expect((await transfers.submitList(db, actor, unitId, listId)).ok).toBe(true)
    return listId
  }

  it('refuses folders under a non-leaf class and takes the category from the plan', async () => {
    const { unitId, actor } = await archiveWorld(db)
    const notLeaf = await transfers.registerUnitFolder(
      db,
      actor,
      unitId,
      { jrwaSymbol: '01', title: 'x', yearFrom: 2020, volumes: 1 },
      null,
    )
    expect(notLeaf).toEqual({ ok: false, field: 'jrwaSymbol', key: 'archive.v.folder.jrwa.notLeaf' })
    const ok = await transfers.registerUnitFolder(
      db,
      actor,
      unitId,
      { jrwaSymbol: '10', title: 'Akta osobowe A–K', yearFrom: 2019, yearTo: 2020, volumes: 1 },
      null,
    )
    expect(ok.ok).toBe(true)
    if (ok.ok)
      expect(await db('archive_folders').where({ id: ok.value }).first('category', 'status')).toEqual({
        category: 'B50',
        status: 'unit',
      })
  })

  it('numbers accepted lists without gaps, places every folder and gives it a barcode', async () => {
    const { unitId, actor, unitSymbol } = await archiveWorld(db)
    const lists = [
      await submittedList(unitId, actor, ['Korespondencja z wojewodą', 'Korespondencja z gminami']),
      await submittedList(unitId, actor, ['Korespondencja z ministerstwem']),
      await submittedList(unitId, actor, ['Korespondencja różna']),
    ]
    const accept = async (listId: number) => {
      const folders = await db('archive_folders').where({ transfer_list_id: listId }).select('id')
      const places = new Map(
        folders.map((f: { id: number }, i: number) => [
          Number(f.id),
          { room: '101', rack: 'B', shelf: 3, box: String(i + 1) },
        ]),
      )
      return transfers.acceptList(
        db,
        actor,
        listId,
        { linearMetres: '0.300', places },
        new Date('2026-05-04T10:00:00Z'),
      )
    }
    // Concurrent acceptances still get consecutive numbers.
    const numbers = await Promise.all(lists.map(accept))
    expect(numbers.map((n) => n.number).sort()).toEqual(['2026/000001', '2026/000002', '2026/000003'])
    const rows = await db('archive_transfer_lists')
      .whereIn('id', lists)
      .orderBy('number')
      .select('number', 'status', 'year')
    expect(rows.map((r: { number: number }) => r.number)).toEqual([1, 2, 3])
    const held = await db('archive_folders')
      .where({ transfer_list_id: lists[0] })
      .orderBy('id')
      .select('status', 'room', 'rack', 'shelf', 'box', 'barcode', 'linear_metres', 'disposable_from', 'sign')
    expect(held).toHaveLength(2)
    expect(held[0]).toMatchObject({
      status: 'held',
      room: '101',
      rack: 'B',
      shelf: 3,
      box: '1',
      linear_metres: '0.150',
      disposable_from: '2028-01-01',
      sign: `${unitSymbol}.011`,
    })
    expect(held[0].barcode).toMatch(/^AZ\d{9}$/)
    const folderId = (await db('archive_folders').where({ transfer_list_id: lists[0] }).first('id')).id
    expect(await auditActions(db, 'archive_folder', folderId)).toEqual([
      'archive.folderRegistered',
      'archive.folderTakenIn',
    ])
    expect(await auditActions(db, 'archive_transfer_list', lists[0]!)).toEqual([
      'archive.transferListCreated',
      'archive.transferListSubmitted',
      'archive.transferListAccepted',
    ])
    await expect(accept(lists[0]!)).rejects.toMatchObject({ status: 409 })
  })

  it('a returned list goes back to the unit with remarks and can be submitted again', async () => {
    const { unitId, actor } = await archiveWorld(db)
    const listId = await submittedList(unitId, actor, ['Korespondencja'])
    await transfers.returnList(db, actor, listId, 'Brak teczki nr 2')
    expect(
      await db('archive_transfer_lists').where({ id: listId }).first('status', 'remarks', 'number'),
    ).toEqual({
      status: 'returned',
      remarks: 'Brak teczki nr 2',
      number: null,
    })
    expect((await transfers.submitList(db, actor, unitId, listId)).ok).toBe(true)
  })
})

describe('holdings search', () => {
  it('ignores case, diacritics and word order, filters and pages by id', async () => {
    const { unitId } = await archiveWorld(db)
    const a = await heldFolder(db, unitId, {
      category: 'B5',
      yearTo: 2015,
      title: 'Akta osobowe pracowników Wydziału Kadr 2015-2018',
    })
    const b = await heldFolder(db, unitId, {
      category: 'A',
      yearTo: 2016,
      title: 'Zażółć gęślą jaźń – sprawozdania',
    })
    const c = await heldFolder(db, unitId, { category: 'B5', yearTo: 2017, title: 'Akta osobowe stażystów' })
    const hits = await searchHoldings(db, { q: 'PRACOWNIKOW osobowe', unitId })
    expect(hits.rows.map((r) => r.id)).toEqual([a.id])
    expect((await searchHoldings(db, { q: 'gesla zazolc', unitId })).rows.map((r) => r.id)).toEqual([b.id])
    expect((await searchHoldings(db, { q: '2018', unitId })).rows.map((r) => r.id)).toEqual([a.id])
    const page1 = await searchHoldings(db, { q: 'akta', unitId }, { limit: 1 })
    expect(page1.rows.map((r) => r.id)).toEqual([c.id])
    const page2 = await searchHoldings(db, { q: 'akta', unitId }, { after: page1.next!, limit: 1 })
    expect(page2.rows.map((r) => r.id)).toEqual([a.id])
    expect(page2.next).toBeNull()
    expect((await searchHoldings(db, { unitId, category: 'A' })).rows.map((r) => r.id)).toEqual([b.id])
    expect(
      (await searchHoldings(db, { unitId, yearFrom: 2016, yearTo: 2016 })).rows.map((r) => r.id),
    ).toEqual([b.id])
  })
})

describe('holdings search beyond the newest-first probe', () => {
  it('finds a rare old folder through the full-text index, with and without a unit filter', async () => {
    const { unitId } = await archiveWorld(db)
    const rare = await heldFolder(db, unitId, {
      category: 'A',
      yearTo: 1999,
      title: 'Unikatowy protokół kontroli NIK',
    })
    // More than the probe window of newer, unrelated folders.
    await db.raw(
      `INSERT INTO archive_folders (unit_id, jrwa_symbol, sign, title, year_from, year_to, category, status)
       SELECT ?, '011', 'WT.011', 'Korespondencja bieżąca ' || g, 2020, 2020, 'B5', 'held' FROM generate_series(1, 5100) g`,
      [unitId],
    )
    expect((await searchHoldings(db, { q: 'kontroli UNIKATOWY' })).rows.map((r) => r.id)).toEqual([rare.id])
    expect((await searchHoldings(db, { q: 'protokol', unitId })).rows.map((r) => r.id)).toEqual([rare.id])
    expect((await searchHoldings(db, { q: 'nieistniejące słowo' })).rows).toEqual([])
    const page = await searchHoldings(db, { q: 'korespondencja biezaca', unitId }, { limit: 50 })
    expect(page.rows).toHaveLength(50)
    expect(page.next).toBe(page.rows.at(-1)!.id)
  })
})

describe('holdings search over blocks of ids', () => {
  it('pages a word common only among old folders newest first, across blocks', async () => {
    const { unitId } = await archiveWorld(db)
    // Matches in five blocks of 65,536 ids (migration 311), the newest block full of other folders.
    const insert = (ids: string, title: string) =>
      db.raw(
        `INSERT INTO archive_folders (id, unit_id, jrwa_symbol, sign, title, year_from, year_to, category, status)
         SELECT g, ?, '011', 'WT.011', ?, 1996, 1996, 'B5', 'held' FROM ${ids} g`,
        [unitId, title],
      )
    const old = [3_000_005, 3_065_541, 3_131_077, 3_196_613, 3_262_149]
    await insert(`unnest(array[${old.join(',')}]::bigint[])`, 'Rocznik sprawozdań 1996')
    await insert('generate_series(3400000, 3402100)', 'Korespondencja bieżąca 2024')
    const newestFirst = [...old].reverse()
    const ids = (r: { rows: Array<{ id: number }> }) => r.rows.map((x) => x.id)
    const page1 = await searchHoldings(db, { q: 'sprawozdan rocznik' }, { limit: 2 })
    expect(ids(page1)).toEqual(newestFirst.slice(0, 2))
    const page2 = await searchHoldings(db, { q: 'sprawozdan rocznik' }, { after: page1.next!, limit: 2 })
    expect(ids(page2)).toEqual(newestFirst.slice(2, 4))
    const page3 = await searchHoldings(db, { q: 'sprawozdan rocznik' }, { after: page2.next!, limit: 2 })
    expect(ids(page3)).toEqual(newestFirst.slice(4))
    expect(page3.next).toBeNull()
    // The export's pages are larger than the probe: they go to the blocks at once.
    expect(ids(await searchHoldings(db, { q: '1996 rocznik' }, { limit: 5000 }))).toEqual(newestFirst)
    expect(ids(await searchHoldings(db, { q: 'rocznik', status: 'destroyed' }))).toEqual([])
    expect((await searchHoldings(db, { q: '– / ,' })).rows).toEqual([])
  })
})

describe('loans', () => {
  it('lends only to authorised borrowers, one at a time, and lists overdue loans', async () => {
    const { unitId, actor } = await archiveWorld(db)
    const folder = await heldFolder(db, unitId, { category: 'B5', yearTo: 2020 })
    const valid = await records.addBorrower(db, actor, {
      fullName: 'Jan Kowalski',
      unitId,
      authorisedBy: 'Anna Nowak',
      authorisedOn: '2026-01-02',
    })
    const expired = await records.addBorrower(db, actor, {
      fullName: 'Ewa Wiśniewska',
      unitId,
      authorisedBy: 'Anna Nowak',
      authorisedOn: '2025-01-02',
      validUntil: '2025-12-31',
    })
    const revoked = await records.addBorrower(db, actor, {
      fullName: 'Piotr Zieliński',
      unitId,
      authorisedBy: 'Anna Nowak',
      authorisedOn: '2026-01-02',
    })
    await records.revokeBorrower(db, actor, revoked)
    const loan = (borrowerId: number, barcode = folder.barcode) =>
      records.lendFolder(db, actor, {
        barcode,
        borrowerId,
        kind: 'loan',
        lentOn: '2026-03-01',
        dueOn: '2026-03-15',
      })
    expect(await loan(expired)).toEqual({
      ok: false,
      field: 'borrowerId',
      key: 'archive.v.loan.borrower.notAuthorised',
    })
    expect(await loan(revoked)).toEqual({
      ok: false,
      field: 'borrowerId',
      key: 'archive.v.loan.borrower.notAuthorised',
    })
    const lent = await loan(valid)
    expect(lent.ok).toBe(true)
    expect(await loan(valid)).toEqual({
      ok: false,
      field: 'barcode',
      key: 'archive.v.loan.barcode.alreadyOut',
    })
    expect(await loan(valid, 'AZ999999999')).toEqual({
      ok: false,
      field: 'barcode',
      key: 'archive.v.loan.barcode.unknown',
    })
    const [shown] = (await searchHoldings(db, { unitId })).rows
    expect(shown?.borrower_name).toBe('Jan Kowalski')
    const overdue = await listLoans(db, { overdueOn: '2026-03-16' })
    expect(overdue.map((l) => l.folder_id)).toContain(folder.id)
    expect((await listLoans(db, { overdueOn: '2026-03-15' })).map((l) => l.folder_id)).not.toContain(
      folder.id,
    )
    if (lent.ok) {
      await records.returnLoan(db, actor, lent.value, '2026-03-20')
      expect((await listLoans(db, { overdueOn: '2026-04-01' })).map((l) => l.folder_id)).not.toContain(
        folder.id,
      )
      expect(await auditActions(db, 'archive_loan', lent.value)).toEqual([
        'archive.folderLent',
        'archive.folderReturned',
      ])
    }
  })
})

describe('disposal list', () => {
  it('takes only B folders past retention, never A, loans, holds, open queries or BE without the expert', async () => {
    const { unitId, actor } = await archiveWorld(db)
    const old = (category: string, yearTo = 2010) => heldFolder(db, unitId, { category, yearTo })
    const eligible = await old('B5')
    const bc = await old('Bc', 2024)
    const notYet = await old('B5', 2022)
    const archival = await old('A', 1990)
    const onLoan = await old('B5')
    const held = await old('B5')
    const heldLifted = await old('B5')
    const beNoReview = await old('BE5')
    const beDestroy = await old('BE5')
    const beKeep = await old('BE5')
    const inQuery = await old('B5')

    const borrower = await records.addBorrower(db, actor, {
      fullName: 'Jan Kowalski',
      unitId,
      authorisedBy: 'Anna Nowak',
      authorisedOn: '2026-01-02',
    })
    await records.lendFolder(db, actor, {
      barcode: onLoan.barcode,
      borrowerId: borrower,
      kind: 'reading_room',
      lentOn: '2026-02-01',
      dueOn: '2026-02-02',
    })
    await records.placeHold(db, actor, held.id, 'Postępowanie sądowe w toku')
    await records.placeHold(db, actor, heldLifted.id, 'Kwerenda')
    const hold = await db('archive_holds').where({ folder_id: heldLifted.id }).first('id')
    await records.liftHold(db, actor, heldLifted.id, Number(hold.id))
    await records.recordExpertDecision(db, actor, beDestroy.id, {
      decision: 'destroy',
      reference: 'AP.4321.1.2026',
      decidedOn: '2026-01-10',
    })
    await records.recordExpertDecision(db, actor, beKeep.id, {
      decision: 'keep',
      reference: 'AP.4321.2.2026',
      decidedOn: '2026-01-10',
    })
    const queryId = await records.registerQuery(db, actor, {
      requesterKind: 'authority',
      requesterName: 'Sąd Rejonowy',
      subject: 'Akta sprawy',
      receivedOn: '2026-02-01',
      dueOn: '2026-03-01',
    })
    expect((await records.attachFolderToQuery(db, actor, queryId, inQuery.barcode)).ok).toBe(true)

    const built = await disposal.buildDisposalList(db, actor, '2026-06-01')
    expect(built.ok).toBe(true)
    if (!built.ok) return
    // Other tests' folders may qualify too: look at this unit's folders only.
    const onList = (
      await db('archive_disposal_items as i')
        .join('archive_folders as f', 'f.id', 'i.folder_id')
        .where({ 'i.disposal_list_id': built.value, 'f.unit_id': unitId })
        .pluck('f.id')
    )
      .map(Number)
      .sort((a, b) => a - b)
    expect(onList).toEqual([eligible.id, bc.id, heldLifted.id, beDestroy.id].sort((a, b) => a - b))
    for (const excluded of [notYet, archival, onLoan, held, beNoReview, beKeep, inQuery])
      expect(onList).not.toContain(excluded.id)
    expect(await db('archive_folders').where({ id: beKeep.id }).first('category')).toEqual({ category: 'A' })

    const early = await disposal.markDestroyed(db, actor, built.value, {
      protocolReference: 'P/1/2026',
      destroyedOn: '2026-07-01',
    })
    expect(early).toEqual({ ok: false, field: 'protocolReference', key: 'archive.disposal.noConsent' })
    expect(await db('archive_folders').where({ id: eligible.id }).first('status')).toEqual({ status: 'held' })

    await disposal.recordConsent(db, actor, built.value, {
      consentReference: 'AP-BR.4321.7.2026',
      consentOn: '2026-06-20',
    })
    const done = await disposal.markDestroyed(db, actor, built.value, {
      protocolReference: 'P/1/2026',
      destroyedOn: '2026-07-01',
    })
    expect(done.ok).toBe(true)
    expect(
      await db('archive_folders')
        .where({ id: eligible.id })
        .first('status', 'destroyed_on', 'disposal_protocol'),
    ).toEqual({
      status: 'destroyed',
      destroyed_on: '2026-07-01',
      disposal_protocol: 'P/1/2026',
    })
    expect(await auditActions(db, 'archive_folder', eligible.id)).toContain('archive.folderDestroyed')
    // A second list finds nothing new: the first list's folders are taken.
    expect((await disposal.buildDisposalList(db, actor, '2026-06-01')).ok).toBe(false)
  })
})

describe('shelf stocktake', () => {
  it('keeps the result: missing, misplaced and unexpected barcodes', async () => {
    const { unitId, actor } = await archiveWorld(db)
    const room = `S${Date.now() % 100000}`
    const a = await heldFolder(db, unitId, { category: 'B5', yearTo: 2020, room, rack: 'R', shelf: 1 })
    const b = await heldFolder(db, unitId, { category: 'B5', yearTo: 2020, room, rack: 'R', shelf: 2 })
    const elsewhere = await heldFolder(db, unitId, {
      category: 'B5',
      yearTo: 2020,
      room,
      rack: 'R',
      shelf: 9,
    })
    const id = await disposal.runStocktake(db, actor, {
      room,
      rack: 'R',
      shelfFrom: 1,
      shelfTo: 2,
      barcodes: `${a.barcode}\n${elsewhere.barcode.toLowerCase()}\nXYZ123\n`,
    })
    const row = await db('archive_stocktakes')
      .where({ id })
      .first('result', 'missing_count', 'misplaced_count', 'unexpected_count')
    const result = typeof row.result === 'string' ? JSON.parse(row.result) : row.result
    expect(result.missing).toEqual([b.barcode])
    expect(result.misplaced.map((m: { barcode: string }) => m.barcode)).toEqual([elsewhere.barcode])
    expect(result.unexpected).toEqual(['XYZ123'])
    expect([row.missing_count, row.misplaced_count, row.unexpected_count]).toEqual([1, 1, 1])
    expect(await auditActions(db, 'archive_stocktake', id)).toEqual(['archive.stocktakeRecorded'])
  })
})
