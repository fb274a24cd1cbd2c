import { truthTable } from '../../seeds/scale/foreigners.js'
import type { BenchRequest } from '../load.js'
import type { BenchEnv, Quality, Scenario } from './types.js'
import { sessionQueries } from './app.js'
import { pairSearchSql, searchForeignersByName } from '../../src/modules/foreigners/repository.js'

/** A statement written with knex's `?` placeholders, numbered as bare pg sends it (`$1`, `$2`, …). */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/**
 * The module's own name search statement (its steps 1-3: the query's keys, the pairs its words may
 * stand for, the people ranked, one line per spelling), with the people's details joined in (BOK reads
 * them in a second statement, beside its audit row). Prepared, as BOK prepares it. (The module's
 * fallback for one-word and rare names is not part of the floor.) Parameters: name ×3, year of birth
 * (null), limit.
 */
export const nameSearchSql = `WITH found AS (${numbered(pairSearchSql({}))})
  SELECT f.id, f.surname, f.given_names, f.sex, f.birth_year, f.birth_month, f.birth_day, f.case_number,
         coalesce((SELECT string_agg(c.country_code, ',' ORDER BY c.country_code) FROM foreigner_citizenships c
                    WHERE c.foreigner_id = f.id), '') AS citizenships, found.score, found.others
  FROM found JOIN foreigners f ON f.id = found.id
  ORDER BY found.score DESC, found.id DESC`

interface Sample {
  id: number
  identity_id: number
  surname: string
  given_names: string
  birth_year: number
  birth_month: number | null
  birth_day: number | null
  country: string | null
}

/** Genuine rows (not decoys) of identities written down more than once, in a fixed random order. */
async function samples(env: BenchEnv, n: number, withDecoys = false): Promise<Sample[]> {
  const r = await env.knex.raw(
    `WITH ids AS (
       SELECT t.identity_id FROM ${truthTable} t
        WHERE t.decoy_of IS NULL
          ${withDecoys ? `AND EXISTS (SELECT 1 FROM ${truthTable} d WHERE d.decoy_of = t.identity_id)` : ''}
        GROUP BY t.identity_id HAVING count(*) >= 2
        ORDER BY md5(t.identity_id::text) LIMIT ?)
     SELECT DISTINCT ON (t.identity_id) f.id, t.identity_id, f.surname, f.given_names, f.birth_year, f.birth_month,
            f.birth_day, (SELECT min(c.country_code) FROM foreigner_citizenships c WHERE c.foreigner_id = f.id) AS country
       FROM ids JOIN ${truthTable} t ON t.identity_id = ids.identity_id AND t.decoy_of IS NULL
       JOIN foreigners f ON f.id = t.foreigner_id
      ORDER BY t.identity_id, md5(f.id::text)`,
    [n],
  )
  return (r.rows as Sample[]).map((s) => ({ ...s, id: Number(s.id), identity_id: Number(s.identity_id) }))
}

/**
 * recall@10: for each query spelling, the share of the same person's other spellings found in the
 * top 10. decoy_above_match_rate: over people who have a look-alike, how often a look-alike ranks
 * above the person's best-ranked other spelling (or is listed while no other spelling is).
 */
