import type { Db } from '../../shared/db/index.js'
import type { CustodyState, MovementInput, StoredMovement } from './custody.js'

export interface PlaceRow {
  id: number
  code: string
  kind: 'safe' | 'shelf' | 'envelope'
  name: string
  active: boolean
}

const placeColumns = ['id', 'code', 'kind', 'name', 'active']

export async function listPlaces(db: Db, opts: { activeOnly?: boolean } = {}): Promise<PlaceRow[]> {
  const q = db('storage_places').select(placeColumns).orderBy('code')
  if (opts.activeOnly) q.where({ active: true })
  return q
}

export async function findPlace(db: Db, id: number): Promise<PlaceRow | undefined> {
  return db('storage_places').where({ id }).first(placeColumns)
}

export async function findPlaceByCode(db: Db, code: string): Promise<PlaceRow | undefined> {
  return db('storage_places').whereRaw('upper(code) = upper(?)', [code]).first(placeColumns)
}

export async function insertPlace(
  db: Db,
  p: { code: string; kind: string; name: string; createdBy: number | null },
): Promise<number> {
  const [row] = await db('storage_places')
    .insert({ code: p.code, kind: p.kind, name: p.name, created_by: p.createdBy })
    .returning('id')
  return Number(row.id)
}

export async function setPlaceActive(db: Db, id: number, active: boolean): Promise<void> {
  await db('storage_places').where({ id }).update({ active })
}

export interface DepositRow {
  id: number
  year: number
  number: number
  document_type: 'passport' | 'travel_document' | 'id_card'
  document_number: string
  issuing_country: string
  nationality: string | null
  issue_date: string | null
  expiry_date: string | null
  surname_printed: string
  given_names_printed: string
  holder_id: number
  protection_case_ref: string | null
  condition_notes: string | null
  state: CustodyState['status']
  place_id: number | null
  seal_number: string | null
  seal_mismatch: boolean
  released_to: string | null
  due_back_on: string | null
  taken_in_at: Date
  taken_in_by: number | null
  place_code: string | null
  place_name: string | null
  holder_surname: string
  holder_given_names: string
  holder_case_status: 'open' | 'ended'
  taken_in_by_name: string | null
}

const depositColumns = [
  'd.id',
  'd.year',
  'd.number',
  'd.document_type',
  'd.document_number',
  'd.issuing_country',
  'd.nationality',
  'd.issue_date',
  'd.expiry_date',
  'd.surname_printed',
  'd.given_names_printed',
  'd.holder_id',
  'd.protection_case_ref',
  'd.condition_notes',
  'd.state',
  'd.place_id',
  'd.seal_number',
  'd.seal_mismatch',
  'd.released_to',
  'd.due_back_on',
  'd.taken_in_at',
  'd.taken_in_by',
  'p.code as place_code',
  'p.name as place_name',
  'f.surname as holder_surname',
  'f.given_names as holder_given_names',
  'f.case_status as holder_case_status',
  'u.display_name as taken_in_by_name',
]

function depositQuery(db: Db) {
  return db('deposits as d')
    .join('foreigners as f', 'f.id', 'd.holder_id')
    .leftJoin('storage_places as p', 'p.id', 'd.place_id')
    .leftJoin('users as u', 'u.id', 'd.taken_in_by')
    .select(depositColumns)
}

export async function findDeposit(db: Db, id: number): Promise<DepositRow | undefined> {
  return depositQuery(db).where('d.id', id).first()
}

export async function lockDeposit(db: Db, id: number): Promise<{ id: number } | undefined> {
  return db('deposits').where({ id }).forUpdate().first('id')
}

export async function findDepositByNumber(
  db: Db,
  year: number,
  number: number,
): Promise<DepositRow | undefined> {
  return depositQuery(db).where({ 'd.year': year, 'd.number': number }).first()
}

/** Deposits whose document number matches, ignoring spaces, dashes and case. */
export async function findDepositsByDocumentNumber(db: Db, documentNumber: string): Promise<DepositRow[]> {
  const key = documentNumber.toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (!key) return []
  return depositQuery(db).where('d.document_number_key', key).orderBy('d.id', 'desc').limit(50)
}

