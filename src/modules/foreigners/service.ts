import type { Knex } from 'knex'
import { fieldError } from '../../shared/forms/index.js'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import type { Db } from '../../shared/db/index.js'
import type { FieldError } from '../../shared/forms/index.js'
import { partialDatesAgree, type PartialDate } from './identifiers.js'
import * as repo from './repository.js'
import type { ForeignerInput } from './schemas.js'

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
export async function findLikelyDuplicates(db: Db, person: PersonCriteria): Promise<DuplicateCandidate[]> {
  const matches = await repo.searchForeignersByName(db, `${person.surname} ${person.givenNames}`, {
    limit: 30,
    ...(person.birth ? { birthYear: person.birth.year } : {}),
  })
  const rows = await repo.findForeignersByIds(
    db,
    matches.map((m) => m.id),
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

/** The duplicate check shown before saving: audited, as it shows other people's data. */
export async function checkDuplicates(
  db: Knex,
  actor: Actor,
  person: PersonCriteria,
): Promise<DuplicateCandidate[]> {
  const found = await findLikelyDuplicates(db, person)
  if (found.length)
    await recordAudit(db, actor, {
      action: 'foreigners.duplicatesShown',
      entityType: 'foreigner',
      details: {
        criteria: { surname: person.surname, givenNames: person.givenNames, birth: person.birth },
        shown: found.map((c) => c.foreigner.id),
      },
    })
  return found
}

/** Checks that need the database: known country codes, PESEL not already on another record. */
export async function validateForeigner(db: Db, input: ForeignerInput): Promise<FieldError[]> {
  const errors: FieldError[] = []
  const known = await repo.existingCountryCodes(
    db,
    [input.citizenship, input.citizenship2].filter((c): c is string => !!c),
  )
  if (input.citizenship && !known.has(input.citizenship))
    errors.push(fieldError('citizenship', 'foreigners.citizenship.unknown'))
  if (input.citizenship2 && !known.has(input.citizenship2))
    errors.push(fieldError('citizenship2', 'foreigners.citizenship.unknown'))
  if (input.pesel && (await repo.findByPesel(db, input.pesel)))
    errors.push(fieldError('pesel', 'foreigners.pesel.taken'))
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
  const rows = await repo.findForeignersByIds(
    db,
    matches.map((m) => m.id),
  )
  const matchOf = new Map(matches.map((m) => [m.id, m]))
  await recordAudit(db, actor, {
    action: 'foreigners.searched',
    entityType: 'foreigner',
    details: { criteria: { name, birthYear }, results: rows.map((r) => r.id) },
  })
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
