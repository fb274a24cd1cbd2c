import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import type { Database } from '../../../shared/db/index.js'
import type { Actor } from '../../../shared/audit/audit.js'
import * as repo from '../repository.js'
import * as service from '../service.js'
import { foreignerEditForm, type ForeignerEditInput } from '../schemas.js'

let database: Database
let db: Knex
const actor: Actor = { id: null, name: 'Test Editor', unit: null }

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
})
afterAll(() => database.close())

const insert = (
  surname: string,
  givenNames: string,
  birth: [number, number, number],
  citizenships: string[],
) =>
  repo.insertForeigner(db, {
    surname,
    givenNames,
    birthYear: birth[0],
    birthMonth: birth[1],
    birthDay: birth[2],
    citizenships,
    createdBy: null,
  })

/** The edit form of the record as it is now, with the given fields changed. */
async function edit(id: number, changes: Record<string, unknown>): Promise<ForeignerEditInput> {
  const row = await repo.findForeigner(db, id)
  return foreignerEditForm.parse({ ...service.formValuesOf(row!), ...changes })
}

const found = async (name: string) =>
  (await repo.searchForeignersByName(db, name, { limit: 20 })).map((m) => m.id)

describe('correcting a foreigner', () => {
  it('writes only the changed fields to the audit entry, old → new, and bumps the version', async () => {
    const id = await insert('Petrenko', 'Ivan', [1980, 5, 1], ['UKR'])
    const before = await repo.findForeigner(db, id)
    expect(before!.version).toBe(1)
    const result = await service.updateForeigner(
      db,
      actor,
      id,
      await edit(id, { birthPlace: 'Kijów', citizenship2: 'POL', pesel: '44051401359' }),
    )
    expect(result).toEqual({ status: 'saved', changed: ['birthPlace', 'pesel', 'citizenships'] })
    const after = await repo.findForeigner(db, id)
    expect(after).toMatchObject({
      birth_place: 'Kijów',
      pesel: '44051401359',
      citizenships: 'POL,UKR',
      version: 2,
    })
    const audit = await db('audit_log')
      .where({ action: 'foreigners.updated', entity_id: String(id) })
      .first()
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details
    expect(details.before).toEqual({ birthPlace: null, pesel: null, citizenships: ['UKR'] })
    expect(details.after).toEqual({ birthPlace: 'Kijów', pesel: '44051401359', citizenships: ['POL', 'UKR'] })
    expect(audit.actor_name).toBe('Test Editor')
  })

  it('writes nothing when nothing changed', async () => {
    const id = await insert('Bondarenko', 'Olha', [1975, 2, 2], ['UKR'])
    expect(await service.updateForeigner(db, actor, id, await edit(id, {}))).toEqual({
      status: 'saved',
      changed: [],
    })
    expect((await repo.findForeigner(db, id))!.version).toBe(1)
    expect(
      await db('audit_log')
        .where({ action: 'foreigners.updated', entity_id: String(id) })
        .first(),
    ).toBeUndefined()
  })

  it('refuses a save on a version that is no longer current and leaves the record as the other person saved it', async () => {
    const id = await insert('Melnyk', 'Petro', [1970, 3, 3], ['UKR'])
    const mine = await edit(id, { birthPlace: 'Lwów' })
    const theirs = await edit(id, { birthPlace: 'Odessa' })
    expect((await service.updateForeigner(db, actor, id, theirs)).status).toBe('saved')
    const second = await service.updateForeigner(db, actor, id, mine)
    expect(second.status).toBe('conflict')
    if (second.status === 'conflict') expect(second.current.birth_place).toBe('Odessa')
    expect((await repo.findForeigner(db, id))!.birth_place).toBe('Odessa')
  })

  it('a case status change elsewhere also makes the form stale', async () => {
    const id = await insert('Tkachenko', 'Iryna', [1991, 4, 4], ['UKR'])
    const mine = await edit(id, { birthPlace: 'Charków' })
    await service.setCaseStatus(db, actor, id, 'ended')
    expect((await service.updateForeigner(db, actor, id, mine)).status).toBe('conflict')
  })

  it('sets and clears the case end date with the case status', async () => {
    const id = await insert('Shevchuk', 'Anna', [1992, 5, 5], ['UKR'])
    await service.updateForeigner(db, actor, id, await edit(id, { caseStatus: 'ended' }))
    expect((await repo.findForeigner(db, id))!.case_ended_on).not.toBeNull()
    await service.updateForeigner(db, actor, id, await edit(id, { caseStatus: 'open' }))
    expect((await repo.findForeigner(db, id))!.case_ended_on).toBeNull()
  })

  it("refuses another person's PESEL but keeps the person's own", async () => {
    const a = await insert('Kravchenko', 'Oleh', [1944, 5, 14], ['UKR'])
    const b = await insert('Kravets', 'Oleh', [1985, 6, 6], ['UKR'])
    expect(
      (await service.updateForeigner(db, actor, a, await edit(a, { pesel: '44051401458' }))).status,
    ).toBe('saved')
    expect((await service.updateForeigner(db, actor, a, await edit(a, { birthPlace: 'Kijów' }))).status).toBe(
      'saved',
    )
    const refused = await service.updateForeigner(db, actor, b, await edit(b, { pesel: '44051401458' }))
    expect(refused).toMatchObject({
      status: 'invalid',
      errors: [{ field: 'pesel', key: 'foreigners.pesel.taken' }],
    })
  })

  it('keeps the name search in step: found by the new name, no longer by the old surname unless someone else has it', async () => {
    const renamed = await insert('Zhukovskyi', 'Mykola', [1960, 7, 7], ['UKR'])
    const namesake = await insert('Zhukovskyi', 'Stepan', [1962, 8, 8], ['UKR'])
    const alone = await insert('Hrytsenko', 'Vasyl', [1963, 9, 9], ['UKR'])
    expect(await found('Zhukovskyi')).toContain(renamed)

    await service.updateForeigner(db, actor, renamed, await edit(renamed, { surname: 'Nakamura' }))
    await service.updateForeigner(db, actor, alone, await edit(alone, { surname: 'Okonkwo' }))
    expect(await found('Nakamura')).toContain(renamed)
    expect(await found('Nakamura Mykola')).toContain(renamed)
    expect(await found('Okonkwo')).toContain(alone)
    // The old surname still finds the namesake, and no longer the renamed person.
    expect(await found('Zhukovskyi')).toEqual(expect.arrayContaining([namesake]))
    expect(await found('Zhukovskyi')).not.toContain(renamed)
    expect(await found('Hrytsenko')).not.toContain(alone)
    // The keys themselves: the row's generated key moved; the old key points to the namesake only.
    const keys = await db('foreigners')
      .whereIn('id', [renamed, namesake])
      .select('id', 'surname_key', 'pair_key')
    const renamedKeys = keys.find((k) => Number(k.id) === renamed)!
    expect(renamedKeys.surname_key).toBe('nakamura')
    // The second-generation keys (migration 202) follow too: pair key and its word dictionary.
    const [pairSurname] = String(renamedKeys.pair_key).split(' ')
    expect(
      await db('foreigner_name_words').where({ variant: pairSurname, part: 's', word: pairSurname }).first(),
    ).toBeTruthy()
    expect(
      await db('foreigners')
        .where({ pair_key: keys.find((k) => Number(k.id) === namesake)!.pair_key })
        .pluck('id'),
    ).not.toContain(renamed)
    const oldKeyPeople = await db('foreigners').where({ surname_key: 'zhukovskyi' }).pluck('id')
    expect(oldKeyPeople.map(Number)).toEqual([namesake])
    expect(
      await db('foreigner_name_deletions').where({ variant: 'nakamura', surname_key: 'nakamura' }).first(),
    ).toBeTruthy()
  })

  it('the duplicate check leaves the person out of their own check and finds the one they now look like', async () => {
    const other = await insert('Lysenko', 'Maria', [1988, 10, 10], ['UKR'])
    const self = await insert('Lysenko', 'Marta', [1987, 1, 1], ['UKR'])
    const input = await edit(self, { givenNames: 'Maria', birthDate: '10.10.1988' })
    const current = (await repo.findForeigner(db, self))!
    expect(service.identityChanged(current, input)).toBe(true)
    expect(service.identityChanged(current, await edit(self, { birthPlace: 'Kijów' }))).toBe(false)
    const dups = await service.checkDuplicates(db, actor, service.criteriaOf(input), { excludeId: self })
    expect(dups.map((d) => d.foreigner.id)).toEqual([other])
    const unchanged = await service.checkDuplicates(db, actor, service.criteriaOf(await edit(other, {})), {
      excludeId: other,
    })
    expect(unchanged.map((d) => d.foreigner.id)).not.toContain(other)
  })

  it('the history names who changed which fields, newest first, without the values', async () => {
    const id = await insert('Savchenko', 'Nadiya', [1981, 5, 11], ['UKR'])
    await service.updateForeigner(db, actor, id, await edit(id, { birthDate: '12.05.1981', sex: 'F' }))
    await service.setCaseStatus(db, { ...actor, name: 'Second Editor' }, id, 'ended')
    const history = await service.history(db, id)
    expect(history.map((h) => [h.who, h.action, h.fields])).toEqual([
      ['Second Editor', 'caseStatusChanged', ['caseStatus']],
      ['Test Editor', 'updated', ['sex', 'birthDate']],
    ])
    expect(JSON.stringify(history)).not.toContain('1981')
  })
})
