import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Knex } from 'knex'
import copyStreams from 'pg-copy-streams'

/** One value in COPY text format: NULL as \N, special characters escaped. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (v instanceof Date) return v.toISOString()
  if (Array.isArray(v))
    return copyValue(`{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`)
  if (typeof v === 'object') return copyValue(JSON.stringify(v))
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

export function copyLine(row: unknown[]): string {
  return row.map(copyValue).join('\t') + '\n'
}

/**
 * Loads many rows fast: COPY FROM STDIN (pg-copy-streams) on PostgreSQL; on PGlite, which has no
 * COPY FROM STDIN, COPY from an in-memory blob in chunks. Returns the number of rows loaded.
 */
export async function bulkLoad(
  knex: Knex,
  table: string,
  columns: string[],
  rows: Iterable<unknown[]>,
  opts: { chunkRows?: number; onProgress?: (n: number) => void } = {},
): Promise<number> {
  const columnList = columns.map((c) => `"${c.replace(/"/g, '')}"`).join(', ')
  const target = `"${table.replace(/"/g, '')}" (${columnList})`
  const chunkRows = opts.chunkRows ?? 50_000
  let count = 0
  const client = knex.client as {
    config: { client: unknown }
    pglite?: { query(sql: string, params: unknown[], opts: { blob: Blob }): Promise<unknown> }
  }

  if (client.pglite) {
    let buffer: string[] = []
    const flush = async () => {
      if (!buffer.length) return
      await client.pglite!.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([buffer.join('')]) })
      opts.onProgress?.(count)
      buffer = []
    }
    for (const row of rows) {
      buffer.push(copyLine(row))
      count += 1
      if (buffer.length >= chunkRows) await flush()
    }
    await flush()
    return count
  }

  const conn = await knex.client.acquireConnection()
  try {
    const stream = conn.query(copyStreams.from(`COPY ${target} FROM STDIN`))
    let sinceReport = 0
    async function* lines() {
      let batch: string[] = []
      for (const row of rows) {
        batch.push(copyLine(row))
        count += 1
        sinceReport += 1
        if (batch.length >= 1000) {
          yield batch.join('')
          batch = []
          if (sinceReport >= chunkRows) {
            opts.onProgress?.(count)
            sinceReport = 0
          }
        }
      }
      if (batch.length) yield batch.join('')
    }
    await pipeline(Readable.from(lines()), stream)
    opts.onProgress?.(count)
  } finally {
    await knex.client.releaseConnection(conn)
  }
  return count
}
