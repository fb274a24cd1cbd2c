import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import { createUser } from '../../../../tests/helpers/app.js'
import type { Database } from '../../../shared/db/index.js'
import type { Actor } from '../../../shared/audit/audit.js'
import * as service from '../service.js'
import * as stocktakes from '../stocktake.js'
import { depositForm, type DepositInput } from '../schemas.js'

let database: Database
let db: Knex
let actor: Actor
let safe: number
let shelf: number

const input = (over: Record<string, unknown> = {}): DepositInput =>
  depositForm.parse({
    documentType: 'passport',
    documentNumber: 'FE123456',
    issuingCountry: 'UKR',
    nationality: 'UKR',
    surname: 'SHEVCHENKO',
    givenNames: 'TARAS',
    birthDate: '09.03.1984',
    placeId: String(safe),
    sealNumber: 'P-0001',
    holder: 'new',
    ...over,
  })

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
  const user = await createUser(db, { roles: ['hall_staff'] })
  actor = { id: user.id, name: 'Halina Test', unit: 'ZOK' }
  safe = (await service.createPlace(db, actor, { code: 'S1', kind: 'safe', name: 'Sejf 1' })).ok
    ? Number((await db('storage_places').where({ code: 'S1' }).first('id')).id)
    : 0
  await service.createPlace(db, actor, { code: 'R1', kind: 'shelf', name: 'Regał 1' })
  shelf = Number((await db('storage_places').where({ code: 'R1' }).first('id')).id)
})
afterAll(() => database.close())

describe('taking in', () => {
  it('creates the holder, the deposit with its first movement, and the audit row', async () => {
    const d = await service.takeIn(db, actor, input(), [])
    const row = await db('deposits')
      .where({ id: d.id })
      .first('state', 'place_id', 'seal_number', 'holder_id')
    expect(row).toMatchObject({ state: 'in_deposit', place_id: safe, seal_number: 'P-0001' })
    const holder = await db('foreigners').where({ id: row.holder_id }).first('surname', 'birth_year')
    expect(holder).toEqual({ surname: 'SHEVCHENKO', birth_year: 1984 })
    const moves = await db('deposit_movements')
      .where({ deposit_id: d.id })
      .select('kind', 'seq', 'state_after')
    expect(moves).toEqual([{ kind: 'taken_in', seq: 1, state_after: 'in_deposit' }])
    const audit = await db('audit_log')
      .where({ action: 'deposits.takenIn', entity_id: String(d.id) })
      .first('actor_id')
    expect(audit?.actor_id).toBe(actor.id)
  })

  it('gives gapless numbers under concurrent taking in', async () => {
    const before = await db('deposits').max<{ max: number }>('number as max').first()
    const results = await Promise.all(Array.from({ length: 8 }, () => service.takeIn(db, actor, input(), [])))
    const numbers = results.map((r) => r.number).sort((a, b) => a - b)
    const start = Number(before?.max ?? 0)
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => start + i + 1))
  })

  it('a failed taking in gives its number back', async () => {
    const before = await db('register_counters').where({ register: 'deposits.deposit' }).first('last_number')
    await expect(service.takeIn(db, actor, input({ issuingCountry: 'QQQ' }), [])).rejects.toThrow()
    const after = await db('register_counters').where({ register: 'deposits.deposit' }).first('last_number')
    expect(after.last_number).toBe(before.last_number)
  })
})

describe('movements', () => {
  it('releases, refuses a second release, takes back and caches state and place', async () => {
    const d = await service.takeIn(db, actor, input(), [])
    const release = {
      kind: 'released' as const,
      releasedTo: 'właściciel',
      purpose: 'ślub',
      dueBackOn: '2099-01-01',
      sealOld: 'P-0001',
    }
    expect((await service.recordMovement(db, actor, d.id, release)).ok).toBe(true)
    expect(await db('deposits').where({ id: d.id }).first('state', 'due_back_on')).toEqual({
      state: 'released',
      due_back_on: '2099-01-01',
    })
    const again = await service.recordMovement(db, actor, d.id, release)
    expect(again).toMatchObject({ ok: false, errors: [{ key: 'deposits.custody.notAllowed.released' }] })
    const back = await service.recordMovement(db, actor, d.id, {
      kind: 'returned_to_deposit',
      placeId: shelf,
      sealNew: 'P-0002',
    })
    expect(back.ok).toBe(true)
    expect(await db('deposits').where({ id: d.id }).first('state', 'place_id', 'seal_number')).toEqual({
      state: 'in_deposit',
      place_id: shelf,
      seal_number: 'P-0002',
    })
    const audit = await db('audit_log')
      .where({ entity_type: 'deposit', entity_id: String(d.id) })
      .orderBy('id')
      .pluck('action')
    expect(audit).toEqual(['deposits.takenIn', 'deposits.released', 'deposits.returnedToDeposit'])
  })

  it('records a broken seal that does not match and flags the deposit', async () => {
    const d = await service.takeIn(db, actor, input(), [])
    const r = await service.recordMovement(db, actor, d.id, {
      kind: 'resealed',
      sealOld: 'X-999',
      sealNew: 'P-0003',
    })
    expect(r).toMatchObject({ ok: true, value: { sealMismatch: true } })
    expect((await db('deposits').where({ id: d.id }).first('seal_mismatch')).seal_mismatch).toBe(true)
  })

  it('refuses a due-back date in the past', async () => {
    const d = await service.takeIn(db, actor, input(), [])
    const r = await service.recordMovement(db, actor, d.id, {
      kind: 'released',
      releasedTo: 'x',
      purpose: 'y',
      dueBackOn: '2000-01-01',
      sealOld: 'P-0001',
    })
    expect(r).toMatchObject({
      ok: false,
      errors: [{ field: 'dueBackOn', key: 'deposits.movement.dueBackOn.past' }],
    })
  })

  it('a correction is a new movement; movements cannot be edited or deleted', async () => {
    const d = await service.takeIn(db, actor, input(), [])
    await service.recordMovement(db, actor, d.id, { kind: 'moved', placeId: shelf })
    const moved = await db('deposit_movements').where({ deposit_id: d.id, kind: 'moved' }).first('id')
    const c = await service.recordMovement(db, actor, d.id, {
      kind: 'correction',
      correctsMovementId: moved.id,
      note: 'pomyłka – dokument nie był przenoszony',
    })
    expect(c.ok).toBe(true)
    expect((await db('deposits').where({ id: d.id }).first('place_id')).place_id).toBe(safe)
    await expect(db('deposit_movements').where({ id: moved.id }).update({ note: 'x' })).rejects.toThrow(
      /append-only/,
    )
    await expect(db('deposit_movements').where({ id: moved.id }).del()).rejects.toThrow(/append-only/)
  })
})

