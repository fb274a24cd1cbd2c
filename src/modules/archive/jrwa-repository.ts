import type { Db } from '../../shared/db/index.js'
import { parentSymbol, type JrwaRow } from './jrwa.js'

export interface JrwaClassRow {
  symbol: string
  parent_symbol: string | null
  title: string
  category: string | null
  is_leaf: boolean
}

const leafExpr =
  'NOT EXISTS (SELECT 1 FROM archive_jrwa_classes c WHERE c.parent_symbol = j.symbol) AS is_leaf'

export async function allSymbols(db: Db): Promise<string[]> {
  return (await db('archive_jrwa_classes').select('symbol')).map((r: { symbol: string }) => r.symbol)
}

/** The whole plan in symbol order (a few hundred classes at most), each with whether it is a leaf. */
export async function listClasses(db: Db, search?: string): Promise<JrwaClassRow[]> {
  const qb = db('archive_jrwa_classes as j')
    .select('j.symbol', 'j.parent_symbol', 'j.title', 'j.category', db.raw(leafExpr))
    .orderBy('j.symbol')
  if (search) {
    const term = search.trim().replace(/[\\%_]/g, '\\$&')
    qb.where((w) => {
      if (/^\d{1,4}$/.test(term)) w.where('j.symbol', 'like', `${term}%`)
      w.orWhereRaw("f_unaccent(lower(j.title)) LIKE '%' || f_unaccent(lower(?)) || '%'", [term])
    })
  }
  return qb
}

export async function findClass(db: Db, symbol: string): Promise<JrwaClassRow | undefined> {
  return db('archive_jrwa_classes as j')
    .where('j.symbol', symbol)
    .first('j.symbol', 'j.parent_symbol', 'j.title', 'j.category', db.raw(leafExpr))
}

/** Classes that take folders: the lowest level, with a category. */
export async function leafClasses(db: Db): Promise<JrwaClassRow[]> {
  return (await listClasses(db)).filter((c) => c.is_leaf && c.category)
}

/** Inserts new classes and updates the title and category of existing ones; returns how many were new. */
export async function upsertClasses(db: Db, rows: JrwaRow[]): Promise<{ added: number; updated: number }> {
  const existing = new Set(await allSymbols(db))
  // Parents before children, so the plan is consistent at every step.
  const ordered = [...rows].sort(
    (a, b) => a.symbol.length - b.symbol.length || a.symbol.localeCompare(b.symbol),
  )
  let added = 0
  for (const chunk of chunks(ordered, 500)) {
    await db('archive_jrwa_classes')
      .insert(
        chunk.map((r) => ({
          symbol: r.symbol,
          parent_symbol: parentSymbol(r.symbol),
          title: r.title,
          category: r.category,
        })),
      )
      .onConflict('symbol')
      .merge({
        title: db.raw('excluded.title'),
        category: db.raw('excluded.category'),
        updated_at: db.fn.now(),
      })
    added += chunk.filter((r) => !existing.has(r.symbol)).length
  }
  return { added, updated: rows.length - added }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
