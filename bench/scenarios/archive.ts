import type { BenchEnv, Scenario } from './types.js'
import { sessionQueries } from './app.js'

const inArchive = `f.status IN ('held','destroyed','state_archive')`
const tsQuery = `plainto_tsquery('simple'::regconfig, translate(f_unaccent(lower($1)), '-/.,', '    '))`
const rowColumns = `f.id, f.sign, f.title, f.year_from, f.year_to, f.category, f.volumes, f.status, u.symbol AS unit_symbol,
  f.room, f.rack, f.shelf, f.box, f.barcode, f.linear_metres, f.transfer_list_id, b.full_name AS borrower_name,
  l.due_on AS loan_due_on`
const rowsOf = (
  ids: string,
) => `SELECT ${rowColumns} FROM archive_folders f JOIN org_units u ON u.id = f.unit_id
  LEFT JOIN archive_loans l ON l.folder_id = f.id AND l.returned_on IS NULL
  LEFT JOIN archive_borrowers b ON b.id = l.borrower_id
  WHERE f.id IN (${ids}) ORDER BY f.id DESC LIMIT 50`

/**
 * The module's adaptive holdings search in one statement: the newest 2,000 rows are probed first;
 * only when they hold 50 or fewer hits are the matches looked up block by block of ids, newest block
 * first (the word keys of migration 311; a one-time filter skips it).
 */
export const holdingsSearchSql = `WITH probe AS (
    SELECT p.id FROM (SELECT f.id, f.tsv FROM archive_folders f WHERE ${inArchive} ORDER BY f.id DESC LIMIT 2000) p
    WHERE p.tsv @@ ${tsQuery} ORDER BY p.id DESC LIMIT 51),
  by_blocks AS (
    SELECT hit.id FROM generate_series((SELECT coalesce(max(id), 0) >> 16 FROM archive_folders), 0, -1) AS b (block)
    CROSS JOIN LATERAL (SELECT f.id FROM archive_folders f
      WHERE archive_title_keys(f.tsv, f.id) @> archive_query_keys($1, b.block) AND ${inArchive}
      ORDER BY f.id + 0 DESC LIMIT 51) hit
    WHERE (SELECT count(*) FROM probe) <= 50 LIMIT 51)
  ${rowsOf('SELECT id FROM probe UNION SELECT id FROM by_blocks')}`

export const holdingsListSql = rowsOf(
  `SELECT f.id FROM archive_folders f WHERE ${inArchive} AND f.unit_id = $1 ORDER BY f.id DESC LIMIT 51`,
)

/** 1–3 words of real titles, shuffled, lower case, without diacritics, as archivists type them. */
export async function holdingsSearchTerms(env: BenchEnv, n: number): Promise<string[]> {
  const r = await env.knex.raw(
    `SELECT title FROM archive_folders TABLESAMPLE SYSTEM (1) REPEATABLE (11) LIMIT ?`,
    [n * 2],
  )
  const out: string[] = []
  for (const [i, row] of (r.rows as Array<{ title: string }>).entries()) {
    const words = row.title
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/ł/g, 'l')
      .replace(/Ł/g, 'L')
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w.length >= 4)
    if (!words.length) continue
    const k = 1 + (i % 3)
    const picked = Array.from({ length: k }, (_, j) => words[(i * 5 + j * 3) % words.length]!)
    out.push([...new Set(picked)].reverse().join(' '))
    if (out.length >= n) break
  }
  return out
}

export const archiveScenarios: Scenario[] = [
  {
    name: 'archive.holdings_search',
    role: 'archivist',
    requires: ['archive_folders'],
    rows: (s) => s.folders,
    kind: 'search',
    async prepare(env) {
      const session = await env.session('archivist')
      const user = await env.knex('users').where('username', 'bench.archivist').first('id')
      const terms = await holdingsSearchTerms(env, env.variety)
      return {
        requests: terms.map((q) => ({
          method: 'GET' as const,
          path: `/archive/holdings?q=${encodeURIComponent(q)}`,
        })),
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            { sql: holdingsSearchSql, params: terms.map((q) => [q]) },
          ],
        },
        explain: { sql: holdingsSearchSql, params: [terms.find((t) => t.includes(' ')) ?? terms[0]] },
      }
    },
  },
  {
    name: 'archive.holdings_list',
    role: 'archivist',
    requires: ['archive_folders'],
    rows: (s) => s.folders,
    kind: 'list',
    async prepare(env) {
      const session = await env.session('archivist')
      const user = await env.knex('users').where('username', 'bench.archivist').first('id')
      const units = (await env.knex('org_units').where({ status: 'active' }).pluck('id')).map(Number)
      return {
        requests: units.map((u) => ({ method: 'GET' as const, path: `/archive/holdings?unit=${u}` })),
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            { sql: holdingsListSql, params: units.map((u) => [u]) },
          ],
        },
      }
    },
  },
]
