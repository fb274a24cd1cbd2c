import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { verifyAuditChain } from '../audit/verify.js'
import { readCheckpoints, type CheckpointPaths } from '../audit/checkpoints.js'
import { fileTables as defaultFileTables, numberedTables as defaultNumberedTables } from './registry.js'
import type { FileTable, NumberedTable } from './registry.js'

export interface Problem {
  area: 'files' | 'counters' | 'audit'
  message: string
}

export interface OrphanFile {
  name: string
  path: string
  ageMinutes: number
}

export interface IntegrityReport {
  problems: Problem[]
  orphans: OrphanFile[]
  checked: { files: number; fileRows: number; registers: number; auditRows: number }
}

export interface IntegrityOptions {
  filesRoot: string
  checkpoints: CheckpointPaths
  numberedTables?: NumberedTable[]
  fileTables?: FileTable[]
  /** Audit rows older than this and not covered by a signed checkpoint are a problem (0 = not checked). */
  uncoveredAuditMinutes?: number
  /** Skip re-hashing every file (existence is still checked). */
  skipHash?: boolean
}

const show = (values: unknown[], max = 10) =>
  values.slice(0, max).join(', ') + (values.length > max ? ` … (${values.length} in all)` : '')

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Every entry of the file store, with its path (`<root>/<2 chars>/<id>`, plus `.part` leftovers). */
async function storeEntries(root: string): Promise<Array<{ name: string; path: string; mtimeMs: number }>> {
  const entries = []
  for (const dir of await fsp.readdir(root).catch(() => [] as string[])) {
    const full = path.join(root, dir)
    const stat = await fsp.stat(full)
    if (!stat.isDirectory()) {
      entries.push({ name: dir, path: full, mtimeMs: stat.mtimeMs })
      continue
    }
    for (const name of await fsp.readdir(full)) {
      const file = path.join(full, name)
      entries.push({ name, path: file, mtimeMs: (await fsp.stat(file)).mtimeMs })
    }
  }
  return entries
}

async function isReferenced(db: Knex, tables: FileTable[], id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return false
  for (const t of tables) if (await db(t.table).where(t.fileIdColumn, id).first(t.fileIdColumn)) return true
  return false
}

async function checkFiles(db: Knex, opts: IntegrityOptions, report: IntegrityReport) {
  const tables = opts.fileTables ?? defaultFileTables
  const entries = await storeEntries(opts.filesRoot)
  report.checked.files = entries.length
  const onDisk = new Map(entries.map((e) => [e.name, e]))
  const referenced = new Set<string>()
  for (const t of tables) {
    const rows = (await db(t.table)
      .whereNotNull(t.fileIdColumn)
      .select({ fileId: t.fileIdColumn, sha256: t.sha256Column })) as Array<{
      fileId: string
      sha256: string
    }>
    report.checked.fileRows += rows.length
    const missing: string[] = []
    const wrongHash: string[] = []
    for (const row of rows) {
      const id = String(row.fileId)
      referenced.add(id)
      const entry = onDisk.get(id)
      if (!entry) missing.push(id)
      else if (!opts.skipHash && (await sha256Of(entry.path)) !== row.sha256) wrongHash.push(id)
    }
    if (missing.length)
      report.problems.push({
        area: 'files',
        message: `${t.table}: ${missing.length} row(s) point to a file missing from the store: ${show(missing)}`,
      })
    if (wrongHash.length)
      report.problems.push({
        area: 'files',
        message: `${t.table}: ${wrongHash.length} file(s) differ from their recorded SHA-256: ${show(wrongHash)}`,
      })
  }
  const now = Date.now()
  for (const e of entries)
    if (!referenced.has(e.name))
      report.orphans.push({ name: e.name, path: e.path, ageMinutes: Math.floor((now - e.mtimeMs) / 60_000) })
  if (report.orphans.length)
    report.problems.push({
      area: 'files',
      message:
        `${report.orphans.length} file(s) in the store with no row referring to them ` +
        `(a save that failed or was killed after writing its file): ${show(report.orphans.map((o) => o.name))}. ` +
        'Remove them with --fix-orphans.',
    })
}

