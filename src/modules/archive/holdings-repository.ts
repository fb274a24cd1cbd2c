import type { Knex } from 'knex'
import type { Db } from '../../shared/db/index.js'

/** Filters of the holdings search; all optional, combined with AND. */
export interface HoldingsCriteria {
  /** Free text over titles: every word must occur, in any order, ignoring case and diacritics. */
  q?: string
  unitId?: number
  /** A JRWA class: the class itself and, for a higher-level class, every class below it. */
  jrwa?: string
  category?: string
  /** Folders whose date range overlaps [yearFrom, yearTo]. */
  yearFrom?: number
  yearTo?: number
  room?: string
  rack?: string
  shelf?: number
  /** Default: everything the archive has taken in (held, destroyed, passed to the State Archive). */
  status?: 'held' | 'destroyed' | 'state_archive'
}

export interface HoldingRow {
  id: number
  sign: string
  title: string
  year_from: number
  year_to: number | null
  category: string
  volumes: number
  status: string
  unit_symbol: string
  room: string | null
  rack: string | null
  shelf: number | null
  box: string | null
  barcode: string | null
  linear_metres: string | null
  transfer_list_id: number | null
  borrower_name: string | null
  borrower_unit: string | null
  loan_due_on: string | null
}

/** How many newest rows the adaptive probe scans before falling back to the full-text index. */
export const probeWindow = 2000

const inArchive = ['held', 'destroyed', 'state_archive']

// Same normalisation as the generated `tsv` column in migration 300.
const tsQuery = `plainto_tsquery('simple'::regconfig, translate(f_unaccent(lower(?)), '-/.,', '    '))`

function applyFilters(qb: ReturnType<Db>, c: HoldingsCriteria, after?: number): void {
  if (c.status) qb.where('f.status', c.status)
  else qb.whereIn('f.status', inArchive)
  if (c.unitId) qb.where('f.unit_id', c.unitId)
  if (c.jrwa)
    if (c.jrwa.length === 4) qb.where('f.jrwa_symbol', c.jrwa)
    else qb.whereRaw('left(f.jrwa_symbol, ?) = ?', [c.jrwa.length, c.jrwa])
  if (c.category) qb.where('f.category', c.category)
  if (c.yearFrom) qb.whereRaw('coalesce(f.year_to, f.year_from) >= ?', [c.yearFrom])
  if (c.yearTo) qb.where('f.year_from', '<=', c.yearTo)
  if (c.room) qb.where('f.room', c.room)
  if (c.rack) qb.where('f.rack', c.rack)
  if (c.shelf) qb.where('f.shelf', c.shelf)
  if (after) qb.where('f.id', '<', after)
}

/**
 * Newest first. With a unit or a JRWA class given, the order names that column too (it is constant
 * here, so the order is the same) to match the (unit_id, id) / (jrwa_symbol, id) index: otherwise the
 * planner may walk the primary key and filter, which is slow for a small unit.
 */
function orderNewest(qb: ReturnType<Db>, c: HoldingsCriteria): void {
  if (c.unitId)
    qb.orderBy([
      { column: 'f.unit_id', order: 'desc' },
      { column: 'f.id', order: 'desc' },
    ])
  else if (c.jrwa?.length === 4)
    qb.orderBy([
      { column: 'f.jrwa_symbol', order: 'desc' },
      { column: 'f.id', order: 'desc' },
    ])
  else qb.orderBy('f.id', 'desc')
}

/**
 * The holdings search, newest first, keyset on id (`after` = last id of the previous page). Returns at
 * most `limit` rows and the cursor of the next page (null on the last page).
 *
 * Why two steps for text (PERFORMANCE.md §2): for common words a GIN bitmap scan reads tens of
 * thousands of heap pages, while the newest rows already hold a full page of hits; for rare words the
 * opposite holds, and the planner cannot tell which case it is in. So probe the newest `probeWindow`
 * rows first and only if they do not fill the page look the words up block by block of ids, newest
 * block first (a word common only among old folders, such as a year, costs its last block's rows).
 */
