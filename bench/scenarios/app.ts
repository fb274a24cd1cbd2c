import type { Scenario } from './types.js'
import { sidOf } from './types.js'
import { addDays } from '../../src/modules/correspondence/dates.js'
import { officeDate } from '../../src/shared/clock/office.js'
import { transferYears } from '../../src/modules/archive/domain.js'

/** Same per-request SQL as BOK's session and user lookup (express-session store + passport). */
export function sessionQueries(cookie: string, userId: number) {
  return [
    {
      sql: 'SELECT sess FROM sessions WHERE sid = $1 AND expires_at > now() LIMIT 1',
      params: [[sidOf(cookie)]],
    },
    {
      sql: `SELECT u.id, u.username, u.display_name, u.roles, u.org_unit_id, u.active, u.language, o.symbol
              FROM users u LEFT JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1 LIMIT 1`,
      params: [[userId]],
    },
  ]
}

/**
 * The start page's work queues as BOK counts them for a registry clerk of a unit: the register's three
 * queues, the unit's inbox and the unit's folders due for transfer to the archive.
 */
function clerkQueueQueries(unitId: number | null, now: Date) {
  const counted = `SELECT count(*) AS c FROM incoming_items WHERE status = 'registered'`
  const years = transferYears(now)
  const register = [
    { sql: `${counted} AND routing_status IN ('unassigned', 'returned')`, params: [] },
    { sql: `${counted} AND routing_status = 'returned'`, params: [] },
    {
      sql: `${counted} AND inquiry_type_id IS NOT NULL AND answered_at IS NULL AND due_date <= $1`,
      params: [[addDays(officeDate(now), 3)]],
    },
  ]
  if (!unitId) return register
  return [
    ...register,
    { sql: `${counted} AND unit_id = $1 AND routing_status = 'assigned'`, params: [[unitId]] },
    {
      sql: `SELECT f.unit_id, u.symbol AS unit_symbol, u.name AS unit_name, count(*)::int AS due,
              count(*) FILTER (WHERE f.year_to <= $1)::int AS overdue, sum(f.volumes)::int AS volumes
            FROM archive_folders f JOIN org_units u ON u.id = f.unit_id
            WHERE f.status = 'unit' AND f.year_to <= $2 AND f.unit_id = $3
            GROUP BY f.unit_id, u.symbol, u.name ORDER BY u.symbol`,
      params: [[years.overdueUpTo, years.dueUpTo, unitId]],
    },
  ]
}

export const appScenarios: Scenario[] = [
  {
    name: 'app.login_page',
    role: null,
    requires: [],
    rows: () => 0,
    kind: 'page',
    async prepare() {
      return {
        requests: [{ method: 'GET', path: '/login' }],
        signedIn: false,
        expect: [200],
        // BOK also stores a new session for the form's CSRF token; the floor only renders the form.
        floor: { queries: [] },
      }
    },
  },
  {
    name: 'app.start_page',
    role: 'registry_clerk',
    requires: [],
    rows: (s) => s.incoming,
    kind: 'page',
    async prepare(env) {
      const session = await env.session('registry_clerk')
      const user = await env
        .knex('users')
        .where('username', 'bench.registry-clerk')
        .first('id', 'org_unit_id')
      return {
        requests: [{ method: 'GET', path: '/' }],
        signedIn: true,
        expect: [200],
        floor: {
          queries: [
            ...sessionQueries(session.cookie, Number(user.id)),
            ...clerkQueueQueries(user.org_unit_id ? Number(user.org_unit_id) : null, new Date()),
          ],
        },
      }
    },
  },
]
