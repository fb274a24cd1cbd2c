import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../tests/helpers/db.js'
import type { Database } from './index.js'
import { dropReferenceLists, referenceList } from './reference-lists.js'

let database: Database
let db: Knex

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
})
afterAll(() => database.close())

const symbols = (knex: Knex) => knex('org_units').orderBy('symbol').pluck('symbol') as Promise<string[]>

describe('reference lists', () => {
  it('serves one read for the time it keeps, then reads again', async () => {
    let reads = 0
    const list = referenceList(async (knex) => {
      reads += 1
      return symbols(knex)
    }, 200)
    const [a, b] = await Promise.all([list(db), list(db)])
    expect(a).toEqual(b)
    await list(db)
    expect(reads).toBe(1)
    await new Promise((r) => setTimeout(r, 250))
    await list(db)
    expect(reads).toBe(2)
  })

  it('shows a unit added through this process at once, also when added in a transaction', async () => {
    const list = referenceList(symbols)
    expect(await list(db)).not.toContain('RL1')
    await db('org_units').insert({ symbol: 'RL1', name: 'Lists 1' })
    dropReferenceLists(db)
    expect(await list(db)).toContain('RL1')

    await db.transaction(async (trx) => {
      await trx('org_units').insert({ symbol: 'RL2', name: 'Lists 2' })
      dropReferenceLists(trx)
      // A page reading the list before the commit sees (and would keep) the old version. (The embedded
      // database has one connection: there a page's read waits for the commit.)
      if (database.kind === 'postgres') expect(await list(db)).not.toContain('RL2')
    })
    expect(await list(db)).toContain('RL2')
  })

  it('does not keep a failed read', async () => {
    let fail = true
    const list = referenceList(async (knex) => {
      if (fail) throw new Error('database away')
      return symbols(knex)
    })
    await expect(list(db)).rejects.toThrow('database away')
    fail = false
    expect(await list(db)).toEqual(await symbols(db))
  })
})