export async function searchHoldings(
  db: Db,
  criteria: HoldingsCriteria,
  page: { after?: number; limit?: number } = {},
): Promise<{ rows: HoldingRow[]; next: number | null }> {
  const limit = page.limit ?? 50
  const q = criteria.q?.trim() ?? ''
  // Each step reads its page's display rows in the same statement (one round trip for most pages).
  let rows: HoldingRow[]
  if (q === '') {
    const qb = db('archive_folders as f').select('f.id')
    applyFilters(qb, criteria, page.after)
    orderNewest(qb, criteria)
    rows = await holdingRows(db, qb.limit(limit + 1))
  } else if (limit + 1 > probeWindow) {
    rows = await holdingRows(db, newestByBlocks(db, q, criteria, page.after, limit + 1))
  } else {
    const window = db('archive_folders as f').select('f.id', 'f.tsv')
    applyFilters(window, criteria, page.after)
    orderNewest(window, criteria)
    window.limit(probeWindow)
    const probe = db
      .from(window.as('p'))
      .select('p.id')
      .whereRaw(`p.tsv @@ ${tsQuery}`, [q])
      .orderBy('p.id', 'desc')
      .limit(limit + 1)
    rows = await holdingRows(db, probe)
    if (rows.length <= limit) {
      const full = db('archive_folders as f').select('f.id').whereRaw(`f.tsv @@ ${tsQuery}`, [q])
      applyFilters(full, criteria, page.after)
      // The words are rare among the newest folders. With a selective filter that has its own index
      // (unit, JRWA class, place) the planner picks well; otherwise the matches are looked up block by
      // block of ids, newest block first.
      const selective = criteria.unitId || criteria.jrwa?.length === 4 || criteria.room || criteria.shelf
      if (selective) {
        orderNewest(full, criteria)
        rows = await holdingRows(db, full.limit(limit + 1))
      } else rows = await holdingRows(db, newestByBlocks(db, q, criteria, page.after, limit + 1))
    }
  }
  const next = rows.length > limit ? Number(rows[limit - 1]!.id) : null
  return { rows: rows.slice(0, limit), next }
}

/** Folder ids fall into blocks of 2^16 for the word keys of migration 311 (`archive_title_keys`). */
const idBlockBits = 16

/**
 * The newest matches of `q`, asked block by block of ids from the newest block down until `limit`
 * are found: each step fetches only its own block's matches (the word index of migration 311), where
 * one query over the whole title index would fetch every match of a common word. The ordering by
 * `id + 0` keeps the planner on the word index within a block (it would otherwise walk the primary key).
 * The nested loop returns the blocks in the series' order, so the rows come newest first.
 */
function newestByBlocks(db: Db, q: string, c: HoldingsCriteria, after: number | undefined, limit: number) {
  const inBlock = db('archive_folders as f')
    .select('f.id')
    .whereRaw('archive_title_keys(f.tsv, f.id) @> archive_query_keys(?, b.block)', [q])
  applyFilters(inBlock, c, after)
  inBlock.orderByRaw('f.id + 0 DESC').limit(limit)
  const newestBlock = after
    ? db.raw('?::bigint', [Math.floor(after / 2 ** idBlockBits)])
    : db.raw(`(SELECT coalesce(max(id), 0) >> ${idBlockBits} FROM archive_folders)`)
  return db
    .select('hit.id')
    .from(
      db.raw('generate_series(?, 0, -1) AS b (block) CROSS JOIN LATERAL (?) AS hit', [newestBlock, inBlock]),
    )
    .limit(limit)
}

/** Display columns for the given folders, newest first, with the borrower of a folder that is out. */
export async function holdingsByIds(db: Db, ids: number[]): Promise<HoldingRow[]> {
  if (ids.length === 0) return []
  return holdingRows(db, ids)
}

function holdingRows(db: Db, ids: number[] | Knex.QueryBuilder): Promise<HoldingRow[]> {
  return db('archive_folders as f')
    .join('org_units as u', 'u.id', 'f.unit_id')
    .leftJoin('archive_loans as l', function () {
      this.on('l.folder_id', 'f.id').andOnNull('l.returned_on')
    })
    .leftJoin('archive_borrowers as b', 'b.id', 'l.borrower_id')
    .leftJoin('org_units as bu', 'bu.id', 'b.unit_id')
    .whereIn('f.id', ids)
    .orderBy('f.id', 'desc')
    .select(
      'f.id',
      'f.sign',
      'f.title',
      'f.year_from',
      'f.year_to',
      'f.category',
      'f.volumes',
      'f.status',
      'u.symbol as unit_symbol',
      'f.room',
      'f.rack',
      'f.shelf',
      'f.box',
      'f.barcode',
      'f.linear_metres',
      'f.transfer_list_id',
      'b.full_name as borrower_name',
      'bu.symbol as borrower_unit',
      'l.due_on as loan_due_on',
    )
}
