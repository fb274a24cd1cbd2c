import path from 'node:path'
import fs from 'node:fs'
import knexFactory, { type Knex } from 'knex'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import ClientPgLite from 'knex-pglite'
import { parsers, setPgTypeParsers } from './types.js'
import { migrationSource } from '../../../migrations/index.js'

export type Db = Knex | Knex.Transaction

export interface Database {
  knex: Knex
  kind: 'pglite' | 'postgres'
  close(): Promise<void>
}

export const pgliteExtensions = { pg_trgm, unaccent, fuzzystrmatch }

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob | File }): Promise<PGlite> {
  return PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: pgliteExtensions,
    parsers,
  })
}

export function knexForPglite(pglite: PGlite): Knex {
  return knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    connection: { pglite } as unknown as Knex.StaticConnectionConfig,
  })
}

export function knexForPostgres(connectionString: string, poolMax = 10): Knex {
  setPgTypeParsers()
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'bok' },
    pool: {
      min: 0,
      max: poolMax,
      // A restarted server leaves dead connections behind: an error handler keeps the process alive,
      // and the pool discards the broken client so the next request gets a fresh one.
      afterCreate: (
        conn: { on(event: string, cb: (err: Error) => void): void },
        done: (err: Error | null, c: unknown) => void,
      ) => {
        conn.on('error', () => {})
        done(null, conn)
      },
    },
    acquireConnectionTimeout: 10_000,
  })
}

export function wrapPglite(pglite: PGlite): Database {
  const knex = knexForPglite(pglite)
  return {
    knex,
    kind: 'pglite',
    close: async () => {
      await knex.destroy()
      if (!pglite.closed) await pglite.close()
    },
  }
}

/** Opens the database named by the configuration: PostgreSQL by URL, or embedded PGlite in the data folder. */
export async function openDatabase(config: {
  DATABASE_URL?: string | undefined
  dataDir: string
  DATABASE_POOL_MAX?: number
}): Promise<Database> {
  if (config.DATABASE_URL) {
    const knex = knexForPostgres(config.DATABASE_URL, config.DATABASE_POOL_MAX)
    return { knex, kind: 'postgres', close: () => knex.destroy() }
  }
  const dir = path.join(config.dataDir, 'pglite')
  fs.mkdirSync(dir, { recursive: true })
  return wrapPglite(await openPglite({ dataDir: dir }))
}

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]]
  return applied
}
