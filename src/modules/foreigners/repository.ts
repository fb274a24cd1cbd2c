import type { Knex } from 'knex'
import type { Db } from '../../shared/db/index.js'
import { prepared } from '../../shared/db/prepared.js'

export interface ForeignerRow {
  id: number
  surname: string
  given_names: string
  surname_original: string | null
  given_names_original: string | null
  sex: 'F' | 'M' | 'X' | null
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  birth_place: string | null
  case_number: string | null
  pesel: string | null
  case_status: 'open' | 'ended'
  case_ended_on: string | null
  created_at: Date
  /** Bumped by a trigger on every update (optimistic concurrency of the edit form). */
  version: number
  /** Citizenship codes, comma-separated, e.g. `UKR,RUS`. */
  citizenships: string
}

const columns = [
  'f.id',
  'f.surname',
  'f.given_names',
  'f.surname_original',
  'f.given_names_original',
  'f.sex',
  'f.birth_year',
  'f.birth_month',
  'f.birth_day',
  'f.birth_place',
  'f.case_number',
  'f.pesel',
  'f.case_status',
  'f.case_ended_on',
  'f.created_at',
  'f.version',
]

function withCitizenships(db: Db) {
  return db('foreigners as f')
    .select(columns)
    .select(
      db.raw(
        `coalesce((SELECT string_agg(c.country_code, ',' ORDER BY c.country_code) FROM foreigner_citizenships c
          WHERE c.foreigner_id = f.id), '') AS citizenships`,
      ),
    )
}

export async function findForeigner(db: Db, id: number): Promise<ForeignerRow | undefined> {
  return withCitizenships(db).where('f.id', id).first()
}

/** Rows for the ids, in the order given. */
export async function findForeignersByIds(db: Db, ids: number[]): Promise<ForeignerRow[]> {
  if (ids.length === 0) return []
  const rows: ForeignerRow[] = await withCitizenships(db).whereIn('f.id', ids)
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.map((id) => byId.get(id)).filter((r): r is ForeignerRow => !!r)
}

export interface NameMatch {
  id: number
  /** Similarity to the query, 0–1 (sound-alike skeleton and spelling key, half each). */
  score: number
  /**
   * How many other people (within the same filters) are written exactly like this one and were left
   * out of the list so it shows different spellings: narrow by date of birth to see them.
   */
  sameSpelling: number
}

export interface NameSearchOptions {
  /** How many matches at most (default 10). */
  limit?: number
  /** Only foreigners who have a deposited document (the hall look-up). */
  onlyDepositHolders?: boolean
  /** Only people born that year or with no date of birth on record (the duplicate check). */
  birthYear?: number
}

/** Below this best score the surname-key candidates are judged poor and the trigram index is asked too. */
const fallbackBelow = 0.5
/**
 * At most this many surname × given-name pairs are ranked (each is a probe of the pair index); a
 * vaguer query keeps its nearer pairs, or, when even the nearest (distance 0) are more, falls back.
 */
const maxPairs = 1000

/**
 * Transliteration- and typo-tolerant name search: THE query behind the hall look-up, the foreigner
 * search and the duplicate check (benchmarks call it too). Steps 1-3 are one prepared statement whose
 * MATERIALIZED steps hand arrays on, so the planner stays on the indexes (`pairSearchSql`); step 4
 * runs only when they find too few:
 * 1. the query's spelling key, sound-alike skeleton and pair skeleton (migrations 200, 202, 205);
 * 2. each pair-skeleton word's dictionary entries (`foreigner_name_words`: the word's readings, their
 *    forms with x read as s, and the 1-deletions of those) give the surname words and given names it
 *    may stand for, and how near;
 * 3. people whose pair key (first surname word, first given name) is one of the nearest pairs of
 *    those words (surname first or last), ranked, showing each exact spelling once unless a date of
 *    birth narrows it;
 * 4. when that finds fewer than `limit` people (a one-word search, a rare name), the surname-key
 *    dictionary of migration 200 and, for poor matches, the trigram index fill the list.
 */
