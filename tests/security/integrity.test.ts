import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../helpers/db.js'
import type { Database } from '../../src/shared/db/index.js'
import { FileStore, withStoredFiles } from '../../src/shared/files/store.js'
import { nextNumber } from '../../src/shared/db/counters.js'
import { recordAudit, systemActor } from '../../src/shared/audit/audit.js'
import { writeCheckpoint } from '../../src/shared/audit/checkpoints.js'
import { removeOrphans, runIntegrityCheck, type IntegrityOptions } from '../../src/shared/integrity/check.js'
import type { FileTable, NumberedTable } from '../../src/shared/integrity/registry.js'
import { createCliEnv, type CliEnv } from './cli-env.js'

/** `npm run integrity:check`: files against rows, gapless register numbers, the audit chain. */
let database: Database
let db: Knex
let dir: string
let store: FileStore
let opts: IntegrityOptions

const numbered: NumberedTable[] = [
  {
    register: 'probe.items',
    table: 'probe_items',
    numberColumn: 'number',
    yearSql: 'year',
    scopeSql: 'scope',
  },
]
const withFiles: FileTable[] = [{ table: 'probe_items', fileIdColumn: 'file_id', sha256Column: 'sha256' }]

async function registerItem(content: string | null, scope = '', year = 2026) {
  const save = (file?: { id: string; sha256: string }) =>
    db.transaction(async (trx) => {
      const number = await nextNumber(trx, 'probe.items', year, scope)
      await trx('probe_items').insert({ scope, year, number, file_id: file?.id, sha256: file?.sha256 })
      await recordAudit(trx, systemActor, { action: 'probe.registered', entityId: number })
      return number
    })
  if (content === null) return save()
  return withStoredFiles(store, [Buffer.from(content)], ([f]) => save(f))
}

const messages = async () =>
  (await runIntegrityCheck(db, opts)).problems.map((p) => `[${p.area}] ${p.message}`)

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
  await db.schema.createTable('probe_items', (t) => {
    t.increments('id')
    t.string('scope').notNullable()
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.uuid('file_id')
    t.string('sha256', 64)
  })
})
afterAll(() => database.close())

beforeEach(async () => {
  await db('probe_items').del()
  await db('register_counters').del()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-integrity-'))
  store = new FileStore(path.join(dir, 'files'))
  opts = {
    filesRoot: store.root,
    checkpoints: { checkpointDir: path.join(dir, 'cp'), signingKeyFile: path.join(dir, 'k.pem') },
    numberedTables: numbered,
    fileTables: withFiles,
    uncoveredAuditMinutes: 30,
  }
})

