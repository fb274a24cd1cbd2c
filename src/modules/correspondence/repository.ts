import type { Knex } from 'knex'
import type { Db } from '../../shared/db/index.js'
import { formatRegisterNumberSql, insertNumbered } from '../../shared/db/counters.js'
import { auditInsert, type AuditRow } from '../../shared/audit/audit.js'
import type { ListFilters } from './schemas.js'

export interface IncomingRow {
  id: number
  year: number
  number: number
  received_at: Date
  letter_date: string | null
  sender_id: number | null
  sender_name: string
  sender_address: string | null
  sender_email: string | null
  sender_edelivery: string | null
  sender_reference: string | null
  subject: string
  channel: string
  form: string
  tracking_number: string | null
  enclosures_count: number
  enclosures_description: string | null
  unit_id: number | null
  unit_symbol: string | null
  assignee_id: number | null
  assignee_name: string | null
  routing_status: string
  case_reference: string | null
  notes: string | null
  status: 'registered' | 'annulled'
  annulled_at: Date | null
  annulled_by_name: string | null
  annul_reason: string | null
  message_id: string | null
  inquiry_type_id: number | null
  inquiry_type_code: string | null
  inquirer_kind: string | null
  due_date: string | null
  answer_outgoing_id: number | null
  answered_at: Date | null
  created_by_name: string | null
  created_at: Date
}

const itemColumns = [
  'i.id',
  'i.year',
  'i.number',
  'i.received_at',
  'i.letter_date',
  'i.sender_id',
  'i.sender_name',
  'i.sender_address',
  'i.sender_email',
  'i.sender_edelivery',
  'i.sender_reference',
  'i.subject',
  'i.channel',
  'i.form',
  'i.tracking_number',
  'i.enclosures_count',
  'i.enclosures_description',
  'i.unit_id',
  'o.symbol as unit_symbol',
  'i.assignee_id',
  'a.display_name as assignee_name',
  'i.routing_status',
  'i.case_reference',
  'i.notes',
  'i.status',
  'i.annulled_at',
  'x.display_name as annulled_by_name',
  'i.annul_reason',
  'i.message_id',
  'i.inquiry_type_id',
  'q.code as inquiry_type_code',
  'i.inquirer_kind',
  'i.due_date',
  'i.answer_outgoing_id',
  'i.answered_at',
  'c.display_name as created_by_name',
  'i.created_at',
]

/** Columns for list pages: no notes or sender contact details. */
const listColumns = [
  'i.id',
  'i.year',
  'i.number',
  'i.received_at',
  'i.sender_name',
  'i.sender_reference',
  'i.subject',
  'i.channel',
  'i.unit_id',
  'o.symbol as unit_symbol',
  'i.routing_status',
  'i.case_reference',
  'i.status',
  'i.inquiry_type_id',
  'i.due_date',
  'i.answered_at',
]
export type IncomingListRow = Pick<
  IncomingRow,
  | 'id'
  | 'year'
  | 'number'
  | 'received_at'
  | 'sender_name'
  | 'sender_reference'
  | 'subject'
  | 'channel'
  | 'unit_id'
  | 'unit_symbol'
  | 'routing_status'
  | 'case_reference'
  | 'status'
  | 'inquiry_type_id'
  | 'due_date'
  | 'answered_at'
>

const itemBase = (db: Db) =>
  db('incoming_items as i')
    .leftJoin('org_units as o', 'o.id', 'i.unit_id')
    .leftJoin('users as a', 'a.id', 'i.assignee_id')
    .leftJoin('users as x', 'x.id', 'i.annulled_by')
    .leftJoin('users as c', 'c.id', 'i.created_by')
    .leftJoin('inquiry_types as q', 'q.id', 'i.inquiry_type_id')

export async function findIncoming(db: Db, id: number): Promise<IncomingRow | undefined> {
  return itemBase(db).where('i.id', id).first(itemColumns)
}

export async function lockIncoming(trx: Knex.Transaction, id: number) {
  return trx('incoming_items')
    .where({ id })
    .forUpdate()
    .first(
      'id',
      'year',
      'number',
      'status',
      'unit_id',
      'assignee_id',
      'routing_status',
      'received_at',
      'inquiry_type_id',
      'due_date',
      'answered_at',
      'case_reference',
    )
}

