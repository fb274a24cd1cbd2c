import type { Scenario } from './types.js'
import { sidOf } from './types.js'

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
      const user = await env.knex('users').where('username', 'bench.registry-clerk').first('id')
      return {
        requests: [{ method: 'GET', path: '/' }],
        signedIn: true,
        expect: [200],
        floor: { queries: sessionQueries(session.cookie, Number(user.id)) },
      }
    },
  },
]
