import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../tests/helpers/db.js'
import type { Database } from './index.js'
import { formatRegisterNumber, insertNumbered, nextNumber } from './counters.js'
import { bulkLoad } from './bulk.js'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
  await database.knex.schema.createTable('numbered_things', (t) => {
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.unique(['year', 'number'])
  })
  await database.knex.schema.createTable('numbered_rows', (t) => {
    t.increments('id')
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.text('subject').notNullable()
    t.unique(['year', 'number'])
  })
})
afterAll(() => database.close())

describe('gapless register numbers', () => {
  it('gives 100 concurrent registrations 100 consecutive numbers, and a rollback burns none', async () => {
    const { knex } = database
    const attempts = Array.from({ length: 110 }, (_, i) =>
      knex
        .transaction(async (trx) => {
          const n = await nextNumber(trx, 'test.register', 2026)
          await trx('numbered_things').insert({ year: 2026, number: n })
          if (i % 11 === 10) throw new Error('save failed after numbering')
        })
        .then(
          () => 'ok',
          () => 'failed',
        ),
    )
    const results = await Promise.all(attempts)
    expect(results.filter((r) => r === 'ok')).toHaveLength(100)
    const numbers = (
      await knex('numbered_things').where({ year: 2026 }).orderBy('number').pluck('number')
    ).map(Number)
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    const counter = await knex('register_counters')
      .where({ register: 'test.register', year: 2026 })
      .first('last_number')
    expect(counter.last_number).toBe(100)
  })

  it('numbers a row in the statement that saves it: concurrent saves consecutive, a rollback burns none', async () => {
    const { knex } = database
    const saves = Array.from({ length: 60 }, (_, i) =>
      knex
        .transaction(async (trx) => {
          const saved = await insertNumbered(
            trx,
            'numbered_rows',
            { year: 2026, subject: `item ${i}` },
            { register: 'test.rows', year: 2026 },
          )
          if (i % 6 === 5) throw new Error('save failed after numbering')
          return saved
        })
        .then(
          (saved) => saved,
          () => null,
        ),
    )
    const saved = (await Promise.all(saves)).filter((s) => s !== null)
    expect(saved).toHaveLength(50)
    const rows = await knex('numbered_rows').where({ year: 2026 }).orderBy('number').select('id', 'number')
    expect(rows.map((r) => Number(r.number))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    // What each save was told is what it saved.
    for (const s of saved) expect(rows.find((r) => Number(r.id) === s.id)?.number).toBe(s.number)
  })

  it('restarts every year and keeps scopes apart', async () => {
    const { knex } = database
    const n = await knex.transaction(async (trx) => [
      await nextNumber(trx, 'test.cases', 2026, 'BOK.0153'),
      await nextNumber(trx, 'test.cases', 2026, 'BOK.0153'),
      await nextNumber(trx, 'test.cases', 2026, 'WAE.0153'),
      await nextNumber(trx, 'test.cases', 2027, 'BOK.0153'),
    ])
    expect(n).toEqual([1, 2, 1, 1])
    expect(formatRegisterNumber(2026, 123)).toBe('2026/000123')
  })
})

describe('bulk loading', () => {
  it('loads rows with tabs, newlines, quotes, NULLs and Polish letters intact', async () => {
    const { knex } = database
    await knex.schema.createTable('bulk_probe', (t) => {
      t.integer('id')
      t.text('name')
      t.specificType('tags', 'text[]')
    })
    const rows = [
      [1, 'Zażółć "gęślą"\tjaźń', ['a', 'b c']],
      [2, null, []],
      [3, 'line\nbreak \\ backslash', ['x']],
    ]
    expect(await bulkLoad(knex, 'bulk_probe', ['id', 'name', 'tags'], rows)).toBe(3)
    const back = await knex('bulk_probe').orderBy('id').select('id', 'name', 'tags')
    expect(back).toEqual([
      { id: 1, name: 'Zażółć "gęślą"\tjaźń', tags: ['a', 'b c'] },
      { id: 2, name: null, tags: [] },
      { id: 3, name: 'line\nbreak \\ backslash', tags: ['x'] },
    ])
  })
})
