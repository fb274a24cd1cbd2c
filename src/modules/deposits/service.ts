import type { Knex } from 'knex'
import { fieldError } from '../../shared/forms/index.js'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import { nextNumber } from '../../shared/db/counters.js'
import type { Db } from '../../shared/db/index.js'
import type { FieldError } from '../../shared/forms/index.js'
import type { StoredFile } from '../../shared/files/store.js'
import type { UploadedFile } from '../../shared/files/upload.js'
import * as foreigners from '../foreigners/repository.js'
import { checkDuplicates, insertForeignerAudited, type DuplicateCandidate } from '../foreigners/service.js'
import { applyMovement, nextState, type MovementInput } from './custody.js'
import { depositNumber, parseDepositNumber } from './numbers.js'
import * as repo from './repository.js'
import type { DepositInput, MovementFormInput } from './schemas.js'
import { officeToday, officeYear } from '../../shared/clock/office.js'

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] }

const auditAction: Record<MovementInput['kind'], string> = {
  taken_in: 'deposits.takenIn',
  moved: 'deposits.moved',
  resealed: 'deposits.resealed',
  released: 'deposits.released',
  returned_to_deposit: 'deposits.returnedToDeposit',
  returned_to_owner: 'deposits.returnedToOwner',
  handed_over: 'deposits.handedOver',
  reported_missing: 'deposits.reportedMissing',
  found: 'deposits.found',
  correction: 'deposits.corrected',
}

// --- Storage places ------------------------------------------------------------------------------

export async function createPlace(
  db: Knex,
  actor: Actor,
  input: { code: string; kind: string; name: string },
): Promise<Result<number>> {
  if (await repo.findPlaceByCode(db, input.code))
    return { ok: false, errors: [fieldError('code', 'deposits.places.code.taken')] }
  const id = await db.transaction(async (trx) => {
    const newId = await repo.insertPlace(trx, { ...input, createdBy: actor.id })
    await recordAudit(trx, actor, {
      action: 'deposits.placeCreated',
      entityType: 'storage_place',
      entityId: newId,
      details: { after: input },
    })
    return newId
  })
  return { ok: true, value: id }
}

export async function setPlaceActive(db: Knex, actor: Actor, id: number, active: boolean): Promise<void> {
  await db.transaction(async (trx) => {
    await repo.setPlaceActive(trx, id, active)
    await recordAudit(trx, actor, {
      action: active ? 'deposits.placeReactivated' : 'deposits.placeDeactivated',
      entityType: 'storage_place',
      entityId: id,
    })
  })
}

async function activePlace(db: Db, id: number | undefined | null): Promise<boolean> {
  if (!id) return false
  const place = await repo.findPlace(db, id)
  return !!place?.active
}

// --- Taking a document in ------------------------------------------------------------------------

/** Checks that need the database: known country codes, an active place, an existing holder. */
export async function validateDeposit(db: Db, input: DepositInput): Promise<FieldError[]> {
  const errors: FieldError[] = []
  const codes = [input.issuingCountry, input.nationality].filter((c): c is string => !!c)
  const known = await foreigners.existingCountryCodes(db, codes)
  if (!known.has(input.issuingCountry))
    errors.push(fieldError('issuingCountry', 'deposits.issuingCountry.unknown'))
  if (input.nationality && !known.has(input.nationality))
    errors.push(fieldError('nationality', 'deposits.nationality.unknown'))
  if (input.issueDate && input.expiryDate && input.issueDate > input.expiryDate)
    errors.push(fieldError('expiryDate', 'deposits.expiryDate.beforeIssue'))
  if (input.holder && input.holder !== 'new' && !(await foreigners.findForeigner(db, Number(input.holder))))
    errors.push(fieldError('holder', 'deposits.holder.required'))
  if (!(await activePlace(db, input.placeId))) errors.push(fieldError('placeId', 'deposits.placeId.required'))
  return errors
}

