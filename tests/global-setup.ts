import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import type { TestProject } from 'vitest/node'
import { knexForPostgres, migrateLatest, openPglite, wrapPglite } from '../src/shared/db/index.js'

declare module 'vitest' {
  export interface ProvidedContext {
    dbKind: 'pglite' | 'postgres'
    pgTemplate: string
    pgBaseUrl: string
    pgliteTemplateFile: string
    runId: string
  }
}

/**
 * Migrates one template database per run; each test file then gets its own copy (CREATE DATABASE …
 * TEMPLATE on PostgreSQL, a loaded data dump on PGlite), so no test depends on another's rows.
 */
export default async function setup(project: TestProject) {
  const runId = crypto.randomBytes(4).toString('hex')
  project.provide('runId', runId)
  const url = process.env.DATABASE_URL
  if (url) {
    const admin = knexForPostgres(url, 2)
    const template = `bok_tpl_${runId}`
    await admin.raw(`CREATE DATABASE ${template}`)
    const tpl = knexForPostgres(withDatabase(url, template), 1)
    await migrateLatest(tpl)
    await tpl.destroy()
    project.provide('dbKind', 'postgres')
    project.provide('pgTemplate', template)
    project.provide('pgBaseUrl', url)
    project.provide('pgliteTemplateFile', '')
    return async () => {
      const dbs = await admin.raw(`SELECT datname FROM pg_database WHERE datname LIKE ?`, [`bok_%${runId}%`])
      for (const { datname } of dbs.rows as Array<{ datname: string }>) {
        await admin.raw(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined)
      }
      await admin.destroy()
    }
  }
  const db = wrapPglite(await openPglite({}))
  await migrateLatest(db.knex)
  const pglite = (db.knex.client as unknown as { pglite: { dumpDataDir(c: 'none'): Promise<Blob> } }).pglite
  const dump = await pglite.dumpDataDir('none')
  const file = path.join(os.tmpdir(), `bok-pglite-template-${runId}.tar`)
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  await db.close()
  project.provide('dbKind', 'pglite')
  project.provide('pgTemplate', '')
  project.provide('pgBaseUrl', '')
  project.provide('pgliteTemplateFile', file)
  return () => fs.rmSync(file, { force: true })
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}