export async function findIncomingIdByNumber(db: Db, year: number, number: number): Promise<number | null> {
  const row = await db('incoming_items').where({ year, number }).first('id')
  return row ? Number(row.id) : null
}

export type NewIncoming = Record<string, unknown>

/** What else a registration saves with its item: files, the first routing step, audit rows. */
export interface IncomingFollowUp {
  attachments: Array<Omit<AttachmentRow, 'id' | 'created_at' | 'item_id'> & { created_by: number | null }>
  routing: { action: string; unit_id: number; assignee_id: number | null; actor_id: number | null } | null
  /** The pending e-mail import the item was registered from, deleted with the save. */
  importId: string | null
  /** Audit rows: `others` as they are, then `item`'s, given the new item's id and register number. */
  audit: { others: AuditRow[]; item: AuditRow }
}

/**
 * Saves an incoming item with the next number of its year's register and everything that goes with it,
 * in one statement: the counter (and the audit head) are locked only while PostgreSQL runs it.
 */
export function insertIncoming(
  db: Db,
  row: NewIncoming & { year: number },
  follow: IncomingFollowUp,
): Promise<{ id: number; number: number }> {
  return insertNumbered(
    db,
    'incoming_items',
    row,
    { register: 'registry.incoming', year: row.year },
    'number',
    (saved) => {
      const registerNumber = formatRegisterNumberSql(db, row.year, saved.number)
      const itemAudit = {
        ...follow.audit.item,
        entity_id: db.raw('(?)::text', [saved.id]),
        details: db.raw(`jsonb_set(?::jsonb, '{after,registerNumber}', to_jsonb(?))`, [
          follow.audit.item.details,
          registerNumber,
        ]),
      }
      return [
        ...(follow.attachments.length
          ? [db('incoming_attachments').insert(follow.attachments.map((a) => ({ ...a, item_id: saved.id })))]
          : []),
        ...(follow.routing
          ? [db('incoming_routing').insert({ note: null, ...follow.routing, item_id: saved.id })]
          : []),
        ...(follow.importId ? [db('registry_email_imports').where({ id: follow.importId }).del()] : []),
        auditInsert(db, [...follow.audit.others, itemAudit]),
      ]
    },
  )
}

export async function updateIncoming(db: Db, id: number, fields: Record<string, unknown>): Promise<void> {
  await db('incoming_items').where({ id }).update(fields)
}

export type IncomingFilters = ListFilters & { text?: string; today?: string }

/**
 * The register with non-personal filters; `text` (free text, folded here in SQL) is optional.
 * `scan: true` leaves out the word index's condition, for queries that read a window of rows anyway:
 * the substring checks alone decide, and the index function would cost ≈ 30 µs on every hit.
 */
export function incomingQuery(db: Db, f: IncomingFilters, { scan = false } = {}): Knex.QueryBuilder {
  const q = db('incoming_items as i').leftJoin('org_units as o', 'o.id', 'i.unit_id').select(listColumns)
  return whereIncoming(db, q, f, !scan)
}

/**
 * The same rows for a search whose words are rare: every match from the word index first, then sorted.
 * The materialised CTE is planned on its own, for all its rows, so the planner cannot pick a
 * newest-first scan that stops after a page: for rare words that scan reads the whole register
 * (250 ms for two common words that never meet, like "wniosek skarga").
 */
export function incomingMatches(db: Db, f: IncomingFilters): Knex.QueryBuilder {
  const itemColumns = listColumns.filter((c) => c.startsWith('i.'))
  const matches = whereIncoming(db, db('incoming_items as i').select(itemColumns), f, true)
  return db
    .withMaterialized('matches', matches)
    .from('matches as i')
    .leftJoin('org_units as o', 'o.id', 'i.unit_id')
    .select(listColumns)
}