async function checkRegister(db: Knex, t: NumberedTable, report: IntegrityReport) {
  const scope = t.scopeSql ?? "''"
  const where = t.whereSql ? `WHERE ${t.whereSql}` : ''
  const groups = (
    await db.raw(
      `SELECT (${scope})::text AS scope, (${t.yearSql})::int AS year, count(*)::int AS n,
              count(DISTINCT ${t.numberColumn})::int AS distinct_n, max(${t.numberColumn})::int AS max_n,
              min(${t.numberColumn})::int AS min_n
         FROM ${t.table} ${where} GROUP BY 1, 2`,
    )
  ).rows as Array<{
    scope: string
    year: number
    n: number
    distinct_n: number
    max_n: number
    min_n: number
  }>
  const counters = (await db('register_counters')
    .where({ register: t.register })
    .select('scope', 'year', 'last_number')) as Array<{ scope: string; year: number; last_number: number }>
  const key = (s: string, y: number) => `${s}|${y}`
  const counterOf = new Map(counters.map((c) => [key(c.scope, Number(c.year)), Number(c.last_number)]))
  const label = (s: string, y: number) => `${t.register}${s ? ` [${s}]` : ''} ${y}`
  const seen = new Set<string>()

  for (const g of groups) {
    const k = key(g.scope, g.year)
    seen.add(k)
    const last = counterOf.get(k)
    if (last === undefined) {
      report.problems.push({
        area: 'counters',
        message: `${label(g.scope, g.year)}: ${g.n} numbered row(s) in ${t.table} but no counter row`,
      })
      continue
    }
    const inScope = (q: Knex.QueryBuilder) => {
      q.whereRaw(`(${scope})::text = ?`, [g.scope]).andWhereRaw(`(${t.yearSql})::int = ?`, [g.year])
      if (t.whereSql) q.andWhereRaw(t.whereSql)
      return q
    }
    if (g.n !== g.distinct_n) {
      const dups = await inScope(db(t.table))
        .groupBy(t.numberColumn)
        .havingRaw('count(*) > 1')
        .orderBy(t.numberColumn)
        .limit(10)
        .pluck(t.numberColumn)
      report.problems.push({
        area: 'counters',
        message: `${label(g.scope, g.year)}: duplicate numbers in ${t.table}: ${show(dups)}`,
      })
    }
    if (g.max_n > last)
      report.problems.push({
        area: 'counters',
        message: `${label(g.scope, g.year)}: ${t.table} holds number ${g.max_n} but the counter is at ${last} (the next number would be a duplicate)`,
      })
    const upTo = Math.max(last, g.max_n)
    if (g.distinct_n !== upTo || g.min_n < 1) {
      const sub = inScope(db(t.table).select(db.raw('1'))).whereRaw(`${t.numberColumn} = g`)
      const missing = (
        await db.raw(
          `SELECT g FROM generate_series(1, ?::int) AS g WHERE NOT EXISTS (${sub.toQuery()}) LIMIT 10`,
          [upTo],
        )
      ).rows.map((r: { g: number }) => r.g)
      report.problems.push({
        area: 'counters',
        message: `${label(g.scope, g.year)}: gap in ${t.table} numbering (counter at ${last}); missing: ${show(missing)}`,
      })
    }
  }
  for (const c of counters) {
    const k = key(c.scope, Number(c.year))
    if (!seen.has(k) && Number(c.last_number) > 0)
      report.problems.push({
        area: 'counters',
        message: `${label(c.scope, Number(c.year))}: counter at ${c.last_number} but ${t.table} has no numbered row`,
      })
  }
}

async function checkCounters(db: Knex, opts: IntegrityOptions, report: IntegrityReport) {
  const tables = opts.numberedTables ?? defaultNumberedTables
  const known = new Set(tables.map((t) => t.register))
  report.checked.registers = tables.length
  for (const t of tables) await checkRegister(db, t, report)
  const unknown = (await db('register_counters').distinct('register').pluck('register')) as string[]
  for (const r of unknown.filter((x) => !known.has(x)))
    report.problems.push({
      area: 'counters',
      message: `register '${r}' has counters but no numbered table is listed for it in src/shared/integrity/registry.ts`,
    })
}

async function checkAudit(db: Knex, opts: IntegrityOptions, report: IntegrityReport) {
  const result = await verifyAuditChain(db, opts.checkpoints)
  report.checked.auditRows = result.rows
  if (!result.ok) {
    report.problems.push({
      area: 'audit',
      message: `audit chain broken at row ${result.broken!.id}: ${result.broken!.reason}`,
    })
    return
  }
  const minutes = opts.uncoveredAuditMinutes ?? 0
  if (minutes <= 0) return
  // A chain rewritten after the last checkpoint cannot be told from the real one: old rows must be covered.
  const covered = readCheckpoints(opts.checkpoints).reduce((max, c) => Math.max(max, c.seq), 0)
  const uncovered = await db('audit_log')
    .where('id', '>', covered)
    .andWhere('at', '<', new Date(Date.now() - minutes * 60_000))
    .count<{ n: number }[]>({ n: '*' })
  const n = Number(uncovered[0]?.n ?? 0)
  if (n > 0)
    report.problems.push({
      area: 'audit',
      message:
        `${n} audit row(s) older than ${minutes} min are not covered by any signed checkpoint ` +
        `(last checkpoint at row ${covered}; was the checkpoint file removed?). Run npm run audit:checkpoint.`,
    })
}

/** Files against rows, register numbering, and the audit chain: everything that must hold between them. */
export async function runIntegrityCheck(db: Knex, opts: IntegrityOptions): Promise<IntegrityReport> {
  const report: IntegrityReport = {
    problems: [],
    orphans: [],
    checked: { files: 0, fileRows: 0, registers: 0, auditRows: 0 },
  }
  await checkFiles(db, opts, report)
  await checkCounters(db, opts, report)
  await checkAudit(db, opts, report)
  return report
}

/**
 * Removes orphan files older than the grace period. A file younger than that may belong to an upload
 * whose transaction is still running (files are written before the commit), so it stays; and each file
 * is looked up once more just before removal, in case its row was committed meanwhile.
 */
export async function removeOrphans(
  db: Knex,
  orphans: OrphanFile[],
  graceMinutes: number,
  tables: FileTable[] = defaultFileTables,
): Promise<{ removed: string[]; kept: string[] }> {
  const removed: string[] = []
  const kept: string[] = []
  for (const o of orphans) {
    if (o.ageMinutes < graceMinutes) {
      kept.push(o.name)
      continue
    }
    if (!o.name.endsWith('.part') && (await isReferenced(db, tables, o.name))) {
      kept.push(o.name)
      continue
    }
    await fsp.rm(o.path, { force: true })
    removed.push(o.name)
  }
  return { removed, kept }
}
