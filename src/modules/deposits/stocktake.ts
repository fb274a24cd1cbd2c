import type { Knex } from 'knex'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import type { Db } from '../../shared/db/index.js'
import { parseDepositNumber, placeBarcode } from './numbers.js'
import * as repo from './repository.js'

/**
 * Stocktake of one storage place: scan what is physically there, then close. At closing the scans are
 * compared with what the register says is in the place: missing (should be there, not scanned),
 * unexpected (scanned, but registered elsewhere or not in deposit), unknown (not a deposit barcode).
 * The result is kept with the stocktake.
 */
export interface StocktakeRow {
  id: number
  place_id: number
  place_code: string
  place_name: string
  status: 'open' | 'closed'
  started_at: Date
  started_by_name: string | null
  closed_at: Date | null
  expected_count: number | null
  found_count: number | null
  missing_count: number | null
  unexpected_count: number | null
}

function stocktakeQuery(db: Db) {
  return db('stocktakes as s')
    .join('storage_places as p', 'p.id', 's.place_id')
    .leftJoin('users as u', 'u.id', 's.started_by')
    .select(
      's.id',
      's.place_id',
      'p.code as place_code',
      'p.name as place_name',
      's.status',
      's.started_at',
      'u.display_name as started_by_name',
      's.closed_at',
      's.expected_count',
      's.found_count',
      's.missing_count',
      's.unexpected_count',
    )
}

export async function listStocktakes(db: Db): Promise<StocktakeRow[]> {
  return stocktakeQuery(db).orderBy('s.id', 'desc').limit(100)
}

export async function findStocktake(db: Db, id: number): Promise<StocktakeRow | undefined> {
  return stocktakeQuery(db).where('s.id', id).first()
}

export async function stocktakeScans(db: Db, id: number) {
  return db('stocktake_scans')
    .where({ stocktake_id: id })
    .orderBy('id')
    .select('id', 'code', 'deposit_id', 'scanned_at')
}

export async function stocktakeResults(db: Db, id: number) {
  return db('stocktake_results as r')
    .leftJoin('deposits as d', 'd.id', 'r.deposit_id')
    .leftJoin('storage_places as p', 'p.id', 'r.deposit_place_id')
    .where('r.stocktake_id', id)
    .orderBy(['r.outcome', 'r.code'])
    .select(
      'r.outcome',
      'r.code',
      'r.deposit_id',
      'r.deposit_state',
      'p.code as place_code',
      'd.year',
      'd.number',
    )
}

export async function startStocktake(
  db: Knex,
  actor: Actor,
  placeId: number,
): Promise<{ ok: true; id: number } | { ok: false; key: string; openId?: number }> {
  const place = await repo.findPlace(db, placeId)
  if (!place) return { ok: false, key: 'deposits.stocktakes.placeId.required' }
  return db.transaction(async (trx) => {
    const open = await trx('stocktakes').where({ place_id: placeId, status: 'open' }).forUpdate().first('id')
    if (open) return { ok: false as const, key: 'deposits.stocktakes.alreadyOpen', openId: Number(open.id) }
    const [row] = await trx('stocktakes').insert({ place_id: placeId, started_by: actor.id }).returning('id')
    const id = Number(row.id)
    await recordAudit(trx, actor, {
      action: 'deposits.stocktakeStarted',
      entityType: 'stocktake',
      entityId: id,
      details: { placeId },
    })
    return { ok: true as const, id }
  })
}

/** Scanner lines: one code a line (also separated by spaces, commas or semicolons), upper case, once. */
export function scannedCodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\r\n,;\t ]+/)
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c !== '' && c.length <= 100),
    ),
  ]
}

export async function addScans(db: Knex, actor: Actor, id: number, text: string): Promise<number | null> {
  return db.transaction(async (trx) => {
    const st = await trx('stocktakes').where({ id }).forUpdate().first('status', 'place_id')
    if (!st || st.status !== 'open') return null
    const place = await repo.findPlace(trx, Number(st.place_id))
    // Scanning the shelf's own label first is natural; it is not an item on the shelf.
    const ownLabel = place ? placeBarcode(place) : null
    let added = 0
    for (const code of scannedCodes(text)) {
      if (code === ownLabel) continue
      const n = parseDepositNumber(code)
      const deposit = n
        ? await trx('deposits').where({ year: n.year, number: n.number }).first('id')
        : undefined
      const inserted = await trx('stocktake_scans')
        .insert({ stocktake_id: id, code, deposit_id: deposit ? Number(deposit.id) : null })
        .onConflict(['stocktake_id', 'code'])
        .ignore()
        .returning('id')
      added += inserted.length
    }
    await recordAudit(trx, actor, {
      action: 'deposits.stocktakeScanned',
      entityType: 'stocktake',
      entityId: id,
      details: { added },
    })
    return added
  })
}

export async function closeStocktake(db: Knex, actor: Actor, id: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const st = await trx('stocktakes').where({ id }).forUpdate().first('status', 'place_id')
    if (!st || st.status !== 'open') return false
    const placeId = Number(st.place_id)
    const expected = await repo.depositsInPlace(trx, placeId)
    const scans: Array<{ code: string; deposit_id: number | null }> = await trx('stocktake_scans')
      .where({ stocktake_id: id })
      .select('code', 'deposit_id')
    const scannedIds = new Set(scans.filter((s) => s.deposit_id).map((s) => Number(s.deposit_id)))
    const expectedIds = new Set(expected.map((e) => e.id))
    const results: Array<Record<string, unknown>> = []
    for (const e of expected)
      if (!scannedIds.has(e.id))
        results.push({
          stocktake_id: id,
          outcome: 'missing',
          code: `DEP-${e.year}-${String(e.number).padStart(6, '0')}`,
          deposit_id: e.id,
          deposit_state: 'in_deposit',
          deposit_place_id: placeId,
        })
    for (const s of scans) {
      if (!s.deposit_id) {
        results.push({ stocktake_id: id, outcome: 'unknown', code: s.code })
        continue
      }
      if (expectedIds.has(Number(s.deposit_id))) continue
      const d = await trx('deposits').where({ id: s.deposit_id }).first('state', 'place_id')
      results.push({
        stocktake_id: id,
        outcome: 'unexpected',
        code: s.code,
        deposit_id: s.deposit_id,
        deposit_state: d?.state ?? null,
        deposit_place_id: d?.place_id ?? null,
      })
    }
    if (results.length) await trx('stocktake_results').insert(results)
    const counts = {
      expected_count: expected.length,
      found_count: expected.filter((e) => scannedIds.has(e.id)).length,
      missing_count: results.filter((r) => r.outcome === 'missing').length,
      unexpected_count: results.filter((r) => r.outcome !== 'missing').length,
    }
    await trx('stocktakes')
      .where({ id })
      .update({ status: 'closed', closed_at: trx.fn.now(), closed_by: actor.id, ...counts })
    await recordAudit(trx, actor, {
      action: 'deposits.stocktakeClosed',
      entityType: 'stocktake',
      entityId: id,
      details: { placeId, ...counts },
    })
    return true
  })
}