export async function searchForeignersByName(
  db: Db,
  name: string,
  opts: NameSearchOptions = {},
): Promise<NameMatch[]> {
  const limit = opts.limit ?? 10
  const born = opts.birthYear !== undefined && Number.isInteger(opts.birthYear) ? opts.birthYear : null
  const found = (await prepared(db, pairSearchSql(opts), [name, name, name, born, limit])) as {
    rows: Array<{ k: string | null; v: string[]; id: string | null; score: number; others: string }>
  }
  const key = found.rows[0]?.k ?? ''
  const keyVariants = found.rows[0]?.v ?? []
  if (key === '' || keyVariants.length === 0) return []
  const matches = found.rows
    .filter((r) => r.id !== null)
    .map((r) => ({ id: Number(r.id), score: Number(r.score), sameSpelling: Number(r.others) }))
  if (matches.length >= limit) return matches
  const seen = new Set(matches.map((m) => m.id))
  const more = (await surnameKeyMatches(db, key, keyVariants, limit, opts)).filter((m) => !seen.has(m.id))
  const all = [...matches, ...more]
  return (onePerSpelling(opts) ? await firstOfEachSpelling(db, all) : all).slice(0, limit)
}

const onePerSpelling = (opts: NameSearchOptions) => opts.birthYear === undefined && !opts.onlyDepositHolders

/** The matches without later people written exactly like an earlier one (already counted there). */
async function firstOfEachSpelling(db: Db, matches: NameMatch[]): Promise<NameMatch[]> {
  const rows: Array<{ id: string; spelling: string }> = await db('foreigners')
    .whereIn(
      'id',
      matches.map((m) => m.id),
    )
    .select('id', db.raw(`surname || '|' || given_names AS spelling`))
  const spellingOf = new Map(rows.map((r) => [Number(r.id), r.spelling]))
  const listed = new Set<string>()
  return matches.filter((m) => {
    const spelling = spellingOf.get(m.id) ?? String(m.id)
    if (listed.has(spelling)) return false
    listed.add(spelling)
    return true
  })
}

/**
 * Steps 1-3 in one statement (the query's keys, the pairs its words may stand for, the people ranked),
 * so the pairs never travel to BOK and back. Every (surname word, given name) pair the query's words
 * may stand for: a word and the next one (surname first) or the last word and the first (given names
 * first). The dictionary gives each query word the surname words and the given names it may be, each
 * with its distance: 0 when they share a reading (Jufayth for Dschufeith), 1 when one is the other
 * with a letter left out, 2 when both are (a letter changed; further is counted as 2). Pairs further
 * than 2 in all are left out; when a vague query still has too many, the furthest tiers go first
 * (at most 1000 pairs). `read` pairs are the query's words as typed only through a reading (j as ج or
 * й, x typed as s, an attached article): the skeleton similarity cannot see these (it reads every j as
 * a vowel), so they are raised. The MATERIALIZED steps hand on arrays, so the planner stays on the
 * indexes (`foreigner_name_words` by variant, people by pair key).
 *
 * Each row also carries the query's spelling key and its deletions, for the fallback of step 4 (one
 * row with no person when no pair matched). Bindings: name ×3, year of birth or null, limit. The
 * text depends only on which filters are on, so it is a prepared statement: PostgreSQL plans it once
 * per connection instead of on every search (8.5 → 7.5 ms per statement measured).
 */