describe('integrity check', () => {
  it('passes on consistent data (files, numbers in two scopes and years, audit chain)', async () => {
    for (const s of ['', 'WOK']) for (let i = 0; i < 3; i++) await registerItem(`skan ${s} ${i}`, s)
    await registerItem(null, '', 2025)
    await writeCheckpoint(db, opts.checkpoints)
    expect(await messages()).toEqual([])
    const report = await runIntegrityCheck(db, opts)
    expect(report.checked).toMatchObject({ files: 6, fileRows: 6, registers: 1 })
  })

  it('a failed save leaves neither a row nor a file', async () => {
    await expect(
      withStoredFiles(store, [Buffer.from('x')], async () => {
        throw new Error('constraint violated')
      }),
    ).rejects.toThrow()
    expect(await messages()).toEqual([])
    expect(await store.list()).toEqual([])
  })

  it('finds a gap, a duplicate, a counter behind its table, rows without counter, and an unknown register', async () => {
    for (let i = 0; i < 4; i++) await registerItem(null)
    await db('probe_items').where({ number: 3 }).del()
    expect(await messages()).toEqual([expect.stringMatching(/probe\.items 2026: gap .*missing: 3$/)])

    await db('probe_items').insert({ scope: '', year: 2026, number: 3 })
    await db('probe_items').insert({ scope: '', year: 2026, number: 2 })
    expect(await messages()).toEqual([expect.stringMatching(/duplicate numbers in probe_items: 2$/)])

    const extra = await db('probe_items').where({ number: 2 }).max({ id: 'id' }).first()
    await db('probe_items').where({ id: extra!.id }).del()
    await db('register_counters').where({ register: 'probe.items' }).update({ last_number: 3 })
    expect((await messages()).join('\n')).toMatch(/holds number 4 but the counter is at 3/)

    await db('register_counters').where({ register: 'probe.items' }).update({ last_number: 4 })
    await db('probe_items').insert({ scope: 'X', year: 2026, number: 1 })
    await db('register_counters').insert({ register: 'nobody.knows', scope: '', year: 2026, last_number: 1 })
    const found = (await messages()).join('\n')
    expect(found).toMatch(/probe\.items \[X\] 2026: 1 numbered row\(s\) in probe_items but no counter row/)
    expect(found).toMatch(/register 'nobody\.knows' has counters but no numbered table/)
  })

  it('finds a row whose file is missing, a file whose content changed, and orphan files', async () => {
    await registerItem('pierwszy skan')
    await registerItem('drugi skan')
    const [a, b] = (await db('probe_items').orderBy('number').pluck('file_id')) as string[]
    await store.remove(a!)
    fs.writeFileSync(store.pathFor(b!), 'podmieniona treść')
    const orphan = await store.put(Buffer.from('sierota'))
    fs.writeFileSync(`${store.pathFor(orphan.id)}x.part`, 'niedokończony')
    const found = (await messages()).join('\n')
    expect(found).toContain(`point to a file missing from the store: ${a}`)
    expect(found).toContain(`differ from their recorded SHA-256: ${b}`)
    expect(found).toMatch(/2 file\(s\) in the store with no row/)
    expect(found).toContain(orphan.id)
  })

  it('removes orphans only past the grace period, and never a file that has a row', async () => {
    await registerItem('z wierszem')
    const orphan = await store.put(Buffer.from('sierota'))
    let report = await runIntegrityCheck(db, opts)
    expect(report.orphans.map((o) => o.name)).toEqual([orphan.id])
    expect(await removeOrphans(db, report.orphans, 60, withFiles)).toEqual({ removed: [], kept: [orphan.id] })
    expect(await store.exists(orphan.id)).toBe(true)
    // The row is committed between the check and the removal: the file stays.
    await db('probe_items').insert({
      scope: 'late',
      year: 2026,
      number: 1,
      file_id: orphan.id,
      sha256: orphan.sha256,
    })
    expect(await removeOrphans(db, report.orphans, 0, withFiles)).toEqual({ removed: [], kept: [orphan.id] })
    await db('probe_items').where({ scope: 'late' }).del()
    report = await runIntegrityCheck(db, opts)
    expect(await removeOrphans(db, report.orphans, 0, withFiles)).toEqual({ removed: [orphan.id], kept: [] })
    expect(await store.exists(orphan.id)).toBe(false)
    expect((await store.list()).length).toBe(1)
  })

  it('reports a broken audit chain, and old audit rows no signed checkpoint covers', async () => {
    await registerItem(null)
    await writeCheckpoint(db, opts.checkpoints)
    expect(await messages()).toEqual([])
    // Rows older than the checkpoint interval with the checkpoint file gone: a rewrite could not be told.
    fs.rmSync(opts.checkpoints.checkpointDir, { recursive: true })
    expect(await messages()).toEqual([])
    expect(
      (await runIntegrityCheck(db, { ...opts, uncoveredAuditMinutes: 0.0001 })).problems.map(
        (p) => p.message,
      ),
    ).toEqual([expect.stringMatching(/not covered by any signed checkpoint/)])

    await db.transaction(async (trx) => {
      await trx.raw('ALTER TABLE audit_log DISABLE TRIGGER USER')
      const last = await trx('audit_log').max({ id: 'id' }).first()
      await trx('audit_log').where({ id: last!.id }).update({ action: 'probe.forged' })
      await trx.raw('ALTER TABLE audit_log ENABLE TRIGGER USER')
    })
    expect((await messages()).join('\n')).toMatch(
      /\[audit\] audit chain broken at row \d+: content does not match/,
    )
  })
})

describe('npm run integrity:check', () => {
  let cli: CliEnv
  beforeAll(async () => {
    cli = await createCliEnv()
  })
  afterAll(() => cli.close())

  it(
    'prints the problems and exits 1; --fix-orphans removes orphans; then exits 0',
    { timeout: 240_000 },
    async () => {
      const files = new FileStore(cli.config.filesDir)
      const orphan = await files.put(Buffer.from('%PDF-1.4 sierota'))
      await cli.withDb((d) =>
        d('register_counters').insert({ register: 'nobody.knows', scope: '', year: 2026, last_number: 3 }),
      )

      const bad = cli.run('src/cli/integrity-check.ts')
      expect(bad.status, bad.stderr).toBe(1)
      expect(bad.stdout).toContain(orphan.id)
      expect(bad.stdout).toMatch(/register 'nobody\.knows'/)

      const young = cli.run('src/cli/integrity-check.ts', ['--fix-orphans'])
      expect(young.stdout).toMatch(/Kept 1 orphan file\(s\) younger than 60 min/)
      expect(await files.exists(orphan.id)).toBe(true)

      await cli.withDb((d) => d('register_counters').where({ register: 'nobody.knows' }).del())
      const fixed = cli.run('src/cli/integrity-check.ts', ['--fix-orphans', '--grace-minutes=0'])
      expect(fixed.stdout).toContain(`Removed 1 orphan file(s): ${orphan.id}`)
      expect(fixed.status, fixed.stdout + fixed.stderr).toBe(0)
      expect(await files.exists(orphan.id)).toBe(false)

      const clean = cli.run('src/cli/integrity-check.ts')
      expect(clean.stdout).toContain('Integrity OK.')
      expect(clean.status).toBe(0)
    },
  )
})
