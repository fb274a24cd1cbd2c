import type { Knex } from 'knex'
import { fieldError } from '../../shared/forms/index.js'
import { changedFields, recordAudit, type Actor } from '../../shared/audit/audit.js'
import type { Db } from '../../shared/db/index.js'
import type { FieldError } from '../../shared/forms/index.js'
import { formatPartialDate, partialDatesAgree, type PartialDate } from './identifiers.js'
import * as repo from './repository.js'
import type { ForeignerEditInput, ForeignerInput } from './schemas.js'

export type ServiceResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] }

export interface DuplicateCandidate {
  foreigner: repo.ForeignerRow
  score: number
  sameBirth: boolean
  sameCitizenship: boolean
}

export interface PersonCriteria {
  surname: string
  givenNames: string
  birth: PartialDate | null
  citizenships: string[]
}

export const birthOf = (f: repo.ForeignerRow): PartialDate | null =>
  f.birth_year ? { year: f.birth_year, month: f.birth_month, day: f.birth_day } : null

/**
 * Likely duplicates of a person about to be recorded: similar names in any transliteration (the name
 * search) with a date of birth that agrees; when either date is unknown, a shared citizenship instead.
 */
export async function findLikelyDuplicates(
  db: Db,
  person: PersonCriteria,
  opts: { excludeId?: number } = {},
): Promise<DuplicateCandidate[]> {
  const matches = await repo.searchForeignersByName(db, `${person.surname} ${person.givenNames}`, {
    limit: 30,
    ...(person.birth ? { birthYear: person.birth.year } : {}),
  })
  const rows = await repo.findForeignersByIds(
    db,
    matches.map((m) => m.id).filter((id) => id !== opts.excludeId),
  )
  const scoreOf = new Map(matches.map((m) => [m.id, m.score]))
  return rows
    .map((foreigner) => {
      const codes = foreigner.citizenships ? foreigner.citizenships.split(',') : []
      return {
        foreigner,
        score: scoreOf.get(foreigner.id) ?? 0,
        sameBirth: partialDatesAgree(person.birth, birthOf(foreigner)),
        sameCitizenship: person.citizenships.some((c) => codes.includes(c)),
      }
    })
    .filter(
      (c) =>
        c.score >= 0.3 && (c.sameBirth || (c.sameCitizenship && (!person.birth || !birthOf(c.foreigner)))),
    )
    .slice(0, 10)
}

export function criteriaOf(input: ForeignerInput): PersonCriteria {
  return {
    surname: input.surname,
    givenNames: input.givenNames,
    birth: input.birthDate ?? null,
    citizenships: [input.citizenship, input.citizenship2].filter((c): c is string => !!c),
  }
}

/**
 * The duplicate check shown before saving: audited, as it shows other people's data. When an existing
 * record is edited, `excludeId` leaves the person out of their own check (and the entry names them).
 */
export async function checkDuplicates(
  db: Knex,
  actor: Actor,
  person: PersonCriteria,
  opts: { excludeId?: number } = {},
): Promise<DuplicateCandidate[]> {
  const found = await findLikelyDuplicates(db, person, opts)
  if (found.length)
    await recordAudit(db, actor, {
      action: 'foreigners.duplicatesShown',
      entityType: 'foreigner',
      ...(opts.excludeId ? { entityId: opts.excludeId } : {}),
      details: {
        criteria: { surname: person.surname, givenNames: person.givenNames, birth: person.birth },
        shown: found.map((c) => c.foreigner.id),
      },
    })
  return found
}

/** Checks that need the database: known country codes, PESEL not already on another record. */
export async function validateForeigner(
  db: Db,
  input: ForeignerInput,
  selfId?: number,
): Promise<FieldError[]> {
  const errors: FieldError[] = []
  const known = await repo.existingCountryCodes(
    db,
    [input.citizenship, input.citizenship2].filter((c): c is string => !!c),
  )
  if (input.citizenship && !known.has(input.citizenship))
    errors.push(fieldError('citizenship', 'foreigners.citizenship.unknown'))
  if (input.citizenship2 && !known.has(input.citizenship2))
    errors.push(fieldError('citizenship2', 'foreigners.citizenship.unknown'))
  const samePesel = input.pesel ? await repo.findByPesel(db, input.pesel) : undefined
  if (samePesel && Number(samePesel.id) !== selfId) errors.push(fieldError('pesel', 'foreigners.pesel.taken'))
  return errors
}