export function pairSearchSql(opts: NameSearchOptions): string {
  return `
  WITH q AS MATERIALIZED (
    SELECT name_key(?) AS k, name_skeleton(?) AS s, name_pair_skeleton(?) AS p, ?::int AS born
  ),
  w AS MATERIALIZED (
    SELECT row_number() OVER (ORDER BY t.i) AS i, t.word,
           ARRAY(SELECT r FROM name_skeleton_readings(t.word) AS r
                 UNION SELECT replace(r, 'x', 's') FROM name_skeleton_readings(t.word) AS r) AS typed
      FROM q, unnest(string_to_array(q.p, ' ')) WITH ORDINALITY AS t(word, i)
     WHERE length(t.word) >= 2
  ),
  m AS MATERIALIZED (
    SELECT w.i, d.part, d.word, d.word <> w.word AS other,
           least(min((NOT d.variant = ANY(w.typed))::int + d.edits), 2) AS d
      FROM w CROSS JOIN LATERAL (
        SELECT d.variant, d.part, d.word, d.edits FROM foreigner_name_words d
         WHERE d.variant = ANY(ARRAY(SELECT name_skeleton_variants(w.word)))) AS d
     GROUP BY w.i, w.word, d.part, d.word
  ),
  ms AS MATERIALIZED (SELECT i, word, other, d FROM m WHERE part = 's'),
  mg AS MATERIALIZED (SELECT i, word, other, d FROM m WHERE part = 'g'),
  c AS MATERIALIZED (
    SELECT s.word || ' ' || g.word AS pair, min(s.d + g.d) AS d,
           bool_or(s.d + g.d = 0 AND (s.other OR g.other)) AS read
      FROM ms s JOIN mg g ON g.i = s.i + 1 OR (s.i = (SELECT max(i) FROM w) AND g.i = 1)
     WHERE s.d + g.d <= 2 AND (SELECT count(*) FROM w) >= 2
     GROUP BY 1
  ),
  p AS MATERIALIZED (
    SELECT ARRAY(SELECT pair FROM c WHERE d <= t.upto) AS a,
           ARRAY(SELECT pair FROM c WHERE read AND t.upto >= 0) AS read
      FROM (SELECT coalesce(max(d), -1) AS upto FROM (
              SELECT d, sum(count(*)) OVER (ORDER BY d) AS total FROM c GROUP BY d) AS tiers
             WHERE total <= ${maxPairs}) AS t
  ),
  r AS (${rankSql(opts)})
  SELECT q.k, ARRAY(SELECT name_key_deletions(q.k)) AS v, r.id, r.score, r.others
    FROM q LEFT JOIN r ON true
   ORDER BY r.score DESC, r.id DESC`
}

/**
 * Among deposit holders (the hall look-up): each pair row needs a deposit probe, but the nearest tiers
 * of at most 1000 pairs keep them few, while the surname-key search ranks every person of a common
 * surname (46 k rows and a hash of all deposits for Nguyen Bich Hanh: 97 ms).
 */
function holdersOnly(opts: NameSearchOptions): string {
  return opts.onlyDepositHolders ? 'AND EXISTS (SELECT 1 FROM deposits dp WHERE dp.holder_id = f.id)' : ''
}

function filtersOf(opts: NameSearchOptions): string {
  // An integer checked here, so it can be part of the SQL text without a binding.
  const born =
    opts.birthYear !== undefined && Number.isInteger(opts.birthYear)
      ? `AND (f.birth_year = ${opts.birthYear} OR f.birth_year IS NULL)`
      : ''
  return `${holdersOnly(opts)} ${born}`
}

/**
 * People on the pairs of `p`, ranked by similarity to the query (skeleton and spelling key, half
 * each), raised for a skeleton equal to the query's (all its words, so Yusuf Yusuf Umar comes before
 * Yoosuf Umar for Yoosuf Yoosuf Umar) and for a `read` pair. With a date of birth, or among deposit
 * holders, the list is short and every person counts. Otherwise people written exactly alike take one
 * line (the latest of them, with how many share it), so different spellings of the same person get
 * the room; similarity is then computed once per spelling.
 */
