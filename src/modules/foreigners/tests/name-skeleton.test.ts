import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import type { Database } from '../../../shared/db/index.js'
import * as repo from '../repository.js'
import { nameSkeleton, skeletonVariants } from '../name-skeleton.js'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

// Spellings of one name as different traditions write it, plus names that must stay apart.
const samples = [
  ['Szewczenko Olha', 'Ševčenko Olha', 'Schewtschenko Olha', 'Chevtchenko Olha', 'Shevchenko Olha'],
  ['Dschufeith Fatima', 'Djoufaith Fatima'],
  ['Al-Hashimi Mustafa', 'Alhashimee Mustafa', 'El Hachimi Moustafa', 'El-Hashimi Mostafa'],
  ['Nguyễn Thị Hương', 'Nguyen Thi Huong'],
  ['Şimşek Halil', 'Schimschek Halil'],
  ['Dzhugashvili Iosif', 'Dżugaszwili Josif', 'Djougachvili Iossif', 'Dschugaschwili Jossif'],
]

describe('name skeleton: the SQL function and its TypeScript twin', () => {
  it('agree on every sample, including letters outside ASCII', async () => {
    const names = [
      ...samples.flat(),
      'Łukasz Xavier',
      'Philipp Thomas',
      'Øystein Æbelø',
      'Alexander Albert',
      'Al',
    ]
    const rows = (
      await database.knex.raw(`SELECT n, name_skeleton(n) AS s FROM unnest(?::text[]) AS n`, [names])
    ).rows as Array<{ n: string; s: string }>
    for (const r of rows) expect(r.s, r.n).toBe(nameSkeleton(r.n))
  })
  it('gives the spellings of one name one skeleton', () => {
    for (const group of samples.filter((g) => g[0] !== 'Şimşek Halil')) {
      const skeletons = new Set(group.map(nameSkeleton))
      expect([...skeletons], group.join(' / ')).toHaveLength(1)
    }
  })
  it('keeps a leading Al- that is part of a name (Alexander) but drops the article written together', () => {
    expect(nameSkeleton('Alexander')).toBe('alaksandar')
    expect(nameSkeleton('Alhashimee')).toBe(nameSkeleton('Hashimi'))
  })
  it('builds the same dictionary entries in SQL and TypeScript', async () => {
    for (const word of ['xavxanka', 'samxak', 'ala', 'nkan']) {
      const rows = (await database.knex.raw(`SELECT name_skeleton_variants(?) AS v`, [word])).rows as Array<{
        v: string
      }>
      expect(rows.map((r) => r.v).sort(), word).toEqual(skeletonVariants(word).sort())
    }
  })
})

describe('name search by pairs of surname and given name', () => {
  beforeAll(async () => {
    const add = (surname: string, givenNames: string, birthYear: number) =>
      repo.insertForeigner(database.knex, {
        surname,
        givenNames,
        birthYear,
        citizenships: [],
        createdBy: null,
      })
    await add('Jufayth', 'Fatima', 1990)
    await add('Djoufaith', 'Fatima', 1990)
    await add('Al-Haschimi', 'Mustafa', 1971)
    for (let i = 0; i < 15; i++) await add('Nguyen', 'Minh Nga', 1960 + i)
    await add('Nguyễn', 'Minh Nga', 1980)
    await add('Nguyen', 'Minh Ngan', 1981)
  })
  it('finds other romanisations of both names, whichever order they are typed in', async () => {
    const ids = async (q: string) => (await repo.searchForeignersByName(database.knex, q)).map((m) => m.id)
    const djoufaith = await database.knex('foreigners').where({ surname: 'Djoufaith' }).first('id')
    expect(await ids('Dschufeith Fatima')).toContain(Number(djoufaith.id))
    expect(await ids('Fatima Dschufeith')).toContain(Number(djoufaith.id))
    const hashimi = await database.knex('foreigners').where({ surname: 'Al-Haschimi' }).first('id')
    expect(await ids('Alhashimee Mustafa')).toContain(Number(hashimi.id))
  })
  it('shows people written exactly alike on one line with how many share it, so other spellings fit', async () => {
    const found = await repo.searchForeignersByName(database.knex, 'Nguyen Minh Nga', { limit: 3 })
    const people = await repo.findForeignersByIds(
      database.knex,
      found.map((m) => m.id),
    )
    const byId = new Map(people.map((p) => [p.id, `${p.surname} ${p.given_names}`]))
    expect(Object.fromEntries(found.map((m) => [byId.get(m.id), m.sameSpelling]))).toEqual({
      'Nguyen Minh Nga': 14,
      'Nguyễn Minh Nga': 0,
      'Nguyen Minh Ngan': 0,
    })
  })
  it('lists every namesake when a year of birth narrows the search', async () => {
    const found = await repo.searchForeignersByName(database.knex, 'Nguyen Minh Nga', { birthYear: 1965 })
    const people = await repo.findForeignersByIds(
      database.knex,
      found.map((m) => m.id),
    )
    expect(people.filter((p) => p.birth_year === 1965)).toHaveLength(1)
    expect(found.every((m) => m.sameSpelling === 0)).toBe(true)
  })
  it('keeps the word dictionary in step when a name is corrected', async () => {
    const [row] = await database
      .knex('foreigners')
      .insert({ surname: 'Qwertzuiop', given_names: 'Asdf' })
      .returning('id')
    await database.knex('foreigners').where({ id: row.id }).update({ surname: 'Mnbvcxz' })
    const words = await database.knex('foreigner_name_words').where({ variant: nameSkeleton('Mnbvcxz') })
    expect(words.map((w) => w.part)).toContain('s')
  })
})
