import type { Db } from '../../shared/db/index.js'

export type TransferStatus = 'draft' | 'submitted' | 'returned' | 'accepted'

export interface TransferListRow {
  id: number
  unit_id: number
  unit_symbol: string
  unit_name: string
  status: TransferStatus
  year: number | null
  number: number | null
  remarks: string | null
  linear_metres: string | null
  created_at: Date
  submitted_at: Date | null
  accepted_at: Date | null
  folder_count: number
}

export interface UnitFolderRow {
  id: number
  sign: string
  jrwa_symbol: string
  title: string
  year_from: number
  year_to: number | null
  category: string
  volumes: number
  notes: string | null
  status: string
  transfer_list_id: number | null
  room: string | null
  rack: string | null
  shelf: number | null
  box: string | null
  barcode: string | null
}

const folderColumns = [
  'f.id',
  'f.sign',
  'f.jrwa_symbol',
  'f.title',
  'f.year_from',
  'f.year_to',
  'f.category',
  'f.volumes',
  'f.notes',
  'f.status',
  'f.transfer_list_id',
  'f.room',
  'f.rack',
  'f.shelf',
  'f.box',
  'f.barcode',
]

function listQuery(db: Db) {
  return db('archive_transfer_lists as t')
    .join('org_units as u', 'u.id', 't.unit_id')
    .select(
      't.id',
      't.unit_id',
      'u.symbol as unit_symbol',
      'u.name as unit_name',
      't.status',
      't.year',
      't.number',
      't.remarks',
      't.linear_metres',
      't.created_at',
      't.submitted_at',
      't.accepted_at',
      db.raw('(SELECT count(*)::int FROM archive_folders f WHERE f.transfer_list_id = t.id) AS folder_count'),
    )
}

export async function findList(db: Db, id: number): Promise<TransferListRow | undefined> {
  return listQuery(db).where('t.id', id).first()
}

export async function listLists(
  db: Db,
  filter: { unitId?: number; status?: TransferStatus; year?: number },
): Promise<TransferListRow[]> {
  const qb = listQuery(db).orderBy('t.id', 'desc').limit(500)
  if (filter.unitId) qb.where('t.unit_id', filter.unitId)
  if (filter.status) qb.where('t.status', filter.status)
  if (filter.year) qb.where('t.year', filter.year)
  return qb
}

export async function insertList(db: Db, unitId: number, userId: number | null): Promise<number> {
  const [row] = await db('archive_transfer_lists')
    .insert({ unit_id: unitId, created_by: userId })
    .returning('id')
  return Number(row.id)
}

export async function updateList(db: Db, id: number, fields: Record<string, unknown>): Promise<void> {
  await db('archive_transfer_lists').where({ id }).update(fields)
}

/** Locks the list row for the rest of the transaction: two archivists cannot accept it twice. */
export async function lockList(
  db: Db,
  id: number,
): Promise<{ id: number; status: TransferStatus; unit_id: number } | undefined> {
  return db('archive_transfer_lists').where({ id }).forUpdate().first('id', 'status', 'unit_id')
}

export async function listFolders(db: Db, listId: number): Promise<UnitFolderRow[]> {
  return db('archive_folders as f').where('f.transfer_list_id', listId).orderBy('f.id').select(folderColumns)
}

export async function findFolder(
  db: Db,
  id: number,
): Promise<(UnitFolderRow & { unit_id: number }) | undefined> {
  return db('archive_folders as f')
    .where('f.id', id)
    .first([...folderColumns, 'f.unit_id'])
}

/** Folders still kept by the unit (not yet in the archive), newest first. */
export async function unitFolders(db: Db, unitId: number): Promise<UnitFolderRow[]> {
  return db('archive_folders as f')
    .where({ 'f.unit_id': unitId, 'f.status': 'unit' })
    .orderBy([
      { column: 'f.year_to', order: 'asc', nulls: 'last' },
      { column: 'f.sign' },
      { column: 'f.id' },
    ] as never)
    .limit(1000)
    .select(folderColumns)
}

export async function insertFolder(
  db: Db,
  f: {
    unitId: number
    jrwaSymbol: string
    sign: string
    title: string
    yearFrom: number
    yearTo: number | null
    category: string
    volumes: number
    notes: string | null
    transferListId: number | null
    createdBy: number | null
  },
): Promise<number> {
  const [row] = await db('archive_folders')
    .insert({
      unit_id: f.unitId,
      jrwa_symbol: f.jrwaSymbol,
      sign: f.sign,
      title: f.title,
      year_from: f.yearFrom,
      year_to: f.yearTo,
      category: f.category,
      volumes: f.volumes,
      notes: f.notes,
      transfer_list_id: f.transferListId,
      created_by: f.createdBy,
    })
    .returning('id')
  return Number(row.id)
}

export async function updateFolder(db: Db, id: number, fields: Record<string, unknown>): Promise<void> {
  await db('archive_folders').where({ id }).update(fields)
}

/** Per unit: folders still at the unit that are due (closed ≤ dueUpTo) and overdue (closed ≤ overdueUpTo). */
export async function transferSupervision(
  db: Db,
  years: { dueUpTo: number; overdueUpTo: number },
  unitId?: number,
): Promise<
  Array<{
    unit_id: number
    unit_symbol: string
    unit_name: string
    due: number
    overdue: number
    volumes: number
  }>
> {
  const qb = db('archive_folders as f')
    .join('org_units as u', 'u.id', 'f.unit_id')
    .where('f.status', 'unit')
    .where('f.year_to', '<=', years.dueUpTo)
    .groupBy('f.unit_id', 'u.symbol', 'u.name')
    .orderBy('u.symbol')
    .select(
      'f.unit_id',
      'u.symbol as unit_symbol',
      'u.name as unit_name',
      db.raw('count(*)::int AS due'),
      db.raw('count(*) FILTER (WHERE f.year_to <= ?)::int AS overdue', [years.overdueUpTo]),
      db.raw('sum(f.volumes)::int AS volumes'),
    )
  if (unitId) qb.where('f.unit_id', unitId)
  return qb
}