/** People already on record who may be the holder (shown before a new foreigner is created). */
export function holderCandidates(
  db: Knex,
  actor: Actor,
  input: Partial<DepositInput>,
): Promise<DuplicateCandidate[]> {
  if (!input.surname) return Promise.resolve([])
  return checkDuplicates(db, actor, {
    surname: input.surname,
    givenNames: input.givenNames ?? '',
    birth: input.birthDate ?? null,
    citizenships: input.nationality ? [input.nationality] : [],
  })
}

/** A scan already in the file store, with what the upload said about it. */
export interface StoredScan {
  file: StoredFile
  upload: Pick<UploadedFile, 'mime' | 'originalName'>
}

/**
 * Takes a document into deposit: the holder (an existing foreigner, or a new one from the document's
 * data), the next deposit number of the year, the first movement, the scans, and the audit entry, all
 * in one transaction. `claim` takes over scans held as pending uploads in that same transaction (their
 * pending rows go as the deposit's file rows come; if it throws, nothing is saved).
 */
export async function takeIn(
  db: Knex,
  actor: Actor,
  input: DepositInput,
  fresh: StoredScan[],
  now = new Date(),
  claim?: (trx: Knex.Transaction) => Promise<StoredScan[]>,
): Promise<{ id: number; year: number; number: number }> {
  return db.transaction(async (trx) => {
    const stored = [...(claim ? await claim(trx) : []), ...fresh]
    let holderId: number
    if (input.holder && input.holder !== 'new') holderId = Number(input.holder)
    else
      holderId = await insertForeignerAudited(
        trx,
        actor,
        {
          surname: input.surname,
          givenNames: input.givenNames,
          sex: input.sex ?? null,
          birthYear: input.birthDate?.year ?? null,
          birthMonth: input.birthDate?.month ?? null,
          birthDay: input.birthDate?.day ?? null,
          citizenships: input.nationality ? [input.nationality] : [],
          createdBy: actor.id,
        },
        { source: 'deposits.takeIn' },
      )
    const first = applyMovement(null, { kind: 'taken_in', placeId: input.placeId, sealNew: input.sealNumber })
    if (!first.ok) throw new Error(`taking in refused: ${first.key}`)
    const year = officeYear(now)
    // As late as possible: the counter row stays locked until this transaction commits.
    const number = await nextNumber(trx, 'deposits.deposit', year)
    const id = await repo.insertDeposit(trx, {
      year,
      number,
      documentType: input.documentType,
      documentNumber: input.documentNumber,
      issuingCountry: input.issuingCountry,
      nationality: input.nationality ?? null,
      issueDate: input.issueDate ?? null,
      expiryDate: input.expiryDate ?? null,
      surnamePrinted: input.surname,
      givenNamesPrinted: input.givenNames,
      holderId,
      protectionCaseRef: input.protectionCaseRef ?? null,
      conditionNotes: input.conditionNotes ?? null,
      mrz: input.mrz ?? null,
      state: first.state,
      takenInBy: actor.id,
    })
    await repo.insertMovement(
      trx,
      id,
      { kind: 'taken_in', placeId: input.placeId, sealNew: input.sealNumber },
      { byUser: actor.id, byName: actor.name, sealMismatch: false, stateAfter: first.state.status },
    )
    for (const { file, upload } of stored)
      await repo.insertFile(trx, {
        depositId: id,
        fileId: file.id,
        sha256: file.sha256,
        size: file.size,
        mime: upload.mime,
        originalName: upload.originalName,
        by: actor.id,
      })
    await recordAudit(trx, actor, {
      action: 'deposits.takenIn',
      entityType: 'deposit',
      entityId: id,
      details: {
        after: {
          number: depositNumber({ year, number }),
          documentType: input.documentType,
          documentNumber: input.documentNumber,
          issuingCountry: input.issuingCountry,
          holderId,
          placeId: input.placeId,
          sealNumber: input.sealNumber,
          files: stored.map((s) => s.file.sha256),
        },
      },
    })
    return { id, year, number }
  })
}

