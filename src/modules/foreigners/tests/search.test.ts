import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import type { Database } from '../../../shared/db/index.js'
import { systemActor } from '../../../shared/audit/audit.js'
import * as repo from '../repository.js'
import { findLikelyDuplicates } from '../service.js'

let database: Database
let db: Knex
const ids: Record<string, number> = {}

async function person(
  label: string,
  surname: string,
  givenNames: string,
  birth: [number, number | null, number | null] | null,
  citizenships: string[],
) {
  ids[label] = await repo.insertForeigner(db, {
    surname,
    givenNames,
    birthYear: birth?.[0] ?? null,
    birthMonth: birth?.[1] ?? null,
    birthDay: birth?.[2] ?? null,
    citizenships,
    createdBy: null,
  })
}

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
  await person('taras', 'Shevchenko', 'Taras', [1984, 3, 9], ['UKR'])
  await person('oleksandr', 'Kovalenko', 'Oleksandr', [1990, 1, 2], ['UKR'])
  await person('mohammed', 'Al-Rashid', 'Mohammed', [1979, null, null], ['SYR'])
  await person('nino', 'Beridze', 'Nino', [1995, 7, 7], ['GEO'])
  await person('anna', 'Kowalska', 'Anna', [1960, 1, 1], ['POL'])
  for (let i = 0; i < 30; i++)
    await person(`noise${i}`, `Petrenko${'abcdefghij'[i % 10]}`, 'Ivan', [1970 + i, 1, 1], ['UKR'])
})
afterAll(() => database.close())

const top = async (q: string) => (await repo.searchForeignersByName(db, q))[0]?.id

describe('name search over transliterations and typos', () => {
  it('finds Shevchenko however it is spelt', async () => {
    for (const q of [
      'Szewczenko',
      'Ševčenko',
      'Schewtschenko',
      'Chevtchenko',
      'Shevcenko',
      'Szewczenko Taras',
      'Taras Shevchenko',
    ])
      expect(await top(q), q).toBe(ids.taras)
  })
  it('finds Oleksandr as Aleksandr or Olexandr, and by a misspelt surname', async () => {
    expect(await top('Kowalenko Aleksandr')).toBe(ids.oleksandr)
    expect(await top('Kovalenko Olexandr')).toBe(ids.oleksandr)
    expect(await top('Kovalanko')).toBe(ids.oleksandr)
  })
  it('finds Mohammed al-Rashid as Muhammad Rashid', async () => {
    expect(await top('Muhammad Rashid')).toBe(ids.mohammed)
    expect(await top('el-Rachid Mohamed')).toBe(ids.mohammed)
  })
  it('falls back to trigrams when no word is one edit away', async () => {
    expect(await top('Beridzee Ninno')).toBe(ids.nino)
  })
  it('returns nothing for a name nobody has, and nothing for punctuation only', async () => {
    expect(await repo.searchForeignersByName(db, 'Zzyzx Qwerty')).toEqual([])
    expect(await repo.searchForeignersByName(db, '--- ')).toEqual([])
  })
  it('keeps the deletion dictionary in step when a surname is inserted', async () => {
    const row = await db('foreigner_name_deletions').where({ variant: 'bridze' }).first('surname_key')
    expect(row?.surname_key).toBe('beridze')
  })
})

describe('likely duplicates before saving', () => {
  it('shows a person with a similar name in another transliteration and the same date of birth', async () => {
    const found = await findLikelyDuplicates(db, {
      surname: 'Szewczenko',
      givenNames: 'Taras',
      birth: { year: 1984, month: 3, day: 9 },
      citizenships: [],
    })
    expect(found.map((c) => c.foreigner.id)).toEqual([ids.taras])
    expect(found[0]).toMatchObject({ sameBirth: true, sameCitizenship: false })
  })
  it('shows a similar name with the same citizenship when the date of birth is not known', async () => {
    const found = await findLikelyDuplicates(db, {
      surname: 'Rashid',
      givenNames: 'Muhammad',
      birth: null,
      citizenships: ['SYR'],
    })
    expect(found.map((c) => c.foreigner.id)).toContain(ids.mohammed)
  })
  it('does not show a namesake born on another day', async () => {
    const found = await findLikelyDuplicates(db, {
      surname: 'Ševčenko',
      givenNames: 'Taras',
      birth: { year: 2001, month: 1, day: 1 },
      citizenships: ['UKR'],
    })
    expect(found).toEqual([])
  })
  it('finds the one born that year among many namesakes', async () => {
    await person('anh1999', 'Nguyen', 'Van Anh', [1999, 4, 4], ['VNM'])
    for (let i = 0; i < 35; i++) await person(`anh${i}`, 'Nguyễn', 'Văn Anh', [1950 + i, 1, 1], ['VNM'])
    const found = await findLikelyDuplicates(db, {
      surname: 'Nguyen',
      givenNames: 'Van Anh',
      birth: { year: 1999, month: 4, day: 4 },
      citizenships: ['VNM'],
    })
    expect(found.map((c) => c.foreigner.id)).toEqual([ids.anh1999])
  })
  it('does not show people with different names', async () => {
    const found = await findLikelyDuplicates(db, {
      surname: 'Nowak',
      givenNames: 'Jan',
      birth: { year: 1984, month: 3, day: 9 },
      citizenships: ['UKR'],
    })
    expect(found).toEqual([])
  })
})

it('audit actor for services is available', () => {
  expect(systemActor.name).toBe('system')
})
