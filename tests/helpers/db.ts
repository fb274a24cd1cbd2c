import fs from 'node:fs'
import crypto from 'node:crypto'
import { inject } from 'vitest'
import type { Knex } from 'knex'
import { knexForPostgres, openPglite, wrapPglite, type Database } from '../../src/shared/db/index.js'

function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** A fresh, migrated database for one test file: a copy of the run's template. */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (inject('dbKind') === 'postgres') {
    const base = inject('pgBaseUrl')
    const name = `bok_t_${inject('runId')}_${crypto.randomBytes(4).toString('hex')}`
    const admin = knexForPostgres(base, 1)
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`)
    await admin.destroy()
    const url = withDatabase(base, name)
    const knex: Knex = knexForPostgres(url, 20)
    return {
      knex,
      kind: 'postgres',
      url,
      close: async () => {
        await knex.destroy()
        const cleanup = knexForPostgres(base, 1)
        await cleanup.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
        await cleanup.destroy()
      },
    }
  }
  const buffer = fs.readFileSync(inject('pgliteTemplateFile'))
  const pglite = await openPglite({ loadDataDir: new Blob([buffer]) })
  return wrapPglite(pglite)
}
