import fs from 'node:fs'
import http from 'node:http'
import pg from 'pg'
import type { FloorSpec } from './scenarios/types.js'

/**
 * The floor: each read scenario's SQL served by bare node:http + pg with a template literal, no
 * framework. BOK's rps divided by this one's tells what our own layers cost. The same SQL includes the
 * session lookup and, for pages that must leave an audit row, one durable INSERT per request into the
 * floor's own table `bench_floor_audit` (no hash chain: that is BOK's layer).
 * Run as its own process by the bench (env FLOOR_SPEC = JSON file { scenario: FloorSpec }), on
 * PostgreSQL (DATABASE_URL, a pool of FLOOR_POOL_MAX) or on an embedded database of its own
 * (FLOOR_PGLITE_DIR: a copy of BOK's PGlite folder, opened in this process with BOK's extensions).
 */
const spec = JSON.parse(fs.readFileSync(process.env.FLOOR_SPEC!, 'utf8')) as Record<string, FloorSpec>

interface Queryable {
  /** `name`: a prepared statement (PostgreSQL only), as BOK prepares the same statement. */
  query(sql: string, params: unknown[], name?: string): Promise<{ rows: Array<Record<string, unknown>> }>
  end(): Promise<void>
}

async function openFloorDatabase(): Promise<Queryable> {
  const pgliteDir = process.env.FLOOR_PGLITE_DIR
  if (pgliteDir) {
    // Loaded only here, so that the PostgreSQL floor stays bare node:http + pg.
    const { openPglite } = await import('../src/shared/db/index.js')
    const db = await openPglite({ dataDir: pgliteDir })
    return {
      query: (sql, params) => db.query<Record<string, unknown>>(sql, params),
      end: () => db.close(),
    }
  }
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.FLOOR_POOL_MAX ?? 10),
  })
  pool.on('error', () => {})
  return {
    query: (text, values, name) => pool.query({ text, values, ...(name ? { name } : {}) }),
    end: () => pool.end(),
  }
}
const pool = await openFloorDatabase()
await pool.query(
  `CREATE TABLE IF NOT EXISTS bench_floor_audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL,
     action text NOT NULL, details jsonb NOT NULL)`,
  [],
)
await pool.query('TRUNCATE bench_floor_audit', [])
const auditSql = `INSERT INTO bench_floor_audit (at, action, details) VALUES (now(), $1, $2)`

const esc = (v: unknown): string =>
  v === null || v === undefined
    ? ''
    : String(v instanceof Date ? v.toISOString() : v).replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
      )

function page(title: string, rows: Array<Record<string, unknown>>): string {
  const cols = rows[0] ? Object.keys(rows[0]) : []
  const body = rows.length
    ? `<table class="table"><caption>${esc(title)}</caption><thead><tr>${cols
        .map((c) => `<th scope="col">${esc(c)}</th>`)
        .join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${cols.map((c) => `<td>${esc(r[c])}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : `<form method="post" action="/login"><label for="u">Nazwa użytkownika</label><input id="u" name="username">` +
      `<label for="p">Hasło</label><input id="p" name="password" type="password"><button>Zaloguj</button></form>`
  return `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>${esc(title)}</title>
<link rel="stylesheet" href="/static/css/bok.css"></head><body><header><nav><a href="/">BOK</a></nav></header>
<main><h1>${esc(title)}</h1>${body}</main></body></html>`
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor')
  if (url.pathname === '/healthz') {
    res.end('ok')
    return
  }
  if (url.pathname === '/readyz') {
    // Through the pool: slow while queries a finished load left queued are still running.
    pool.query('SELECT 1', []).then(
      () => res.end('ready'),
      () => {
        res.statusCode = 503
        res.end('database unavailable')
      },
    )
    return
  }
  const name = url.pathname.replace(/^\/s\//, '')
  const s = spec[name]
  if (!s) {
    res.statusCode = 404
    res.end('no such scenario')
    return
  }
  const i = Number(url.searchParams.get('i') ?? 0)
  ;(async () => {
    const reads = (async () => {
      let rows: Array<Record<string, unknown>> = []
      for (const [n, q] of s.queries.entries()) {
        const params = q.params.length ? q.params[i % q.params.length]! : []
        rows = (await pool.query(q.sql, params, q.prepared ? `floor_${name}_${n}` : undefined)).rows
      }
      return rows
    })()
    const [rows] = await Promise.all([
      reads,
      s.audit ? pool.query(auditSql, [s.audit, JSON.stringify({ i })]) : null,
    ])
    const html = page(name, rows)
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
    })
    res.end(html)
  })().catch((err: Error) => {
    res.statusCode = 500
    res.end(err.message)
  })
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
const stop = () => server.close(() => pool.end().then(() => process.exit(0)))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
