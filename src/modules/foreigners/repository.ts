import type { Knex } from 'knex'
import type { Db } from '../../shared/db/index.js'
import { skeletonReadings, skeletonVariants } from './name-skeleton.js'

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
 * search and the duplicate check (benchmarks call it too). Short statements rather than one, so the
 * planner sees real array sizes and stays on the indexes:
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
  const keyed = (await db.raw(
    `SELECT q.k, name_skeleton(?) AS s, name_pair_skeleton(?) AS p, ARRAY(SELECT name_key_deletions(q.k)) AS v
       FROM (SELECT name_key(?) AS k) q`,
    [name, name, name],
  )) as { rows: Array<{ k: string | null; s: string | null; p: string | null; v: string[] }> }
  const key = keyed.rows[0]?.k ?? ''
  const skeleton = keyed.rows[0]?.s ?? ''
  const pairSkeleton = keyed.rows[0]?.p ?? ''
  const keyVariants = keyed.rows[0]?.v ?? []
  if (key === '' || keyVariants.length === 0) return []
  // Among deposit holders too: each pair row needs a deposit probe, but the nearest tiers of at most
  // 1000 pairs (migration 205) keep them few, while the surname-key search ranks every person of a
  // common surname (46 k rows and a hash of all deposits for Nguyen Bich Hanh: 97 ms).
  const pairs = await pairKeys(db, pairSkeleton)
  const matches = pairs.all.length ? await rankPairs(db, pairs, key, skeleton, limit, opts) : []
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
 * The candidate pair keys; `read` those whose words are the query's words as typed only through a
 * reading (j as ج or й, x typed as s, an attached article): Jufayth for Dschufeith. The skeleton
 * similarity of the ranking cannot see these (it reads every j as a vowel), so they are raised.
 */
interface Pairs {
  all: string[]
  read: string[]
}

/**
 * Every (surname word, given name) pair the query's words may stand for: a word and the next one
 * (surname first) or the last word and the first (given names first). The dictionary gives each
 * query word the surname words and the given names it may be, each with its distance: 0 when they
 * share a reading (Jufayth for Dschufeith), 1 when one is the other with a letter left out, 2 when
 * both are (a letter changed). Pairs further than 2 in all are left out; when a vague query still
 * has too many, the furthest go first.
 */
async function pairKeys(db: Db, skeleton: string): Promise<Pairs> {
  const words = skeleton.split(' ').filter((w) => w.length >= 2)
  if (words.length < 2) return { all: [], read: [] }
  const typed = words.map((w) => new Set(readingsOf(w)))
  const variants = words.map((w) => skeletonVariants(w))
  const found = (await db.raw(
    `SELECT variant, part, word, edits FROM foreigner_name_words WHERE variant = ANY(?::text[])`,
    [[...new Set(variants.flat())]],
  )) as { rows: Array<{ variant: string; part: 's' | 'g'; word: string; edits: number }> }
  const entries = new Map<string, Array<{ part: 's' | 'g'; word: string; edits: number }>>()
  for (const r of found.rows) entries.set(r.variant, [...(entries.get(r.variant) ?? []), r])
  // For query word i: the words of a part it may be, with the fewest edits over the shared entries
  // (the query's side: the entry is a reading of the word as typed, or one of its deletions).
  const meant = (part: 's' | 'g') =>
    variants.map((vs, i) => {
      const best = new Map<string, number>()
      for (const v of vs)
        for (const e of entries.get(v) ?? []) {
          if (e.part !== part) continue
          const d = (typed[i]!.has(v) ? 0 : 1) + Number(e.edits)
          best.set(e.word, Math.min(best.get(e.word) ?? 2, d))
        }
      return best
    })
  const surnames = meant('s')
  const given = meant('g')
  const last = words.length - 1
  const combos = words.map((_, i) => [i, i + 1] as const).filter(([, j]) => j <= last)
  combos.push([last, 0])
  const distance = new Map<string, number>()
  const read = new Set<string>()
  for (const [i, j] of combos)
    for (const [s, ds] of surnames[i]!)
      for (const [g, dg] of given[j]!) {
        const pair = `${s} ${g}`
        if (ds + dg <= 2) distance.set(pair, Math.min(distance.get(pair) ?? 2, ds + dg))
        if (ds + dg === 0 && (s !== words[i] || g !== words[j])) read.add(pair)
      }
  const all: string[] = []
  for (const d of [0, 1, 2]) {
    const tier = [...distance].filter(([, pd]) => pd === d).map(([pair]) => pair)
    if (all.length + tier.length > maxPairs) break
    all.push(...tier)
  }
  return { all, read: all.filter((pair) => read.has(pair)) }
}

