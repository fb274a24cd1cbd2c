import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../helpers/db.js'
import type { Database } from '../../src/shared/db/index.js'
import { fileTables, numberedTables } from '../../src/shared/integrity/registry.js'
import { runIntegrityCheck } from '../../src/shared/integrity/check.js'
import { rootDir } from '../../src/app.js'

/** The integrity check knows every module's numbered register and file table, and its SQL runs on them. */
let database: Database
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'tests' ? [] : sourceFiles(full)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : []
  })
}

describe('integrity registry', () => {
  it('lists every register a module numbers with nextNumber()', () => {
    const used = new Set<string>()
    for (const file of sourceFiles(path.join(rootDir, 'src', 'modules')))
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/nextNumber\(\s*\w+,\s*'([^']+)'/g))
        used.add(m[1]!)
    expect(used.size).toBeGreaterThan(0)
    const listed = new Set(numberedTables.map((t) => t.register))
    expect([...used].filter((r) => !listed.has(r))).toEqual([])
  })

  it('lists every table that holds a file store id', async () => {
    const columns = (
      await database.knex.raw(
        `SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'file_id' ORDER BY table_name`,
      )
    ).rows.map((r: { table_name: string }) => r.table_name)
    expect(columns.filter((t: string) => !fileTables.some((f) => f.table === t))).toEqual([])
  })

  it('runs clean on an empty installation with every module migrated', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-registry-'))
    try {
      const report = await runIntegrityCheck(database.knex, {
        filesRoot: path.join(dir, 'files'),
        checkpoints: { checkpointDir: path.join(dir, 'cp'), signingKeyFile: path.join(dir, 'k.pem') },
      })
      expect(report.problems).toEqual([])
      expect(report.checked.registers).toBe(numberedTables.length)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