function whereIncoming(db: Db, q: Knex.QueryBuilder, f: IncomingFilters, index: boolean): Knex.QueryBuilder {
  if (f.from)
    q.where('i.received_at', '>=', db.raw(`(?::date)::timestamp AT TIME ZONE 'Europe/Warsaw'`, [f.from]))
  if (f.to)
    q.where('i.received_at', '<', db.raw(`((?::date) + 1)::timestamp AT TIME ZONE 'Europe/Warsaw'`, [f.to]))
  if (f.channel) q.where('i.channel', f.channel)
  if (f.unitId) q.where('i.unit_id', f.unitId)
  if (f.status) q.where('i.status', f.status)
  if (f.routing) q.where('i.routing_status', f.routing)
  if (f.inquiry) {
    q.whereNotNull('i.inquiry_type_id')
    if (f.inquiry !== 'any') q.whereNull('i.answered_at').andWhere('i.status', 'registered')
    if (f.inquiry === 'overdue') q.where('i.due_date', '<', f.today!)
  }
  if (f.text) {
    // Each word must occur (as a substring) in the folded text: these checks alone decide. The word
    // index's condition (migration 204) follows from them; it is there so that the index can find the
    // rows. It covers the words of 3+ characters between punctuation; with none it is left out.
    const words = f.text.split(/\s+/).filter(Boolean).slice(0, 8)
    for (const word of words) q.whereRaw('strpos(i.search_norm, lower(f_unaccent(?))) > 0', [word])
    const text = words.join(' ')
    if (index)
      q.whereRaw(
        '(registry_search_query(?) IS NULL OR registry_search_terms(i.search_norm) @@ registry_search_query(?))',
        [text, text],
      )
  }
  return q
}

export async function listAnnulments(db: Db, year: number) {
  return db('incoming_items as i')
    .leftJoin('users as x', 'x.id', 'i.annulled_by')
    .where({ 'i.year': year, 'i.status': 'annulled' })
    .orderBy('i.number')
    .select(
      'i.id',
      'i.year',
      'i.number',
      'i.annulled_at',
      'i.annul_reason',
      'x.display_name as annulled_by_name',
    )
}

/**
 * The register's headline for a year without counting its rows: the numbering is gapless, so the number
 * of entries is the counter's last number; annulments are counted on their own small index.
 */
export async function registerHeadline(db: Db, year: number) {
  // One statement: the list page shows it on every view.
  const result = await db.raw<{ rows: Array<{ last_number: number | null; annulled: number }> }>(
    `SELECT (SELECT last_number FROM register_counters
               WHERE register = 'registry.incoming' AND scope = '' AND year = ?) AS last_number,
            (SELECT count(*)::int FROM incoming_items WHERE year = ? AND status = 'annulled') AS annulled`,
    [year, year],
  )
  const row = result.rows[0]!
  const last = Number(row.last_number ?? 0)
  return { total: last, lastNumber: last, annulled: Number(row.annulled) }
}

/** The same figures counted from the rows, to prove there is no gap (annulments page). */
export async function registerSummary(db: Db, year: number) {
  const row = await db('incoming_items')
    .where({ year })
    .first(
      db.raw('count(*)::int as total'),
      db.raw('coalesce(max(number), 0)::int as last_number'),
      db.raw(`count(*) filter (where status = 'annulled')::int as annulled`),
    )
  return { total: Number(row.total), lastNumber: Number(row.last_number), annulled: Number(row.annulled) }
}

// --- Senders -------------------------------------------------------------------------------------

export interface SenderRow {
  id: number
  kind: string
  name: string
  address: string | null
  email: string | null
  epuap_address: string | null
  edelivery_address: string | null
}
const senderColumns = ['id', 'kind', 'name', 'address', 'email', 'epuap_address', 'edelivery_address']

export async function findSender(db: Db, id: number): Promise<SenderRow | undefined> {
  return db('registry_senders').where({ id }).first(senderColumns)
}

export async function findSameSender(db: Db, name: string, address: string | null) {
  return db('registry_senders')
    .whereRaw('name_norm = lower(f_unaccent(?))', [name])
    .andWhereRaw('coalesce(address, ?) = ?', ['', address ?? ''])
    .first(senderColumns) as Promise<SenderRow | undefined>
}

export async function insertSender(db: Db, s: Omit<SenderRow, 'id'> & { created_by: number | null }) {
  const [r] = await db('registry_senders').insert(s).returning('id')
  return Number(r.id)
}