// --- Movements -----------------------------------------------------------------------------------

export function toMovement(input: MovementFormInput): MovementInput {
  return {
    kind: input.kind,
    placeId: input.placeId ?? null,
    sealOld: input.sealOld ?? null,
    sealNew: input.sealNew ?? null,
    releasedTo: input.releasedTo ?? null,
    purpose: input.purpose ?? null,
    dueBackOn: input.dueBackOn ?? null,
    identityChecked: input.identityChecked,
    identityDocument: input.identityDocument ?? null,
    acknowledgment: input.acknowledgment ?? null,
    authority: input.authority ?? null,
    letterRef: input.letterRef ?? null,
    correctsMovementId: input.correctsMovementId ?? null,
    note: input.note ?? null,
  }
}

/** Fields a movement keeps; the rest of the form is ignored so a stray value is not recorded. */
const kept: Record<MovementInput['kind'], Array<keyof MovementInput>> = {
  taken_in: ['placeId', 'sealNew', 'note'],
  moved: ['placeId', 'note'],
  resealed: ['sealOld', 'sealNew', 'note'],
  released: ['releasedTo', 'purpose', 'dueBackOn', 'sealOld', 'note'],
  returned_to_deposit: ['placeId', 'sealNew', 'note'],
  returned_to_owner: ['identityChecked', 'identityDocument', 'acknowledgment', 'sealOld', 'note'],
  handed_over: ['authority', 'letterRef', 'sealOld', 'note'],
  reported_missing: ['note'],
  found: ['placeId', 'sealNew', 'note'],
  correction: ['correctsMovementId', 'placeId', 'note'],
}

function onlyKept(m: MovementInput): MovementInput {
  const out: MovementInput = { kind: m.kind }
  for (const k of kept[m.kind]) (out as unknown as Record<string, unknown>)[k] = m[k]
  return out
}

export interface MovementOutcome {
  movementId: number
  sealMismatch: boolean
}

/**
 * Records one movement: the deposit row is locked (movements of one document queue), the history is
 * replayed, the movement checked against it, appended, and the cached state updated; audited.
 */
export async function recordMovement(
  db: Knex,
  actor: Actor,
  depositId: number,
  raw: MovementInput,
  now = new Date(),
): Promise<Result<MovementOutcome>> {
  const m = onlyKept(raw)
  if (m.kind === 'released' && m.dueBackOn && m.dueBackOn < officeToday(now))
    return { ok: false, errors: [fieldError('dueBackOn', 'deposits.movement.dueBackOn.past')] }
  if (m.placeId && !(await activePlace(db, m.placeId)))
    return { ok: false, errors: [fieldError('placeId', 'deposits.movement.placeId.required')] }
  return db.transaction(async (trx) => {
    if (!(await repo.lockDeposit(trx, depositId)))
      return { ok: false, errors: [fieldError('kind', 'deposits.notFound')] } as Result<MovementOutcome>
    const rows = await repo.listMovements(trx, depositId)
    const next = nextState(repo.toStored(rows), m)
    if (!next.ok)
      return {
        ok: false,
        errors: [fieldError(next.field ?? 'kind', next.key, next.params)],
      } as Result<MovementOutcome>
    const movementId = await repo.insertMovement(trx, depositId, m, {
      byUser: actor.id,
      byName: actor.name,
      sealMismatch: next.sealMismatch,
      stateAfter: next.state.status,
    })
    await repo.updateDepositState(trx, depositId, next.state)
    const { kind: _kind, ...details } = m
    await recordAudit(trx, actor, {
      action: auditAction[m.kind],
      entityType: 'deposit',
      entityId: depositId,
      details: {
        movementId,
        ...Object.fromEntries(Object.entries(details).filter(([, v]) => v !== null && v !== undefined)),
        stateAfter: next.state.status,
        ...(next.sealMismatch ? { sealMismatch: true } : {}),
      },
    })
    return { ok: true, value: { movementId, sealMismatch: next.sealMismatch } }
  })
}

