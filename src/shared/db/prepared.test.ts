import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../tests/helpers/db.js'
import type { Database } from './index.js'
import { prepared } from './prepared.js'

let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

describe('prepared statements', () => {
  it('run with their bindings, and on PostgreSQL stay prepared on the connection under one name', async () => {
    const sql = 'SELECT ?::int + ?::int AS n'
    await database.knex.transaction(async (trx) => {
      const first = (await prepared(trx, sql, [1, 2])) as { rows: Array<{ n: number }> }
      const second = (await prepared(trx, sql, [40, 2])) as { rows: Array<{ n: number }> }
      expect([first.rows[0]!.n, second.rows[0]!.n]).toEqual([3, 42])
      if (database.kind !== 'postgres') return
      const { rows } = (await trx.raw(
        `SELECT name FROM pg_prepared_statements WHERE statement LIKE '%$1::int + $2::int%'`,
      )) as { rows: Array<{ name: string }> }
      expect(rows).toHaveLength(1)
      expect(rows[0]!.name).toMatch(/^bok_[0-9a-f]{24}$/)
    })
  })
})
