import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import type { Database } from '../../../shared/db/index.js'
import * as repo from '../repository.js'
import { namePairSkeleton, nameSkeleton, skeletonEntries, skeletonReadings } from '../name-skeleton.js'

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
    const pairRows = (
      await database.knex.raw(`SELECT n, name_pair_skeleton(n) AS s FROM unnest(?::text[]) AS n`, [
        [...names, 'Jufayth Khadija', 'Jurij Tetjana', 'Alajmal Djamila'],
      ])
    ).rows as Array<{ n: string; s: string }>
    for (const r of pairRows) expect(r.s, r.n).toBe(namePairSkeleton(r.n))
  })
  it('reads a j in a pair-key word as й, as ج and as the Egyptian g', () => {
    expect(namePairSkeleton('Jufayth Khadija')).toBe('jafatx xadaja')
    expect(skeletonReadings('jafatx').sort()).toEqual(['afatx', 'kafatx', 'xafatx'])
    expect(skeletonReadings(namePairSkeleton('Khadija'))).toContain(namePairSkeleton('Chadidscha'))
    expect(skeletonReadings(namePairSkeleton('Jurij'))).toContain(namePairSkeleton('Yuriy'))
    expect(skeletonReadings(namePairSkeleton('Jamila'))).toContain(namePairSkeleton('Gamila'))
    expect(skeletonReadings(namePairSkeleton('Alajmal'))).toContain(namePairSkeleton('El-Agmal'))
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
    for (const word of ['xavxanka', 'samxak', 'ala', 'nkan', 'jafatx', 'xadaja', 'jaraj', 'alajmal']) {
      const rows = (await database.knex.raw(`SELECT variant, edits FROM name_skeleton_entries(?)`, [word]))
        .rows as Array<{ variant: string; edits: number }>
      const byVariant = (a: { variant: string }, b: { variant: string }) => a.variant.localeCompare(b.variant)
      expect(rows.sort(byVariant), word).toEqual(skeletonEntries(word).sort(byVariant))
    }
  })
  it('tells a reading (0 edits) from a letter left out (1)', () => {
    const entries = new Map(skeletonEntries('jafatx').map((e) => [e.variant, e.edits]))
    expect(entries.get('xafatx')).toBe(0)
    expect(entries.get('afatx')).toBe(0)
    expect(entries.get('xafat')).toBe(1)
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
    for (const other of ['Chufeit', 'Khofeit', 'Schufeit', 'Shufait', 'Chufayt'])
      await add(other, 'Fatima', 1985)
    await add('Ivanov', 'Yuriy', 1977)
    await add('Ell Wakiz', 'Ali', 1966)
  })
  it('ranks a spelling that differs only in how j is written above most names one letter away', async () => {
    // Seven people match; Djoufaith is the same skeleton, five are a letter away from Dschufeith.
    const found = await repo.searchForeignersByName(database.knex, 'Dschufeith Fatima', { limit: 4 })
    const jufayth = await database.knex('foreigners').where({ surname: 'Jufayth' }).first('id')
    expect(found.map((m) => m.id)).toContain(Number(jufayth.id))
  })
  it('still reads j as й: Iwanow Jurij finds Ivanov Yuriy; an article with a slip is still an article', async () => {
    const ids = async (q: string) => (await repo.searchForeignersByName(database.knex, q)).map((m) => m.id)
    const yuriy = await database.knex('foreigners').where({ surname: 'Ivanov' }).first('id')
    expect(await ids('Iwanow Jurij')).toContain(Number(yuriy.id))
    const wakiz = await database.knex('foreigners').where({ surname: 'Ell Wakiz' }).first('id')
    expect(await ids('Al-Wakiz Ali')).toContain(Number(wakiz.id))
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
