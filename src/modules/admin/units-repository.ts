import type { Db } from '../../shared/db/index.js'
import { dropReferenceLists } from '../../shared/db/reference-lists.js'

export interface OrgUnitRow {
  id: number
  symbol: string
  name: string
  parent_id: number | null
  status: 'active' | 'closed' | 'merged'
  merged_into_id: number | null
  created_at: Date
  closed_at: Date | null
}

const columns = ['id', 'symbol', 'name', 'parent_id', 'status', 'merged_into_id', 'created_at', 'closed_at']

export async function listUnits(db: Db, opts: { activeOnly?: boolean } = {}): Promise<OrgUnitRow[]> {
  const q = db('org_units')
    .select(columns)
    .orderBy([{ column: 'status' }, { column: 'symbol' }])
  if (opts.activeOnly) q.where({ status: 'active' })
  return q
}

export async function findUnit(db: Db, id: number): Promise<OrgUnitRow | undefined> {
  return db('org_units').where({ id }).first(columns)
}

export async function findActiveUnitBySymbol(db: Db, symbol: string): Promise<OrgUnitRow | undefined> {
  return db('org_units')
    .whereRaw('upper(symbol) = upper(?)', [symbol])
    .andWhere({ status: 'active' })
    .first(columns)
}

/** Every unit that ever used the symbol, newest first: old case references still resolve. */
export async function unitsEverNamed(db: Db, symbol: string): Promise<OrgUnitRow[]> {
  return db('org_units')
    .select(columns.map((c) => `org_units.${c}`))
    .whereRaw('upper(org_units.symbol) = upper(?)', [symbol])
    .orWhereIn(
      'org_units.id',
      db('org_unit_history').select('org_unit_id').whereRaw('upper(old_symbol) = upper(?)', [symbol]),
    )
    .orderBy('org_units.created_at', 'desc')
}

export async function insertUnit(
  db: Db,
  u: { symbol: string; name: string; parentId?: number | null },
): Promise<number> {
  dropReferenceLists(db)
  const [row] = await db('org_units')
    .insert({ symbol: u.symbol, name: u.name, parent_id: u.parentId ?? null })
    .returning('id')
  return Number(row.id)
}

export async function updateUnit(
  db: Db,
  id: number,
  fields: Partial<Record<keyof OrgUnitRow, unknown>>,
): Promise<void> {
  dropReferenceLists(db)
  await db('org_units').where({ id }).update(fields)
}

export async function addUnitHistory(
  db: Db,
  h: {
    unitId: number
    change: string
    oldSymbol?: string
    oldName?: string
    newSymbol?: string
    newName?: string
    by: number | null
  },
): Promise<void> {
  await db('org_unit_history').insert({
    org_unit_id: h.unitId,
    change: h.change,
    old_symbol: h.oldSymbol ?? null,
    old_name: h.oldName ?? null,
    new_symbol: h.newSymbol ?? null,
    new_name: h.newName ?? null,
    changed_by: h.by,
  })
}

export async function unitHistory(db: Db, unitId: number) {
  return db('org_unit_history as h')
    .leftJoin('users as u', 'u.id', 'h.changed_by')
    .where('h.org_unit_id', unitId)
    .orderBy('h.changed_at', 'desc')
    .select(
      'h.change',
      'h.old_symbol',
      'h.old_name',
      'h.new_symbol',
      'h.new_name',
      'h.changed_at',
      'u.display_name as changed_by_name',
    )
}