/** What the register says is in the place now (a scanned place label in the look-up). */
export async function depositRowsInPlace(db: Db, placeId: number): Promise<DepositRow[]> {
  return depositQuery(db)
    .where({ 'd.place_id': placeId, 'd.state': 'in_deposit' })
    .orderBy(['d.year', 'd.number'])
    .limit(500)
}

export async function findDepositsByHolders(db: Db, holderIds: number[]): Promise<DepositRow[]> {
  if (holderIds.length === 0) return []
  return depositQuery(db).whereIn('d.holder_id', holderIds).orderBy('d.id', 'desc').limit(100)
}

export interface NewDeposit {
  year: number
  number: number
  documentType: string
  documentNumber: string
  issuingCountry: string
  nationality: string | null
  issueDate: string | null
  expiryDate: string | null
  surnamePrinted: string
  givenNamesPrinted: string
  holderId: number
  protectionCaseRef: string | null
  conditionNotes: string | null
  mrz: string | null
  state: CustodyState
  takenInBy: number | null
}

export async function insertDeposit(db: Db, d: NewDeposit): Promise<number> {
  const [row] = await db('deposits')
    .insert({
      year: d.year,
      number: d.number,
      document_type: d.documentType,
      document_number: d.documentNumber,
      issuing_country: d.issuingCountry,
      nationality: d.nationality,
      issue_date: d.issueDate,
      expiry_date: d.expiryDate,
      surname_printed: d.surnamePrinted,
      given_names_printed: d.givenNamesPrinted,
      holder_id: d.holderId,
      protection_case_ref: d.protectionCaseRef,
      condition_notes: d.conditionNotes,
      mrz: d.mrz,
      ...stateColumns(d.state),
      taken_in_by: d.takenInBy,
    })
    .returning('id')
  return Number(row.id)
}

const stateColumns = (s: CustodyState) => ({
  state: s.status,
  place_id: s.placeId,
  seal_number: s.sealNumber,
  seal_mismatch: s.sealMismatch,
  released_to: s.releasedTo,
  due_back_on: s.dueBackOn,
})

/** The cached state, written in the transaction that appends the movement. */
export async function updateDepositState(db: Db, id: number, s: CustodyState): Promise<void> {
  await db('deposits').where({ id }).update(stateColumns(s))
}

export interface MovementRow {
  id: number
  seq: number
  kind: string
  at: Date
  by_name: string
  place_id: number | null
  place_code: string | null
  released_to: string | null
  purpose: string | null
  due_back_on: string | null
  identity_checked: boolean | null
  identity_document: string | null
  acknowledgment: string | null
  authority: string | null
  letter_ref: string | null
  seal_old: string | null
  seal_new: string | null
  seal_mismatch: boolean
  corrects_movement_id: number | null
  note: string | null
  state_after: string
}

export async function listMovements(db: Db, depositId: number): Promise<MovementRow[]> {
  return db('deposit_movements as m')
    .leftJoin('storage_places as p', 'p.id', 'm.place_id')
    .where('m.deposit_id', depositId)
    .orderBy('m.seq')
    .select(
      'm.id',
      'm.seq',
      'm.kind',
      'm.at',
      'm.by_name',
      'm.place_id',
      'p.code as place_code',
      'm.released_to',
      'm.purpose',
      'm.due_back_on',
      'm.identity_checked',
      'm.identity_document',
      'm.acknowledgment',
      'm.authority',
      'm.letter_ref',
      'm.seal_old',
      'm.seal_new',
      'm.seal_mismatch',
      'm.corrects_movement_id',
      'm.note',
      'm.state_after',
    )
}

export function toStored(rows: MovementRow[]): StoredMovement[] {
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as StoredMovement['kind'],
    placeId: r.place_id,
    sealOld: r.seal_old,
    sealNew: r.seal_new,
    releasedTo: r.released_to,
    purpose: r.purpose,
    dueBackOn: r.due_back_on,
    identityChecked: r.identity_checked,
    identityDocument: r.identity_document,
    acknowledgment: r.acknowledgment,
    authority: r.authority,
    letterRef: r.letter_ref,
    correctsMovementId: r.corrects_movement_id,
    note: r.note,
  }))
}