function rankSql(opts: NameSearchOptions): string {
  const score = `((similarity(f.name_skel, q.s) + similarity(f.name_key, q.k)) / 2
    + CASE WHEN f.name_skel = q.s THEN 0.1 ELSE 0 END
    + CASE WHEN f.pair_key = ANY((SELECT read FROM p)::text[]) THEN 0.1 ELSE 0 END)`
  const born = opts.birthYear !== undefined ? 'AND (f.birth_year = q.born OR f.birth_year IS NULL)' : ''
  const where = `f.pair_key = ANY((SELECT a FROM p)::text[]) ${holdersOnly(opts)} ${born}`
  return onePerSpelling(opts)
    ? `SELECT max(f.id) AS id, count(*) - 1 AS others, ${score} AS score
         FROM foreigners f, q WHERE ${where}
        GROUP BY f.surname, f.given_names, f.name_skel, f.name_key, f.pair_key, q.s, q.k
        ORDER BY score DESC, id DESC LIMIT ?`
    : `SELECT f.id, 0 AS others, ${score} AS score
         FROM foreigners f, q WHERE ${where}
        ORDER BY score DESC, f.id DESC LIMIT ?`
}

/** Migration 200's search: surname keys one deletion apart, then the trigram index for poor matches. */
async function surnameKeyMatches(
  db: Db,
  key: string,
  variants: string[],
  limit: number,
  opts: NameSearchOptions,
): Promise<NameMatch[]> {
  const filters = filtersOf(opts)
  const candidates = (await db.raw(
    `SELECT DISTINCT surname_key FROM foreigner_name_deletions WHERE variant = ANY(?::text[])`,
    [variants],
  )) as { rows: Array<{ surname_key: string }> }
  let matches: NameMatch[] = []
  if (candidates.rows.length) {
    const ranked = (await db.raw(
      `SELECT f.id, greatest(similarity(f.name_key, ?), similarity(f.surname_key, ?)) AS score
       FROM foreigners f
       WHERE f.surname_key = ANY(?::text[]) ${filters}
       ORDER BY score DESC, f.id DESC
       LIMIT ?`,
      [key, key, candidates.rows.map((r) => r.surname_key), limit],
    )) as { rows: Array<{ id: number; score: number }> }
    matches = ranked.rows.map((r) => ({ id: Number(r.id), score: Number(r.score), sameSpelling: 0 }))
  }
  if ((matches[0]?.score ?? 0) >= fallbackBelow) return matches

  const fallback = await (db as Knex).transaction(async (trx) => {
    // `%` uses this threshold; 0.45 keeps the GIN posting-list recheck short (PERFORMANCE.md §1 (a)).
    await trx.raw(`SELECT set_config('pg_trgm.similarity_threshold', '0.45', true)`)
    const result = (await trx.raw(
      `SELECT f.id, similarity(f.name_key, ?) AS score
       FROM foreigners f
       WHERE f.name_key % ? ${filters}
       ORDER BY score DESC, f.id DESC
       LIMIT ?`,
      [key, key, limit],
    )) as { rows: Array<{ id: number; score: number }> }
    return result.rows.map((r) => ({ id: Number(r.id), score: Number(r.score), sameSpelling: 0 }))
  })
  const merged = new Map<number, number>()
  for (const m of [...matches, ...fallback]) merged.set(m.id, Math.max(merged.get(m.id) ?? 0, m.score))
  return [...merged]
    .map(([id, score]) => ({ id, score, sameSpelling: 0 }))
    .sort((a, b) => b.score - a.score || b.id - a.id)
    .slice(0, limit)
}

export interface NewForeigner {
  surname: string
  givenNames: string
  surnameOriginal?: string | null
  givenNamesOriginal?: string | null
  sex?: 'F' | 'M' | 'X' | null
  birthYear?: number | null
  birthMonth?: number | null
  birthDay?: number | null
  birthPlace?: string | null
  caseNumber?: string | null
  pesel?: string | null
  citizenships: string[]
  createdBy: number | null
}

