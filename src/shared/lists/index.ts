import type { Knex } from 'knex'
import type { Response } from 'express'
import { z } from 'zod'
import { HttpError } from '../http/errors.js'

/**
 * Lists over large registers: a sort chosen from an allowlist, keyset pagination (cost stays flat
 * at any depth, unlike OFFSET), and CSV export of the same filtered query.
 */
export interface SortOption {
  /** Column (qualified) to order by; the id column breaks ties. */
  column: string
}

export interface ListQuery {
  sort: string
  dir: 'asc' | 'desc'
  after?: string
  limit: number
}

const listQuerySchema = z.object({
  sort: z.string().max(40).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
  after: z.string().max(500).optional(),
})

/** Reads sort, direction and cursor from the query string; an unknown sort column is refused (400). */
export function parseListQuery(
  query: unknown,
  sorts: Record<string, SortOption>,
  defaults: { sort: string; dir: 'asc' | 'desc'; limit?: number },
): ListQuery {
  const parsed = listQuerySchema.safeParse(query)
  if (!parsed.success) throw new HttpError(400)
  const sort = parsed.data.sort ?? defaults.sort
  if (!Object.hasOwn(sorts, sort)) throw new HttpError(400)
  return { sort, dir: parsed.data.dir ?? defaults.dir, after: parsed.data.after, limit: defaults.limit ?? 50 }
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const primitive = (x: unknown) =>
      x === null || typeof x === 'number' || (typeof x === 'string' && x.length <= 200)
    if (Array.isArray(v) && v.length === 2 && v.every(primitive)) return v
  } catch {
    /* fall through */
  }
  throw new HttpError(400)
}

/**
 * Applies order and the keyset condition `(sortCol, id) < (v, id)` (or `>` ascending) and fetches one
 * row more than the page to know whether a next page exists.
 */
export function applyKeyset(
  qb: Knex.QueryBuilder,
  list: ListQuery,
  sorts: Record<string, SortOption>,
  idColumn: string,
): Knex.QueryBuilder {
  const column = sorts[list.sort]!.column
  const op = list.dir === 'desc' ? '<' : '>'
  if (list.after) {
    const [value, id] = decodeCursor(list.after)
    if (column === idColumn) qb.where(idColumn, op, id as number)
    else qb.whereRaw(`(??, ??) ${op} (?, ?)`, [column, idColumn, value as string, id as number])
  }
  // Plain ASC/DESC with PostgreSQL's default NULLS placement, so a (column DESC, id DESC) index serves
  // the order directly; NULLS LAST on a DESC sort would force a sort of the whole table. Sort columns
  // are NOT NULL (a keyset row comparison cannot page over NULLs anyway).
  qb.orderBy([
    { column, order: list.dir },
    { column: idColumn, order: list.dir },
  ])
  return qb.limit(list.limit + 1)
}

export interface Page<T> {
  rows: T[]
  next: boolean
  nextHref: string
  isFirst: boolean
  firstHref: string
}

/** Trims the look-ahead row and builds the links, keeping the other query parameters. */
export function pageOf<T extends Record<string, unknown>>(
  rows: T[],
  list: ListQuery,
  basePath: string,
  query: Record<string, unknown>,
  cursorOf: (row: T) => [unknown, unknown],
): Page<T> {
  const hasNext = rows.length > list.limit
  const shown = hasNext ? rows.slice(0, list.limit) : rows
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query))
    if (k !== 'after' && typeof v === 'string' && v !== '') params.set(k, v)
  const first = params.toString()
  const last = shown.at(-1)
  if (last) params.set('after', encodeCursor(cursorOf(last)))
  return {
    rows: shown,
    next: hasNext,
    nextHref: `${basePath}?${params.toString()}`,
    isFirst: !list.after,
    firstHref: first ? `${basePath}?${first}` : basePath,
  }
}

/** A cell Excel will not run as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let s = value instanceof Date ? value.toISOString() : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV as Polish Excel opens it: UTF-8 with BOM (Polish letters intact), semicolons, CRLF. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n'
}

export function sendCsv(res: Response, fileName: string, header: string[], rows: unknown[][]): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8')
  res.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`)
  res.send(toCsv(header, rows))
}
