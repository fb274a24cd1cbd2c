import type { BenchRequest } from '../load.js'
import type { BenchEnv, Scenario } from './types.js'
import { sessionQueries } from './app.js'

const listColumns = `i.id, i.year, i.number, i.received_at, i.sender_name, i.sender_reference, i.subject, i.channel,
  i.unit_id, o.symbol AS unit_symbol, i.routing_status, i.case_reference, i.status, i.inquiry_type_id, i.due_date,
  i.answered_at`

/** The register's first page (newest first, keyset), optionally for one unit, as BOK's repository builds it. */
export const registryListSql = `SELECT ${listColumns} FROM incoming_items i LEFT JOIN org_units o ON o.id = i.unit_id
  WHERE ($1::bigint IS NULL OR i.unit_id = $1) ORDER BY i.received_at DESC, i.id DESC LIMIT 51`
/** The register's headline as the page gets it: the counter's last number and the annulments. */
const registerHeadlineSql = `SELECT (SELECT last_number FROM register_counters
    WHERE register = 'registry.incoming' AND scope = '' AND year = $1) AS last_number,
  (SELECT count(*)::int FROM incoming_items WHERE year = $1 AND status = 'annulled') AS annulled`

const textMatches = `strpos(i.search_norm, lower(f_unaccent($1))) > 0 AND strpos(i.search_norm, lower(f_unaccent($2))) > 0`

/**
 * Free text: every word a substring of the folded text, newest first, as BOK's first page finds it in
 * one statement: the newest 5,000 items probed first (substring checks); only when they hold 50 or
 * fewer hits the whole register, through the word index of migration 204 (a one-time filter skips it;
 * BOK also tries a wider window when the probe is dense, see the registry's CONTEXT.md). Two words here.
 */
export const registrySearchSql = `WITH probe AS (
    SELECT i.id FROM (SELECT id, search_norm FROM incoming_items ORDER BY id DESC LIMIT 5000) i
     WHERE ${textMatches} ORDER BY i.id DESC LIMIT 51),
  whole AS (
    SELECT i.id FROM incoming_items i
     WHERE (SELECT count(*) FROM probe) <= 50 AND ${textMatches}
       AND (registry_search_query($1 || ' ' || $2) IS NULL
         OR registry_search_terms(i.search_norm) @@ registry_search_query($1 || ' ' || $2))
     ORDER BY i.id DESC LIMIT 51)
  SELECT ${listColumns} FROM incoming_items i LEFT JOIN org_units o ON o.id = i.unit_id
   WHERE i.id IN (SELECT id FROM probe UNION SELECT id FROM whole) ORDER BY i.id DESC LIMIT 51`

/** The filters' choices every register page shows (units and their staff), as BOK reads them. */
const registryOptionsQueries = [
  { sql: `SELECT id, symbol, name FROM org_units WHERE status = 'active' ORDER BY symbol`, params: [] },
  {
    sql: `SELECT id, display_name, org_unit_id FROM users WHERE active AND org_unit_id IS NOT NULL ORDER BY display_name`,
    params: [],
  },
]

export const senderLookupSql = `SELECT id, kind, name, address, email, epuap_address, edelivery_address
  FROM registry_senders WHERE name_norm LIKE '%' || lower(f_unaccent($1)) || '%'
  ORDER BY similarity(name_norm, lower(f_unaccent($1))) DESC, id DESC LIMIT 10`

const words = (text: string) => text.split(/[\s–.,;()-]+/).filter((w) => w.length >= 4 && !/^\d+$/.test(w))

/** Two words from real items (subject and sender), as a clerk remembers them, in random order. */
export async function registrySearchTerms(env: BenchEnv, n: number): Promise<Array<[string, string]>> {
  const r = await env.knex.raw(
    `SELECT subject, sender_name FROM incoming_items TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT ?`,
    [n * 3],
  )
  const out: Array<[string, string]> = []
  for (const [i, row] of (r.rows as Array<{ subject: string; sender_name: string }>).entries()) {
    const w = [...new Set(words(`${row.subject} ${row.sender_name}`))]
    if (w.length < 2) continue
    const a = w[i % w.length]!
    const b = w[(i * 7 + 3) % w.length]!
    if (a === b) continue
    out.push(i % 2 ? [a.toLowerCase(), b] : [b, a.toLowerCase()])
    if (out.length >= n) break
  }
  return out
}

function today(): string {
  const d = new Date()
  return `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`
}