async function nameQuality(env: BenchEnv): Promise<Quality> {
  const search = searchForeignersByName
  const general = await samples(env, 300)
  const withDecoy = await samples(env, 200, true)
  const identityOf = async (ids: number[]) => {
    if (!ids.length) return new Map<number, { identity: number; decoyOf: number | null; canonical: string }>()
    const rows = await env
      .knex(truthTable)
      .whereIn('foreigner_id', ids)
      .select('foreigner_id', 'identity_id', 'decoy_of', 'canonical')
    return new Map(
      rows.map(
        (r: { foreigner_id: string; identity_id: string; decoy_of: string | null; canonical: string }) => [
          Number(r.foreigner_id),
          {
            identity: Number(r.identity_id),
            decoyOf: r.decoy_of === null ? null : Number(r.decoy_of),
            canonical: r.canonical,
          },
        ],
      ),
    )
  }
  // A spelling of a name: the same source-script name written the same way.
  const spellingsOf = async (ids: number[]) => {
    if (!ids.length) return [] as string[]
    const rows = await env
      .knex(`${truthTable} as t`)
      .join('foreigners as f', 'f.id', 't.foreigner_id')
      .whereIn('t.foreigner_id', ids)
      .select('t.canonical', 'f.surname', 'f.given_names')
    return rows.map(
      (r: { canonical: string; surname: string; given_names: string }) =>
        `${r.canonical}|${r.surname}|${r.given_names}`,
    )
  }
  let found = 0
  let wanted = 0
  const byOrigin: Record<string, { found: number; wanted: number }> = {}
  for (const s of general) {
    const others = await env
      .knex(truthTable)
      .where({ identity_id: s.identity_id })
      .whereNull('decoy_of')
      .whereNot('foreigner_id', s.id)
      .pluck('foreigner_id')
    const top = (await search(env.knex, `${s.surname} ${s.given_names}`, { limit: 10 })).map((m) => m.id)
    const listed = new Set(await spellingsOf(top))
    for (const spelling of await spellingsOf(others.map(Number))) {
      const o = (byOrigin[spelling.slice(0, 2)] ??= { found: 0, wanted: 0 })
      wanted += 1
      o.wanted += 1
      if (listed.has(spelling)) {
        found += 1
        o.found += 1
      }
    }
  }
  let decoyAbove = 0
  for (const s of withDecoy) {
    const top = (await search(env.knex, `${s.surname} ${s.given_names}`, { limit: 10 })).map((m) => m.id)
    const who = await identityOf([...top, s.id])
    const name = who.get(s.id)?.canonical
    const firstMatch = top.findIndex(
      (id) => id !== s.id && !who.get(id)?.decoyOf && who.get(id)?.canonical === name,
    )
    const firstDecoy = top.findIndex((id) => who.get(id)?.decoyOf === s.identity_id)
    if (firstDecoy >= 0 && (firstMatch < 0 || firstDecoy < firstMatch)) decoyAbove += 1
  }
  const breakdown = Object.entries(byOrigin)
    .map(([o, v]) => `${o} ${Math.round((v.found / v.wanted) * 100)} % of ${v.wanted}`)
    .join(', ')
  return {
    breakdown,
    recall_at_10: Math.round((found / Math.max(wanted, 1)) * 1000) / 1000,
    decoy_above_match_rate: Math.round((decoyAbove / Math.max(withDecoy.length, 1)) * 1000) / 1000,
    queries: general.length + withDecoy.length,
  }
}

const ddmmyyyy = (s: Sample) =>
  s.birth_day && s.birth_month
    ? `${String(s.birth_day).padStart(2, '0')}.${String(s.birth_month).padStart(2, '0')}.${s.birth_year}`
    : String(s.birth_year)

export const foreignersScenarios: Scenario[] = [
  {
    name: 'deposits.name_search',
    role: 'hall_staff',
    requires: ['foreigners', 'foreigner_name_deletions', 'foreigner_name_words', truthTable],
    rows: (s) => s.foreigners,
    kind: 'search',
    async prepare(env) {
      const session = await env.session('hall_staff')
      const list = await samples(env, env.variety)
      const requests: BenchRequest[] = []
      for (const s of list) {
        // Searches by name are POSTed and shown under an opaque id; the GET re-runs the search.
        const res = await session.post('/foreigners/search', { name: `${s.surname} ${s.given_names}` })
        if (res.status !== 303 || !res.location) throw new Error(`name search POST gave HTTP ${res.status}`)
        requests.push({ method: 'GET', path: res.location })
      }
      const user = await env.knex('users').where('username', 'bench.hall-staff').first('id')
      const params = list.map((s) => {
        const name = `${s.surname} ${s.given_names}`
        return [name, name, name, null, 20]
      })
      return {
        requests,
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            { sql: nameSearchSql, params, prepared: true },
          ],
          audit: 'foreigners.searched',
        },
        explain: { sql: nameSearchSql, params: params[0]! },
      }
    },
    quality: nameQuality,
  },
  {
    name: 'foreigners.duplicate_check',
    role: 'hall_staff',
    requires: ['foreigners', 'foreigner_name_deletions', 'foreigner_name_words', truthTable],
    rows: (s) => s.foreigners,
    kind: 'search',
    async prepare(env) {
      const list = await samples(env, env.variety)
      const session = await env.session('hall_staff')
      // A person already on record typed in again with the same date of birth: BOK shows the
      // likely duplicates instead of saving (a miss would save a new record, also counted as success).
      const requests: BenchRequest[] = list.map((s) => ({
        method: 'POST',
        path: '/foreigners/new',
        body: new URLSearchParams({
          _csrf: session.csrf,
          surname: s.surname,
          givenNames: s.given_names,
          birthDate: ddmmyyyy(s),
          citizenship: s.country ?? '',
        }).toString(),
      }))
      return { requests, signedIn: true, expect: [200, 303] }
    },
  },
]