/** A word's readings, with hushing sounds also read as hissing ones (as the dictionary holds them). */
const readingsOf = (word: string) => {
  const rs = skeletonReadings(word)
  return [...rs, ...rs.map((r) => r.replaceAll('x', 's'))]
}

function filtersOf(opts: NameSearchOptions): string {
  const holders = opts.onlyDepositHolders
    ? 'AND EXISTS (SELECT 1 FROM deposits dp WHERE dp.holder_id = f.id)'
    : ''
  // An integer checked here, so it can be part of the SQL text without a binding.
  const born =
    opts.birthYear !== undefined && Number.isInteger(opts.birthYear)
      ? `AND (f.birth_year = ${opts.birthYear} OR f.birth_year IS NULL)`
      : ''
  return `${holders} ${born}`
}

/**
 * Similarity to the query (skeleton and spelling key, half each), raised for a skeleton equal to the
 * query's (all its words, so Yusuf Yusuf Umar comes before Yoosuf Umar for Yoosuf Yoosuf Umar) and
 * for a pair that is the words typed through a reading (Jufayth for Dschufeith; see `Pairs`).
 * Bindings: skeleton, key, skeleton, those pairs.
 */
const scoreSql = `((similarity(f.name_skel, ?) + similarity(f.name_key, ?)) / 2
  + CASE WHEN f.name_skel = ? THEN 0.1 ELSE 0 END + CASE WHEN f.pair_key = ANY(?::text[]) THEN 0.1 ELSE 0 END)`

async function rankPairs(
  db: Db,
  pairs: Pairs,
  key: string,
  skeleton: string,
  limit: number,
  opts: NameSearchOptions,
): Promise<NameMatch[]> {
  // With a date of birth, or among deposit holders, the list is short and every person counts. Otherwise people written
  // exactly alike take one line (the latest of them, with how many share it), so different spellings
  // of the same person get the room; similarity is then computed once per spelling.
  if (!onePerSpelling(opts)) {
    const result = (await db.raw(
      `SELECT f.id, ${scoreSql} AS score
       FROM foreigners f
       WHERE f.pair_key = ANY(?::text[]) ${filtersOf(opts)}
       ORDER BY score DESC, f.id DESC
       LIMIT ?`,
      [skeleton, key, skeleton, pairs.read, pairs.all, limit],
    )) as { rows: Array<{ id: string; score: number }> }
    return result.rows.map((r) => ({ id: Number(r.id), score: Number(r.score), sameSpelling: 0 }))
  }
  const result = (await db.raw(
    `SELECT max(f.id) AS id, count(*) - 1 AS others,
            ${scoreSql} AS score
     FROM foreigners f
     WHERE f.pair_key = ANY(?::text[]) ${filtersOf(opts)}
     GROUP BY f.surname, f.given_names, f.name_skel, f.name_key, f.pair_key
     ORDER BY score DESC, id DESC
     LIMIT ?`,
    [skeleton, key, skeleton, pairs.read, pairs.all, limit],
  )) as { rows: Array<{ id: string; score: number; others: string }> }
  return result.rows.map((r) => ({
    id: Number(r.id),
    score: Number(r.score),
    sameSpelling: Number(r.others),
  }))
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