/** Form bodies of new incoming items (a clerk's typical letter), each with the session's CSRF token. */
export async function registrationBodies(
  env: BenchEnv,
  csrf: string,
  n: number,
  tag = 'bench',
): Promise<string[]> {
  const units = await env.knex('org_units').where({ status: 'active' }).pluck('id')
  return Array.from({ length: n }, (_, i) =>
    new URLSearchParams({
      _csrf: csrf,
      receivedDate: today(),
      receivedTime: '09:30',
      senderKind: 'person',
      senderName: `Olena Kovalenko ${tag} ${i}`,
      senderAddress: 'ul. Taborowa 33, 02-699 Warszawa',
      subject: 'Wniosek o wydanie zaświadczenia',
      channel: 'post',
      form: 'paper',
      enclosuresCount: '1',
      unitId: String(units[i % units.length]),
    }).toString(),
  )
}

export const registryScenarios: Scenario[] = [
  {
    name: 'registry.list',
    role: 'registry_clerk',
    requires: ['incoming_items'],
    rows: (s) => s.incoming,
    kind: 'list',
    async prepare(env) {
      const session = await env.session('registry_clerk')
      const user = await env.knex('users').where('username', 'bench.registry-clerk').first('id')
      const units = (await env.knex('org_units').where({ status: 'active' }).pluck('id')).map(Number)
      // Half the views filter by unit (a non-personal filter in the query string).
      const unitFor = (i: number) => (i % 2 ? units[i % units.length]! : null)
      const requests: BenchRequest[] = Array.from({ length: env.variety }, (_, i) => ({
        method: 'GET',
        path: unitFor(i) ? `/registry/incoming?unitId=${unitFor(i)}` : '/registry/incoming',
      }))
      const year = new Date().getFullYear()
      return {
        requests,
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            { sql: registerHeadlineSql, params: [[year]] },
            ...registryOptionsQueries,
            { sql: registryListSql, params: Array.from({ length: env.variety }, (_, i) => [unitFor(i)]) },
          ],
          audit: 'registry.listed',
        },
      }
    },
  },
  {
    name: 'registry.search',
    role: 'registry_clerk',
    requires: ['incoming_items'],
    rows: (s) => s.incoming,
    kind: 'search',
    async prepare(env) {
      const session = await env.session('registry_clerk')
      const user = await env.knex('users').where('username', 'bench.registry-clerk').first('id')
      const terms = await registrySearchTerms(env, env.variety)
      const requests: BenchRequest[] = []
      for (const [a, b] of terms) {
        const res = await session.post('/registry/search', { q: `${a} ${b}` })
        if (res.status !== 303 || !res.location)
          throw new Error(`registry search POST gave HTTP ${res.status}`)
        requests.push({ method: 'GET', path: res.location })
      }
      return {
        requests,
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            ...registryOptionsQueries,
            { sql: registrySearchSql, params: terms },
          ],
          audit: 'registry.searched',
        },
        explain: { sql: registrySearchSql, params: terms[0]! },
      }
    },
  },
  {
    name: 'registry.sender_lookup',
    role: 'registry_clerk',
    requires: ['registry_senders'],
    rows: (s) => Math.max(50, Math.round(s.incoming / 5)),
    kind: 'search',
    async prepare(env) {
      const session = await env.session('registry_clerk')
      const user = await env.knex('users').where('username', 'bench.registry-clerk').first('id')
      const names = await env.knex.raw(
        `SELECT name FROM registry_senders TABLESAMPLE SYSTEM (5) REPEATABLE (3) LIMIT ?`,
        [env.variety],
      )
      // What a clerk has typed after a few keystrokes: the first 4–6 letters of a word of the name.
      const typed = (names.rows as Array<{ name: string }>).map((r, i) => {
        const w = words(r.name)
        const word = w[i % Math.max(w.length, 1)] ?? r.name
        return word.slice(0, 4 + (i % 3))
      })
      return {
        requests: typed.map((q) => ({
          method: 'POST' as const,
          path: '/registry/senders/lookup',
          body: new URLSearchParams({ _csrf: session.csrf, q }).toString(),
        })),
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            { sql: senderLookupSql, params: typed.map((q) => [q]) },
          ],
          audit: 'registry.sendersSearched',
        },
        explain: { sql: senderLookupSql, params: [typed[0]] },
      }
    },
  },
  {
    name: 'registry.register',
    role: 'registry_clerk',
    requires: ['incoming_items'],
    rows: (s) => s.incoming,
    kind: 'write',
    async prepare(env) {
      const session = await env.session('registry_clerk')
      const bodies = await registrationBodies(env, session.csrf, env.variety)
      return {
        requests: bodies.map((body) => ({ method: 'POST' as const, path: '/registry/incoming', body })),
        signedIn: true,
        expect: [303],
      }
    },
  },
]
