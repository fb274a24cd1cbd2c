import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { inject } from 'vitest'
import type { Knex } from 'knex'
import { loadConfig, type Config } from '../../src/config.js'
import { openPglite, wrapPglite } from '../../src/shared/db/index.js'
import { createTestDatabase } from '../helpers/db.js'
import { rootDir } from '../../src/app.js'

/**
 * A BOK installation the command-line tools can open: a data folder and a migrated database (a
 * PGlite data dir inside the folder, or a fresh PostgreSQL database). An embedded database can be open
 * in one process only, so `withDb` opens it for the test's own work and closes it again before a CLI runs.
 */
export interface CliEnv {
  kind: 'pglite' | 'postgres'
  dataDir: string
  env: Record<string, string>
  config: Config
  withDb<T>(work: (db: Knex) => Promise<T>): Promise<T>
  run(script: string, args?: string[], extraEnv?: Record<string, string>): CliResult
  close(): Promise<void>
}

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

export function runTsx(script: string, args: string[], env: Record<string, string>): CliResult {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env }
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL
  const res = spawnSync(path.join(rootDir, 'node_modules', '.bin', 'tsx'), [script, ...args], {
    cwd: rootDir,
    env: childEnv,
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '' }
}

export async function createCliEnv(): Promise<CliEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-cli-'))
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' }
  let withDb: CliEnv['withDb']
  let closeDb: () => Promise<void>
  let kind: CliEnv['kind']
  if (inject('dbKind') === 'postgres') {
    const database = await createTestDatabase()
    env.DATABASE_URL = database.url!
    kind = 'postgres'
    withDb = (work) => work(database.knex)
    closeDb = () => database.close()
  } else {
    kind = 'pglite'
    const template = new Blob([fs.readFileSync(inject('pgliteTemplateFile'))])
    const dir = path.join(dataDir, 'pglite')
    const first = wrapPglite(await openPglite({ dataDir: dir, loadDataDir: template }))
    await first.close()
    withDb = async (work) => {
      const database = wrapPglite(await openPglite({ dataDir: dir }))
      try {
        return await work(database.knex)
      } finally {
        await database.close()
      }
    }
    closeDb = async () => undefined
  }
  const config = loadConfig(env)
  return {
    kind,
    dataDir,
    env,
    config,
    withDb,
    run: (script, args = [], extraEnv = {}) => runTsx(script, args, { ...env, ...extraEnv }),
    close: async () => {
      await closeDb()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