/** The person's details as table columns (shared by recording and correcting a record). */
function detailColumns(f: Omit<NewForeigner, 'createdBy' | 'citizenships'>) {
  return {
    surname: f.surname,
    given_names: f.givenNames,
    surname_original: f.surnameOriginal ?? null,
    given_names_original: f.givenNamesOriginal ?? null,
    sex: f.sex ?? null,
    birth_year: f.birthYear ?? null,
    birth_month: f.birthMonth ?? null,
    birth_day: f.birthDay ?? null,
    birth_place: f.birthPlace ?? null,
    case_number: f.caseNumber ?? null,
    pesel: f.pesel ?? null,
  }
}

export async function insertForeigner(db: Db, f: NewForeigner): Promise<number> {
  const [row] = await db('foreigners')
    .insert({ ...detailColumns(f), created_by: f.createdBy })
    .returning('id')
  const id = Number(row.id)
  const codes = [...new Set(f.citizenships)]
  if (codes.length)
    await db('foreigner_citizenships').insert(codes.map((c) => ({ foreigner_id: id, country_code: c })))
  return id
}

/** The editable details of a foreigner (the edit form). */
export interface ForeignerDetails extends Omit<NewForeigner, 'createdBy'> {
  caseStatus: 'open' | 'ended'
}

/** Locks the record for the rest of the transaction and returns it (undefined when there is none). */
export async function lockForeigner(trx: Knex.Transaction, id: number): Promise<ForeignerRow | undefined> {
  const locked = await trx('foreigners').where({ id }).forUpdate().first('id')
  return locked ? findForeigner(trx, id) : undefined
}

/** Writes the details and replaces the citizenships (the trigger bumps `version`). */
export async function updateForeigner(
  db: Db,
  id: number,
  f: ForeignerDetails,
  caseStatusChanged: boolean,
): Promise<void> {
  await db('foreigners')
    .where({ id })
    .update({
      ...detailColumns(f),
      case_status: f.caseStatus,
      ...(caseStatusChanged
        ? { case_ended_on: f.caseStatus === 'ended' ? db.raw('CURRENT_DATE') : null }
        : {}),
      updated_at: db.fn.now(),
    })
  await db('foreigner_citizenships').where({ foreigner_id: id }).del()
  const codes = [...new Set(f.citizenships)]
  if (codes.length)
    await db('foreigner_citizenships').insert(codes.map((c) => ({ foreigner_id: id, country_code: c })))
}

export interface HistoryEntry {
  id: number
  at: Date
  actor_name: string | null
  action: string
  details: { before?: Record<string, unknown>; after?: Record<string, unknown> } | string
}

/** Changes to the record, newest first, from the audit log (created, edited, case status). */
export async function foreignerHistory(db: Db, id: number, limit = 50): Promise<HistoryEntry[]> {
  return db('audit_log')
    .where({ entity_type: 'foreigner', entity_id: String(id) })
    .whereIn('action', ['foreigners.created', 'foreigners.updated', 'foreigners.caseStatusChanged'])
    .orderBy('id', 'desc')
    .limit(limit)
    .select('id', 'at', 'actor_name', 'action', 'details')
}

export async function updateCaseStatus(db: Db, id: number, status: 'open' | 'ended'): Promise<void> {
  await db('foreigners')
    .where({ id })
    .update({
      case_status: status,
      case_ended_on: status === 'ended' ? db.raw('CURRENT_DATE') : null,
      updated_at: db.fn.now(),
    })
}

export async function findByPesel(db: Db, pesel: string): Promise<{ id: number } | undefined> {
  return db('foreigners').where({ pesel }).first('id')
}

export interface CountryRow {
  code: string
  name_pl: string
  name_en: string
  kind: string
}

/** Countries and Doc 9303 codes in force today. */
export async function listCountries(db: Db): Promise<CountryRow[]> {
  return db('countries')
    .select('code', 'name_pl', 'name_en', 'kind')
    .where((q) => q.whereNull('valid_to').orWhere('valid_to', '>=', db.raw('CURRENT_DATE')))
    .orderBy('name_pl')
}

export async function existingCountryCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set()
  const rows: Array<{ code: string }> = await db('countries').whereIn('code', codes).select('code')
  return new Set(rows.map((r) => r.code))
}
