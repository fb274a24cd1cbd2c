import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import type { Writable } from 'node:stream'
import type { Knex } from 'knex'
import copyStreams from 'pg-copy-streams'
import { bulkLoad, copyLine } from '../../src/shared/db/bulk.js'
import type { Role } from '../../src/shared/auth/permissions.js'
import { Progress } from './progress.js'

export interface ScaleSizes {
  incoming: number
  foreigners: number
  deposits: number
  folders: number
}

export const defaultSizes: ScaleSizes = {
  incoming: 1_000_000,
  foreigners: 2_000_000,
  deposits: 500_000,
  folders: 2_000_000,
}

/** The embedded database has no COPY FROM STDIN and runs in one process: a size it handles in seconds. */
export const smallSizes: ScaleSizes = {
  incoming: 20_000,
  foreigners: 40_000,
  deposits: 10_000,
  folders: 40_000,
}

export interface ScaleUnit {
  id: number
  symbol: string
  /** Relative share of the Office's correspondence and files (units differ a lot in size). */
  weight: number
}

export interface TableStats {
  table: string
  rows: number
  seconds: number
  /** Index and constraint rebuild after the load. */
  indexSeconds: number
}

export interface ScaleContext {
  knex: Knex
  kind: 'pglite' | 'postgres'
  sizes: ScaleSizes
  seed: number
  units: ScaleUnit[]
  /** One sign-in account per role (the benchmark logs in with these). */
  users: Record<Role, { id: number; username: string; unitId: number | null }>
  /** Ids of all staff accounts, for "registered by", "taken in by" and similar columns. */
  staffIds: number[]
  /** Picks a unit with probability proportional to its weight. */
  pickUnit(r: number): ScaleUnit
  stats: TableStats[]
  log(message: string): void
  /**
   * Loads rows with COPY (PostgreSQL) or COPY from a blob (PGlite), with a progress bar and the rate
   * recorded. Secondary indexes and foreign keys of the table are dropped first and rebuilt after
   * (one sort instead of a million index insertions, one join instead of a million key checks).
   */
  load(table: string, columns: string[], rows: Iterable<unknown[]>, total: number): Promise<void>
  /** First free id of a table (so generators can set ids themselves and refer to them). */
  nextId(table: string): Promise<number>
}

export interface ScaleModule {
  name: string
  /** Tables that must exist (the module's migrations ran) for this generator to run. */
  requires: string[]
  run(ctx: ScaleContext): Promise<void>
}

interface DeferredObjects {
  indexes: Array<{ name: string; def: string }>
  foreignKeys: Array<{ name: string; def: string }>
}

async function dropSecondaryObjects(knex: Knex, table: string): Promise<DeferredObjects> {
  const idx = await knex.raw(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = ?::regclass AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [table],
  )
  const fks = await knex.raw(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = ?::regclass AND contype = 'f'`,
    [table],
  )
  const deferred: DeferredObjects = { indexes: idx.rows, foreignKeys: fks.rows }
  for (const fk of deferred.foreignKeys) await knex.raw(`ALTER TABLE ?? DROP CONSTRAINT ??`, [table, fk.name])
  for (const ix of deferred.indexes) await knex.raw(`DROP INDEX ??`, [ix.name])
  return deferred
}

async function rebuildSecondaryObjects(knex: Knex, table: string, deferred: DeferredObjects): Promise<void> {
  // Two builds at a time: this machine has two cores, and one build uses one.
  const queue = [...deferred.indexes]
  const worker = async () => {
    for (let ix = queue.shift(); ix; ix = queue.shift()) await knex.raw(ix.def)
  }
  await Promise.all([worker(), worker()])
  for (const fk of deferred.foreignKeys)
    await knex.raw(`ALTER TABLE ?? ADD CONSTRAINT ?? ${fk.def}`, [table, fk.name])
}

/**
 * COPY over two connections at once, batches dealt round-robin: a table whose generated columns
 * are costly to compute (the name keys) is bound by one backend's CPU, and this machine has two.
 */
async function parallelCopy(
  knex: Knex,
  table: string,
  columns: string[],
  rows: Iterable<unknown[]>,
  onProgress: (n: number) => void,
  streams = 2,
): Promise<number> {
  const target = `"${table}" (${columns.map((c) => `"${c}"`).join(', ')})`
  const conns = []
  for (let i = 0; i < streams; i += 1) conns.push(await knex.client.acquireConnection())
  try {
    const copies: Writable[] = conns.map((c) => c.query(copyStreams.from(`COPY ${target} FROM STDIN`)))
    const done = copies.map((c) => finished(c))
    let count = 0
    let k = 0
    let batch: string[] = []
    const flush = async () => {
      const stream = copies[k++ % streams]!
      if (!stream.write(batch.join(''))) await once(stream, 'drain')
      batch = []
    }
    for (const row of rows) {
      batch.push(copyLine(row))
      count += 1
      if (batch.length >= 2000) {
        await flush()
        if (count % 20_000 === 0) onProgress(count)
      }
    }
    if (batch.length) await flush()
    for (const c of copies) c.end()
    await Promise.all(done)
    onProgress(count)
    return count
  } finally {
    for (const c of conns) await knex.client.releaseConnection(c)
  }
}

export function makeLoader(
  knex: Knex,
  stats: TableStats[],
  log: (m: string) => void,
): Pick<ScaleContext, 'load' | 'nextId'> {
  return {
    async load(table, columns, rows, total) {
      const deferred = await dropSecondaryObjects(knex, table)
      const progress = new Progress(table, total)
      const started = performance.now()
      const isPglite = !!(knex.client as { pglite?: unknown }).pglite
      const count = isPglite
        ? await bulkLoad(knex, table, columns, rows, {
            chunkRows: 20_000,
            onProgress: (n) => progress.update(n),
          })
        : await parallelCopy(knex, table, columns, rows, (n) => progress.update(n))
      const loaded = performance.now()
      progress.done(count)
      await rebuildSecondaryObjects(knex, table, deferred)
      const serial = await knex
        .raw(`SELECT pg_get_serial_sequence(?, 'id') AS seq`, [table])
        .catch(() => null)
      const seq = serial?.rows?.[0]?.seq as string | undefined
      if (seq)
        await knex.raw(`SELECT setval(?::regclass, GREATEST((SELECT max(id) FROM ??), 1))`, [seq, table])
      const indexSeconds = (performance.now() - loaded) / 1000
      const seconds = (loaded - started) / 1000
      stats.push({ table, rows: count, seconds, indexSeconds })
      log(
        `${table.padEnd(28)} ${count.toLocaleString('en').padStart(11)} rows  ${seconds.toFixed(1).padStart(6)} s  ` +
          `${Math.round(count / Math.max(seconds, 0.001))
            .toLocaleString('en')
            .padStart(9)} rows/s  ` +
          `indexes ${indexSeconds.toFixed(1)} s (${deferred.indexes.length} idx, ${deferred.foreignKeys.length} fk)`,
      )
    },
    async nextId(table) {
      const row = await knex(table).max('id as max').first()
      return Number(row?.max ?? 0) + 1
    },
  }
}
