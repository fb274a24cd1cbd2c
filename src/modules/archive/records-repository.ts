import type { Db } from '../../shared/db/index.js'

/** Queries, borrowers, loans and holds: the archive's registers about its folders. */

export interface QueryRow {
  id: number
  year: number
  number: number
  requester_kind: 'unit' | 'person' | 'authority'
  requester_unit_id: number | null
  requester_unit_symbol: string | null
  requester_name: string | null
  subject: string
  received_on: string
  due_on: string
  assignee_id: number | null
  assignee_name: string | null
  status: 'open' | 'answered'
  outcome: 'found' | 'partly' | 'nothing' | null
  answer_note: string | null
  outgoing_item_id: number | null
  answered_on: string | null
}

function queryBase(db: Db) {
  return db('archive_queries as q')
    .leftJoin('org_units as u', 'u.id', 'q.requester_unit_id')
    .leftJoin('users as a', 'a.id', 'q.assignee_id')
    .select(
      'q.id',
      'q.year',
      'q.number',
      'q.requester_kind',
      'q.requester_unit_id',
      'u.symbol as requester_unit_symbol',
      'q.requester_name',
      'q.subject',
      'q.received_on',
      'q.due_on',
      'q.assignee_id',
      'a.display_name as assignee_name',
      'q.status',
      'q.outcome',
      'q.answer_note',
      'q.outgoing_item_id',
      'q.answered_on',
    )
}

export async function listQueries(db: Db, filter: { status?: string; year?: number }): Promise<QueryRow[]> {
  const qb = queryBase(db)
    .orderBy([
      { column: 'q.year', order: 'desc' },
      { column: 'q.number', order: 'desc' },
    ])
    .limit(500)
  if (filter.status) qb.where('q.status', filter.status)
  if (filter.year) qb.where('q.year', filter.year)
  return qb
}

export async function findQuery(db: Db, id: number): Promise<QueryRow | undefined> {
  return queryBase(db).where('q.id', id).first()
}

export async function insertQuery(db: Db, row: Record<string, unknown>): Promise<number> {
  const [r] = await db('archive_queries').insert(row).returning('id')
  return Number(r.id)
}

export async function updateQuery(db: Db, id: number, fields: Record<string, unknown>): Promise<void> {
  await db('archive_queries').where({ id }).update(fields)
}

export async function queryFolderIds(db: Db, queryId: number): Promise<number[]> {
  return (
    await db('archive_query_folders').where({ query_id: queryId }).orderBy('added_at').select('folder_id')
  ).map((r: { folder_id: number }) => Number(r.folder_id))
}

export async function folderByBarcode(
  db: Db,
  barcode: string,
): Promise<{ id: number; status: string } | undefined> {
  return db('archive_folders').where({ barcode }).first('id', 'status')
}

// --- Borrowers and loans -------------------------------------------------------------------------

export interface BorrowerRow {
  id: number
  full_name: string
  unit_id: number
  unit_symbol: string
  position: string | null
  authorised_by: string
  authorised_on: string
  valid_until: string | null
  revoked_at: Date | null
}

function borrowerBase(db: Db) {
  return db('archive_borrowers as b')
    .join('org_units as u', 'u.id', 'b.unit_id')
    .select(
      'b.id',
      'b.full_name',
      'b.unit_id',
      'u.symbol as unit_symbol',
      'b.position',
      'b.authorised_by',
      'b.authorised_on',
      'b.valid_until',
      'b.revoked_at',
    )
}

export async function listBorrowers(db: Db, opts: { activeOn?: string } = {}): Promise<BorrowerRow[]> {
  const qb = borrowerBase(db).orderBy('b.full_name')
  if (opts.activeOn)
    qb.whereNull('b.revoked_at').andWhere((w) =>
      w.whereNull('b.valid_until').orWhere('b.valid_until', '>=', opts.activeOn!),
    )
  return qb
}

export async function findBorrower(db: Db, id: number): Promise<BorrowerRow | undefined> {
  return borrowerBase(db).where('b.id', id).first()
}

export interface LoanRow {
  id: number
  year: number
  number: number
  folder_id: number
  sign: string
  title: string
  barcode: string | null
  borrower_id: number
  borrower_name: string
  borrower_unit: string
  kind: 'loan' | 'reading_room'
  query_id: number | null
  purpose: string | null
  lent_on: string
  due_on: string
  returned_on: string | null
  lent_by_name: string | null
}

function loanBase(db: Db) {
  return db('archive_loans as l')
    .join('archive_folders as f', 'f.id', 'l.folder_id')
    .join('archive_borrowers as b', 'b.id', 'l.borrower_id')
    .join('org_units as u', 'u.id', 'b.unit_id')
    .leftJoin('users as s', 's.id', 'l.lent_by')
    .select(
      'l.id',
      'l.year',
      'l.number',
      'l.folder_id',
      'f.sign',
      'f.title',
      'f.barcode',
      'l.borrower_id',
      'b.full_name as borrower_name',
      'u.symbol as borrower_unit',
      'l.kind',
      'l.query_id',
      'l.purpose',
      'l.lent_on',
      'l.due_on',
      'l.returned_on',
      's.display_name as lent_by_name',
    )
}

export async function listLoans(
  db: Db,
  filter: { open?: boolean; overdueOn?: string; folderId?: number },
): Promise<LoanRow[]> {
  const qb = loanBase(db).orderBy('l.id', 'desc').limit(500)
  if (filter.open || filter.overdueOn) qb.whereNull('l.returned_on')
  if (filter.overdueOn) qb.where('l.due_on', '<', filter.overdueOn)
  if (filter.folderId) qb.where('l.folder_id', filter.folderId)
  return qb
}

export async function findLoan(db: Db, id: number): Promise<LoanRow | undefined> {
  return loanBase(db).where('l.id', id).first()
}

// --- Holds ---------------------------------------------------------------------------------------

export async function folderHolds(db: Db, folderId: number) {
  return db('archive_holds as h')
    .leftJoin('users as p', 'p.id', 'h.placed_by')
    .leftJoin('users as l', 'l.id', 'h.lifted_by')
    .where('h.folder_id', folderId)
    .orderBy('h.id', 'desc')
    .select(
      'h.id',
      'h.reason',
      'h.placed_at',
      'p.display_name as placed_by_name',
      'h.lifted_at',
      'l.display_name as lifted_by_name',
    )
}

export async function folderQueries(db: Db, folderId: number) {
  return db('archive_query_folders as qf')
    .join('archive_queries as q', 'q.id', 'qf.query_id')
    .where('qf.folder_id', folderId)
    .orderBy('q.id', 'desc')
    .select('q.id', 'q.year', 'q.number', 'q.status', 'q.subject')
}