describe('look-up', () => {
  it('finds by misspelt surname in another transliteration, by document number and by barcode', async () => {
    const d = await service.takeIn(
      db,
      actor,
      input({ surname: 'KOVALCHUK', documentNumber: 'EK 765432' }),
      [],
    )
    const byName = await service.lookup(db, actor, 'Kowalczuk')
    expect(byName.kind).toBe('name')
    expect(byName.deposits.map((x) => x.id)).toContain(d.id)
    const byTypo = await service.lookup(db, actor, 'Kovalchuck')
    expect(byTypo.deposits.map((x) => x.id)).toContain(d.id)
    const byDoc = await service.lookup(db, actor, 'ek765432')
    expect(byDoc).toMatchObject({ kind: 'documentNumber' })
    expect(byDoc.deposits.map((x) => x.id)).toEqual([d.id])
    const byBarcode = await service.lookup(db, actor, `DEP-${d.year}-${String(d.number).padStart(6, '0')}`)
    expect(byBarcode.deposits.map((x) => x.id)).toEqual([d.id])
    const byPlace = await service.lookup(db, actor, 'loc-s1')
    expect(byPlace.kind).toBe('place')
    expect(byPlace.deposits.map((x) => x.id)).toContain(d.id)
    const audit = await db('audit_log')
      .where({ action: 'deposits.searched' })
      .orderBy('id', 'desc')
      .first('details')
    expect(JSON.stringify(audit.details)).toContain('loc-s1')
  })
  it('finds a holder by surname and given name as another tradition writes them (j as dsch)', async () => {
    const d = await service.takeIn(
      db,
      actor,
      input({ surname: 'JUFAYTH', givenNames: 'FATIMA', documentNumber: 'N 0081734', nationality: 'SYR' }),
      [],
    )
    const found = await service.lookup(db, actor, 'Dschufeith Fatima')
    expect(found.kind).toBe('name')
    expect(found.deposits.map((x) => x.id)).toContain(d.id)
  })
})

describe('stocktake', () => {
  it('lists what is missing, unexpected and unknown, and keeps the result', async () => {
    await service.createPlace(db, actor, { code: 'S9', kind: 'safe', name: 'Sejf 9' })
    const place = Number((await db('storage_places').where({ code: 'S9' }).first('id')).id)
    const a = await service.takeIn(db, actor, input({ placeId: String(place) }), [])
    const b = await service.takeIn(db, actor, input({ placeId: String(place) }), [])
    const elsewhere = await service.takeIn(db, actor, input(), [])
    const code = (d: { year: number; number: number }) => `dep-${d.year}-${String(d.number).padStart(6, '0')}`
    const started = await stocktakes.startStocktake(db, actor, place)
    if (!started.ok) throw new Error('not started')
    expect(await stocktakes.startStocktake(db, actor, place)).toMatchObject({
      ok: false,
      key: 'deposits.stocktakes.alreadyOpen',
    })
    await stocktakes.addScans(
      db,
      actor,
      started.id,
      `LOC-S9\n${code(a)}\n${code(elsewhere)}\nXYZ-1\n${code(a)}\n`,
    )
    expect(await stocktakes.closeStocktake(db, actor, started.id)).toBe(true)
    const results = await db('stocktake_results')
      .where({ stocktake_id: started.id })
      .orderBy('outcome')
      .select('outcome', 'deposit_id', 'code')
    expect(results).toEqual([
      { outcome: 'missing', deposit_id: b.id, code: code(b).toUpperCase() },
      { outcome: 'unexpected', deposit_id: elsewhere.id, code: code(elsewhere).toUpperCase() },
      { outcome: 'unknown', deposit_id: null, code: 'XYZ-1' },
    ])
    expect(
      await db('stocktakes')
        .where({ id: started.id })
        .first('status', 'expected_count', 'found_count', 'missing_count', 'unexpected_count'),
    ).toEqual({
      status: 'closed',
      expected_count: 2,
      found_count: 1,
      missing_count: 1,
      unexpected_count: 2,
    })
    expect(await stocktakes.addScans(db, actor, started.id, 'X')).toBeNull()
  })
})
