import { parse } from 'csv-parse/sync'
import { categoryPattern } from './domain.js'

/** One class of the file plan, as imported. */
export interface JrwaRow {
  symbol: string
  title: string
  category: string | null
}

/** A bad row of the import file: line number, what was read, and a catalog key saying why. */
export interface JrwaRowError {
  line: number
  symbol: string
  key: string
}

export type JrwaParse = { ok: true; rows: JrwaRow[] } | { ok: false; errors: JrwaRowError[] }

/** Parent of a symbol: one digit fewer ('0123' → '012'); top-level classes have none. */
export function parentSymbol(symbol: string): string | null {
  return symbol.length > 1 ? symbol.slice(0, -1) : null
}

/**
 * The separator of a CSV: the one found outside quotes on the first non-empty line, `;` first (Excel
 * in the Polish locale and the documented format), else `,`; null when the line has neither.
 */
export function csvDelimiter(text: string): ';' | ',' | null {
  const first =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? ''
  let quoted = false
  let semicolons = 0
  let commas = 0
  for (const ch of first) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === ';') semicolons += 1
    else if (!quoted && ch === ',') commas += 1
  }
  return semicolons ? ';' : commas ? ',' : null
}

/**
 * Reads `symbol;title;category` lines (or comma-separated ones, as some spreadsheets save them) and checks every row: symbol of 1–4 digits (kept as text, so
 * leading zeros stay), a title, a valid archival category, no duplicates, a parent class one digit
 * shorter (in the file or already in the plan), and a category on every lowest-level class (only
 * those take folders). Reports every bad row, not just the first.
 */
export function parseJrwaCsv(text: string, existingSymbols: Iterable<string>): JrwaParse {
  const errors: JrwaRowError[] = []
  let records: Array<{ record: string[]; info: { lines: number } }>
  try {
    records = parse(text, {
      delimiter: csvDelimiter(text) ?? ';',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Excel writes `;;` for rows that are formatted but empty.
      skip_records_with_empty_values: true,
      trim: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>
  } catch (err) {
    const line = Number((err as { lines?: number }).lines ?? 0)
    return { ok: false, errors: [{ line, symbol: '', key: 'archive.jrwa.import.malformed' }] }
  }
  const first = records[0]?.record[0]?.toLowerCase()
  if (first === 'symbol' || first === 'symbol klasy') records.shift()
  if (records.length === 0)
    return { ok: false, errors: [{ line: 1, symbol: '', key: 'archive.jrwa.import.empty' }] }

  const rows: Array<JrwaRow & { line: number }> = []
  const seen = new Set<string>()
  for (const { record, info } of records) {
    const symbol = record[0] ?? ''
    const fail = (key: string) => errors.push({ line: info.lines, symbol, key })
    if (record.length !== 3) {
      fail('archive.jrwa.import.columns')
      continue
    }
    const [, title = '', category = ''] = record
    if (!/^\d{1,4}$/.test(symbol)) fail('archive.jrwa.import.symbol')
    else if (seen.has(symbol)) fail('archive.jrwa.import.duplicate')
    else if (title === '') fail('archive.jrwa.import.title')
    else if (title.length > 300) fail('archive.jrwa.import.titleTooLong')
    else if (category !== '' && !categoryPattern.test(category)) fail('archive.jrwa.import.category')
    else rows.push({ line: info.lines, symbol, title, category: category === '' ? null : category })
    seen.add(symbol)
  }

  const all = new Set([...existingSymbols, ...seen])
  const hasChild = new Set([...all].map(parentSymbol).filter((p): p is string => p !== null))
  for (const r of rows) {
    const parent = parentSymbol(r.symbol)
    if (parent !== null && !all.has(parent))
      errors.push({ line: r.line, symbol: r.symbol, key: 'archive.jrwa.import.parentMissing' })
    else if (!hasChild.has(r.symbol) && r.category === null)
      errors.push({ line: r.line, symbol: r.symbol, key: 'archive.jrwa.import.leafCategory' })
  }
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) }
  return { ok: true, rows: rows.map(({ symbol, title, category }) => ({ symbol, title, category })) }
}