/** Names containing every typed word, folded; the closest names first. */
export async function lookupSenders(db: Db, text: string, limit = 10): Promise<SenderRow[]> {
  const q = db('registry_senders').select(senderColumns)
  for (const word of text.split(/\s+/).filter(Boolean).slice(0, 5))
    q.whereRaw(`name_norm LIKE '%' || lower(f_unaccent(?)) || '%'`, [word.replace(/[%_\\]/g, '')])
  return q.orderByRaw('similarity(name_norm, lower(f_unaccent(?))) DESC, id DESC', [text]).limit(limit)
}

// --- Attachments ---------------------------------------------------------------------------------

export interface AttachmentRow {
  id: number
  item_id: number
  file_id: string
  sha256: string
  size: number
  mime: string
  original_name: string
  created_at: Date
}

export async function insertAttachments(
  db: Db,
  rows: Array<Omit<AttachmentRow, 'id' | 'created_at'> & { created_by: number | null }>,
) {
  if (rows.length) await db('incoming_attachments').insert(rows)
}

export async function listAttachments(db: Db, itemId: number): Promise<AttachmentRow[]> {
  return db('incoming_attachments')
    .where({ item_id: itemId })
    .orderBy('id')
    .select('id', 'item_id', 'file_id', 'sha256', 'size', 'mime', 'original_name', 'created_at')
}

export async function findAttachment(db: Db, itemId: number, id: number): Promise<AttachmentRow | undefined> {
  return db('incoming_attachments')
    .where({ item_id: itemId, id })
    .first('id', 'item_id', 'file_id', 'sha256', 'size', 'mime', 'original_name', 'created_at')
}

// --- Routing and cases ---------------------------------------------------------------------------

export async function insertRouting(
  db: Db,
  r: {
    item_id: number
    action: string
    unit_id: number | null
    assignee_id?: number | null
    note?: string | null
    actor_id: number | null
  },
) {
  await db('incoming_routing').insert({ assignee_id: null, note: null, ...r })
}

export async function routingHistory(db: Db, itemId: number) {
  return db('incoming_routing as r')
    .leftJoin('org_units as o', 'o.id', 'r.unit_id')
    .leftJoin('users as a', 'a.id', 'r.assignee_id')
    .leftJoin('users as u', 'u.id', 'r.actor_id')
    .where('r.item_id', itemId)
    .orderBy([{ column: 'r.at' }, { column: 'r.id' }])
    .select(
      'r.id',
      'r.action',
      'r.note',
      'r.at',
      'o.symbol as unit_symbol',
      'a.display_name as assignee_name',
      'u.display_name as actor_name',
    )
}

export async function activeUnits(db: Db) {
  return db('org_units').where({ status: 'active' }).orderBy('symbol').select('id', 'symbol', 'name')
}

export async function findActiveUnit(db: Db, id: number) {
  return db('org_units').where({ id, status: 'active' }).first('id', 'symbol', 'name')
}

export async function unitStaff(db: Db) {
  return db('users')
    .where({ active: true })
    .whereNotNull('org_unit_id')
    .orderBy('display_name')
    .select('id', 'display_name', 'org_unit_id')
}

export async function findUserInUnit(db: Db, userId: number, unitId: number) {
  return db('users').where({ id: userId, org_unit_id: unitId, active: true }).first('id')
}

export function inboxQuery(db: Db, unitId: number) {
  return db('incoming_items as i')
    .leftJoin('users as a', 'a.id', 'i.assignee_id')
    .where({ 'i.unit_id': unitId, 'i.status': 'registered' })
    .whereIn('i.routing_status', ['assigned', 'accepted'])
    .select(
      'i.id',
      'i.year',
      'i.number',
      'i.received_at',
      'i.sender_name',
      'i.subject',
      'i.routing_status',
      'i.case_reference',
      'i.due_date',
      'i.answered_at',
      'i.inquiry_type_id',
      'a.display_name as assignee_name',
    )
}

export async function insertCase(db: Db, c: Record<string, unknown>): Promise<number> {
  const [r] = await db('registry_cases').insert(c).returning('id')
  return Number(r.id)
}

export async function casesOfItem(db: Db, itemId: number) {
  return db('registry_cases')
    .where({ opened_from_item_id: itemId })
    .orderBy('id')
    .select('id', 'reference', 'title', 'opened_at')
}