export async function insertMovement(
  db: Db,
  depositId: number,
  m: MovementInput,
  extra: { byUser: number | null; byName: string; sealMismatch: boolean; stateAfter: string },
): Promise<number> {
  const last = await db('deposit_movements')
    .where({ deposit_id: depositId })
    .max<{ max: number | null }>('seq as max')
    .first()
  const [row] = await db('deposit_movements')
    .insert({
      deposit_id: depositId,
      seq: Number(last?.max ?? 0) + 1,
      kind: m.kind,
      by_user: extra.byUser,
      by_name: extra.byName,
      place_id: m.placeId ?? null,
      released_to: m.releasedTo ?? null,
      purpose: m.purpose ?? null,
      due_back_on: m.dueBackOn ?? null,
      identity_checked: m.identityChecked ?? null,
      identity_document: m.identityDocument ?? null,
      acknowledgment: m.acknowledgment ?? null,
      authority: m.authority ?? null,
      letter_ref: m.letterRef ?? null,
      seal_old: m.sealOld ?? null,
      seal_new: m.sealNew ?? null,
      seal_mismatch: extra.sealMismatch,
      corrects_movement_id: m.correctsMovementId ?? null,
      note: m.note ?? null,
      state_after: extra.stateAfter,
    })
    .returning('id')
  return Number(row.id)
}

export interface FileRow {
  id: number
  file_id: string
  sha256: string
  size: number
  mime: string
  original_name: string
  uploaded_at: Date
}

export async function insertFile(
  db: Db,
  f: {
    depositId: number
    fileId: string
    sha256: string
    size: number
    mime: string
    originalName: string
    by: number | null
  },
): Promise<void> {
  await db('deposit_files').insert({
    deposit_id: f.depositId,
    file_id: f.fileId,
    sha256: f.sha256,
    size: f.size,
    mime: f.mime,
    original_name: f.originalName,
    uploaded_by: f.by,
  })
}

export async function listFiles(db: Db, depositId: number): Promise<FileRow[]> {
  return db('deposit_files')
    .where({ deposit_id: depositId })
    .orderBy('id')
    .select('id', 'file_id', 'sha256', 'size', 'mime', 'original_name', 'uploaded_at')
}

export async function findFile(db: Db, depositId: number, id: number): Promise<FileRow | undefined> {
  return db('deposit_files')
    .where({ deposit_id: depositId, id })
    .first('id', 'file_id', 'sha256', 'size', 'mime', 'original_name', 'uploaded_at')
}

// --- Work queues -------------------------------------------------------------------------------

export async function overdueReleases(db: Db, today: string): Promise<DepositRow[]> {
  return depositQuery(db)
    .where('d.state', 'released')
    .andWhere('d.due_back_on', '<', today)
    .orderBy('d.due_back_on')
    .limit(200)
}

export async function countOverdueReleases(db: Db, today: string): Promise<number> {
  const row = await db('deposits')
    .where('state', 'released')
    .andWhere('due_back_on', '<', today)
    .count<{ c: string }>({ c: '*' })
    .first()
  return Number(row?.c ?? 0)
}

/** Documents still held whose holder's protection case has ended: to be returned. */
export async function caseEndedDeposits(db: Db): Promise<DepositRow[]> {
  return depositQuery(db)
    .whereIn('d.state', ['in_deposit', 'released'])
    .andWhere('f.case_status', 'ended')
    .orderBy('d.id')
    .limit(200)
}

export async function countCaseEnded(db: Db): Promise<number> {
  const row = await db('deposits as d')
    .join('foreigners as f', 'f.id', 'd.holder_id')
    .whereIn('d.state', ['in_deposit', 'released'])
    .andWhere('f.case_status', 'ended')
    .count<{ c: string }>({ c: '*' })
    .first()
  return Number(row?.c ?? 0)
}

export async function attentionDeposits(db: Db): Promise<DepositRow[]> {
  return depositQuery(db)
    .where((q) => q.where('d.seal_mismatch', true).orWhere('d.state', 'missing'))
    .orderBy('d.id')
    .limit(200)
}

/** Deposits the register says are in the place now. */
export async function depositsInPlace(
  db: Db,
  placeId: number,
): Promise<Array<{ id: number; year: number; number: number }>> {
  return db('deposits')
    .where({ place_id: placeId, state: 'in_deposit' })
    .orderBy(['year', 'number'])
    .select('id', 'year', 'number')
}