// --- Reading (every view of a deposit is audited) ------------------------------------------------

export async function viewDeposit(
  db: Knex,
  actor: Actor,
  id: number,
  action: 'deposits.viewed' | 'deposits.historyViewed',
): Promise<{ deposit: repo.DepositRow; movements: repo.MovementRow[]; files: repo.FileRow[] } | null> {
  return db.transaction(async (trx) => {
    const deposit = await repo.findDeposit(trx, id)
    if (!deposit) return null
    await recordAudit(trx, actor, { action, entityType: 'deposit', entityId: id })
    return { deposit, movements: await repo.listMovements(trx, id), files: await repo.listFiles(trx, id) }
  })
}

export type LookupKind = 'depositNumber' | 'place' | 'documentNumber' | 'name'

/**
 * The hall look-up: one box for a scanned barcode or deposit number, a storage place label (what is
 * there now), a document number, or a surname in any transliteration. Audited with the criteria and
 * what was shown.
 */
export async function lookup(
  db: Knex,
  actor: Actor,
  q: string,
): Promise<{ kind: LookupKind; deposits: repo.DepositRow[] }> {
  let kind: LookupKind
  let deposits: repo.DepositRow[]
  const number = parseDepositNumber(q)
  if (number) {
    kind = 'depositNumber'
    const d = await repo.findDepositByNumber(db, number.year, number.number)
    deposits = d ? [d] : []
  } else if (/^LOC-/i.test(q.trim())) {
    kind = 'place'
    const place = await repo.findPlaceByCode(db, q.trim().slice(4))
    deposits = place ? await repo.depositRowsInPlace(db, place.id) : []
  } else if (/\d/.test(q)) {
    kind = 'documentNumber'
    deposits = await repo.findDepositsByDocumentNumber(db, q)
  } else {
    kind = 'name'
    const matches = await foreigners.searchForeignersByName(db, q, { limit: 20, onlyDepositHolders: true })
    const rank = new Map(matches.map((m, i) => [m.id, i]))
    deposits = (
      await repo.findDepositsByHolders(
        db,
        matches.map((m) => m.id),
      )
    ).sort((a, b) => (rank.get(a.holder_id) ?? 0) - (rank.get(b.holder_id) ?? 0) || b.id - a.id)
  }
  await recordAudit(db, actor, {
    action: 'deposits.searched',
    entityType: 'deposit',
    details: { criteria: { q, kind }, results: deposits.map((d) => d.id) },
  })
  return { kind, deposits }
}

export async function holderDeposits(db: Knex, actor: Actor, holderId: number): Promise<repo.DepositRow[]> {
  const deposits = await repo.findDepositsByHolders(db, [holderId])
  await recordAudit(db, actor, {
    action: 'deposits.searched',
    entityType: 'foreigner',
    entityId: holderId,
    details: { criteria: { holderId }, results: deposits.map((d) => d.id) },
  })
  return deposits
}

/** A list page that shows deposits (and their holders' names): one entry with the deposits shown. */
export async function auditList(
  db: Knex,
  actor: Actor,
  list: string,
  deposits: Array<{ id: number }>,
): Promise<void> {
  await recordAudit(db, actor, {
    action: 'deposits.listViewed',
    entityType: 'deposit',
    details: { list, shown: [...new Set(deposits.map((d) => d.id))] },
  })
}

export async function auditPrint(
  db: Knex,
  actor: Actor,
  depositId: number,
  action: 'deposits.receiptPrinted' | 'deposits.labelPrinted' | 'deposits.fileDownloaded',
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(db, actor, { action, entityType: 'deposit', entityId: depositId, details })
}