export function toNewForeigner(input: ForeignerInput, createdBy: number | null): repo.NewForeigner {
  return {
    surname: input.surname,
    givenNames: input.givenNames,
    surnameOriginal: input.surnameOriginal ?? null,
    givenNamesOriginal: input.givenNamesOriginal ?? null,
    sex: input.sex ?? null,
    birthYear: input.birthDate?.year ?? null,
    birthMonth: input.birthDate?.month ?? null,
    birthDay: input.birthDate?.day ?? null,
    birthPlace: input.birthPlace ?? null,
    caseNumber: input.caseNumber ?? null,
    pesel: input.pesel ?? null,
    citizenships: [input.citizenship, input.citizenship2].filter((c): c is string => !!c),
    createdBy,
  }
}

/** Inserts a foreigner and its audit entry inside the caller's transaction (deposits reuse this). */
export async function insertForeignerAudited(
  trx: Knex.Transaction,
  actor: Actor,
  f: repo.NewForeigner,
  context: Record<string, unknown> = {},
): Promise<number> {
  const id = await repo.insertForeigner(trx, f)
  const { createdBy: _createdBy, ...after } = f
  await recordAudit(trx, actor, {
    action: 'foreigners.created',
    entityType: 'foreigner',
    entityId: id,
    details: { after, ...context },
  })
  return id
}

export async function createForeigner(
  db: Knex,
  actor: Actor,
  input: ForeignerInput,
): Promise<ServiceResult<number>> {
  const errors = await validateForeigner(db, input)
  if (errors.length) return { ok: false, errors }
  const id = await db.transaction((trx) =>
    insertForeignerAudited(trx, actor, toNewForeigner(input, actor.id), {
      confirmedNotDuplicate: input.confirmedNotDuplicate === 'yes',
    }),
  )
  return { ok: true, value: id }
}

export async function viewForeigner(
  db: Knex,
  actor: Actor,
  id: number,
): Promise<repo.ForeignerRow | undefined> {
  return db.transaction(async (trx) => {
    const row = await repo.findForeigner(trx, id)
    if (row)
      await recordAudit(trx, actor, { action: 'foreigners.viewed', entityType: 'foreigner', entityId: id })
    return row
  })
}

export async function searchByName(
  db: Knex,
  actor: Actor,
  name: string,
  birthYear?: number,
): Promise<Array<{ foreigner: repo.ForeignerRow; score: number; sameSpelling: number }>> {
  const matches = await repo.searchForeignersByName(db, name, { limit: 20, birthYear })
  const ids = matches.map((m) => m.id)
  // The people found are recorded while their details are read; nothing is shown before the row commits.
  const [rows] = await Promise.all([
    repo.findForeignersByIds(db, ids),
    recordAudit(db, actor, {
      action: 'foreigners.searched',
      entityType: 'foreigner',
      details: { criteria: { name, birthYear }, results: ids },
    }),
  ])
  const matchOf = new Map(matches.map((m) => [m.id, m]))
  return rows.map((foreigner) => ({
    foreigner,
    score: matchOf.get(foreigner.id)?.score ?? 0,
    sameSpelling: matchOf.get(foreigner.id)?.sameSpelling ?? 0,
  }))
}

export async function setCaseStatus(
  db: Knex,
  actor: Actor,
  id: number,
  status: 'open' | 'ended',
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await repo.findForeigner(trx, id)
    if (!before) return false
    if (before.case_status === status) return true
    await repo.updateCaseStatus(trx, id, status)
    await recordAudit(trx, actor, {
      action: 'foreigners.caseStatusChanged',
      entityType: 'foreigner',
      entityId: id,
      details: { before: { caseStatus: before.case_status }, after: { caseStatus: status } },
    })
    return true
  })
}

// --- Editing a record ----------------------------------------------------------------------------

/** The record's editable details, keyed as the audit log keys them (citizenships sorted). */
export function detailsOf(f: repo.ForeignerRow): repo.ForeignerDetails {
  return {
    surname: f.surname,
    givenNames: f.given_names,
    surnameOriginal: f.surname_original,
    givenNamesOriginal: f.given_names_original,
    sex: f.sex,
    birthYear: f.birth_year,
    birthMonth: f.birth_month,
    birthDay: f.birth_day,
    birthPlace: f.birth_place,
    caseNumber: f.case_number,
    pesel: f.pesel,
    citizenships: f.citizenships ? f.citizenships.split(',') : [],
    caseStatus: f.case_status,
  }
}

export function detailsFromInput(input: ForeignerEditInput): repo.ForeignerDetails {
  const { createdBy: _createdBy, ...fields } = toNewForeigner(input, null)
  return { ...fields, citizenships: [...new Set(fields.citizenships)].sort(), caseStatus: input.caseStatus }
}

/** The edit form's values for a record as it is saved now. */
export function formValuesOf(f: repo.ForeignerRow): Record<string, unknown> {
  const codes = f.citizenships ? f.citizenships.split(',') : []
  return {
    surname: f.surname,
    givenNames: f.given_names,
    surnameOriginal: f.surname_original ?? '',
    givenNamesOriginal: f.given_names_original ?? '',
    sex: f.sex ?? '',
    birthDate: formatPartialDate(f),
    birthPlace: f.birth_place ?? '',
    citizenship: codes[0] ?? '',
    citizenship2: codes[1] ?? '',
    caseNumber: f.case_number ?? '',
    pesel: f.pesel ?? '',
    caseStatus: f.case_status,
    version: f.version,
  }
}

/** Whether the edit changes what the duplicate check compares: the names or the date of birth. */
export function identityChanged(current: repo.ForeignerRow, input: ForeignerEditInput): boolean {
  const before = detailsOf(current)
  const after = detailsFromInput(input)
  return (['surname', 'givenNames', 'birthYear', 'birthMonth', 'birthDay'] as const).some(
    (k) => (before[k] ?? null) !== (after[k] ?? null),
  )
}

/** The record shown in the edit form: a view of personal data, audited as one. */
export async function viewForEdit(
  db: Knex,
  actor: Actor,
  id: number,
): Promise<repo.ForeignerRow | undefined> {
  const row = await repo.findForeigner(db, id)
  if (row)
    await recordAudit(db, actor, {
      action: 'foreigners.viewed',
      entityType: 'foreigner',
      entityId: id,
      details: { purpose: 'edit' },
    })
  return row
}

export type UpdateOutcome =
  | { status: 'saved'; changed: string[] }
  | { status: 'invalid'; errors: FieldError[] }
  /** Someone saved the record after the form was shown: nothing written; `current` is the record now. */
  | { status: 'conflict'; current: repo.ForeignerRow }
  | { status: 'notFound' }

/**
 * Saves corrected details in one transaction: the record is locked, its version compared with the one
 * the form was shown (a mismatch writes nothing), the row and its citizenships written, and one audit
 * entry with the changed fields only (old → new), as the module's other entries keep them.
 * The name-search columns follow by themselves (generated columns; the deletions trigger).
 */
export async function updateForeigner(
  db: Knex,
  actor: Actor,
  id: number,
  input: ForeignerEditInput,
): Promise<UpdateOutcome> {
  const errors = await validateForeigner(db, input, id)
  if (errors.length) return { status: 'invalid', errors }
  return db.transaction(async (trx) => {
    const current = await repo.lockForeigner(trx, id)
    if (!current) return { status: 'notFound' }
    if (current.version !== input.version) return { status: 'conflict', current }
    const before = detailsOf(current)
    const after = detailsFromInput(input)
    const diff = changedFields(
      before as unknown as Record<string, unknown>,
      after as unknown as Record<string, unknown>,
    )
    const changed = Object.keys(diff.after)
    if (changed.length === 0) return { status: 'saved', changed }
    await repo.updateForeigner(trx, id, after, before.caseStatus !== after.caseStatus)
    await recordAudit(trx, actor, {
      action: 'foreigners.updated',
      entityType: 'foreigner',
      entityId: id,
      details: {
        ...diff,
        version: current.version,
        ...(input.confirmedNotDuplicate === 'yes' ? { confirmedNotDuplicate: true } : {}),
      },
    })
    return { status: 'saved', changed }
  })
}

/** Audit keys → the form field whose label names them in the history. */
const historyField: Record<string, string> = {
  surname: 'surname',
  givenNames: 'givenNames',
  surnameOriginal: 'surnameOriginal',
  givenNamesOriginal: 'givenNamesOriginal',
  sex: 'sex',
  birthYear: 'birthDate',
  birthMonth: 'birthDate',
  birthDay: 'birthDate',
  birthPlace: 'birthPlace',
  caseNumber: 'caseNumber',
  pesel: 'pesel',
  citizenships: 'citizenship',
  caseStatus: 'caseStatus',
}

export interface HistoryItem {
  at: Date
  who: string
  action: 'created' | 'updated' | 'caseStatusChanged'
  /** Form field names (catalog `foreigners.<field>.label`), in form order. */
  fields: string[]
}

/** Who changed the record, when, and which fields (not the values: those stay in the audit log). */
export async function history(db: Db, id: number): Promise<HistoryItem[]> {
  const order = Object.values(historyField)
  const rows = await repo.foreignerHistory(db, id)
  return rows.map((r) => {
    const details = typeof r.details === 'string' ? JSON.parse(r.details) : r.details
    const keys = Object.keys((details as { after?: Record<string, unknown> }).after ?? {})
    const fields = [...new Set(keys.map((k) => historyField[k]).filter((f): f is string => !!f))].sort(
      (a, b) => order.indexOf(a) - order.indexOf(b),
    )
    return {
      at: r.at,
      who: r.actor_name ?? 'system',
      action: r.action.slice('foreigners.'.length) as HistoryItem['action'],
      fields: r.action === 'foreigners.created' ? [] : fields,
    }
  })
}
