import path from 'node:path'
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { startScratchPg, type ScratchPg } from '../../scripts/scratch-pg.js'
import { knexForPostgres, migrateLatest } from '../../src/shared/db/index.js'
import { loadConfig } from '../../src/config.js'
import { runIntegrityCheck } from '../../src/shared/integrity/check.js'
import { createUser } from '../helpers/app.js'
import { Client, startBok, type BokProcess } from './bok-process.js'

/**
 * SECURITY.md "Faults": PostgreSQL (a scratch server, never the shared one) restarted while BOK is
 * saving: the requests that fail get the 503 error page, the process stays up and recovers by itself,
 * and nothing is half-saved (every unit has its audit row; the integrity check passes).
 */
let pg: ScratchPg
let db: Knex
let bok: BokProcess
let client: Client

/** pg_ctl restart without blocking this process, so the load keeps running through the outage. */
function restartAsync(mode: 'fast' | 'immediate'): Promise<void> {
  const bin = path.join('/usr/lib/postgresql', process.env.PG_MAJOR ?? '15', 'bin', 'pg_ctl')
  const args = [
    '-D',
    path.join(pg.dir, 'data'),
    '-w',
    '-l',
    path.join(pg.dir, 'server.log'),
    'restart',
    '-m',
    mode,
  ]
  const [cmd, full] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, full as string[], { stdio: 'ignore' })
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl restart exited ${code}`))))
  })
}

beforeAll(async () => {
  pg = await startScratchPg()
  db = knexForPostgres(pg.url, 2)
  await migrateLatest(db)
  const admin = await createUser(db, { roles: ['admin'], username: 'fault.admin' })
  bok = await startBok({ DATABASE_URL: pg.url, DATABASE_POOL_MAX: '8' })
  client = new Client(bok.url)
  await client.signIn(admin.username, admin.password)
  await client.get('/admin/units/new')
})
afterAll(async () => {
  await bok?.kill('SIGTERM')
  await db?.destroy()
  pg?.stop()
})

describe('PostgreSQL restarted under load', () => {
  it('fails only in-flight requests with the 503 page, recovers without a restart, leaves nothing half-saved', async () => {
    const results: Array<{ symbol: string; status: number; text: string }> = []
    let stop = false
    let n = 0
    const worker = async () => {
      while (!stop) {
        const symbol = `F${(n += 1)}`
        try {
          const res = await client.post(
            '/admin/units',
            new URLSearchParams({
              _csrf: client.csrf,
              symbol,
              name: `Wydział awarii ${symbol}`,
              parentId: '',
            }),
          )
          results.push({ symbol, status: res.status, text: res.text })
        } catch (err) {
          results.push({
            symbol,
            status: 0,
            text: `${Date.now() - t0}ms ${String(err)} ${String((err as { cause?: unknown }).cause)}`,
          })
        }
      }
    }
    const t0 = Date.now()
    const marks: string[] = []
    const workers = Array.from({ length: 8 }, worker)
    await new Promise((r) => setTimeout(r, 1000))
    const pid = bok.child.pid
    marks.push(`fast ${Date.now() - t0}`)
    await restartAsync('fast')
    marks.push(`up ${Date.now() - t0}`)
    await new Promise((r) => setTimeout(r, 500))
    marks.push(`immediate ${Date.now() - t0}`)
    await restartAsync('immediate')
    marks.push(`up ${Date.now() - t0}`)
    await new Promise((r) => setTimeout(r, 2000))
    stop = true
    await Promise.all(workers)

    const byStatus = new Map<number, number>()
    for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1)
    const summary =
      marks.join(' ') +
      JSON.stringify(Object.fromEntries(byStatus)) +
      results
        .filter((r) => r.status === 0)
        .map((r) => r.text + String((r as unknown as { cause?: unknown }).cause))
        .join('; ')
    expect(bok.alive(), bok.logs.slice(-20).join('\n')).toBe(true)
    expect(bok.child.pid).toBe(pid)
    expect(
      [...byStatus.keys()].filter((s) => s !== 303 && s !== 503),
      summary,
    ).toEqual([])
    expect(byStatus.get(503) ?? 0, summary).toBeGreaterThan(0)
    expect(byStatus.get(303) ?? 0, summary).toBeGreaterThan(10)
    const failed = results.find((r) => r.status === 503)!
    expect(failed.text).toContain('Usługa chwilowo niedostępna')
    expect(failed.text).toContain('<html')

    // Recovered by itself: a new request succeeds at once, and the readiness probe is green.
    const after = await client.post(
      '/admin/units',
      new URLSearchParams({ _csrf: client.csrf, symbol: 'PO1', name: 'Po awarii', parentId: '' }),
    )
    expect(after.status).toBe(303)
    expect((await fetch(`${bok.url}/readyz`)).status).toBe(200)

    // Nothing half-saved: every acknowledged unit is there, and every unit saved has its audit row.
    const saved = (await db('org_units').where('symbol', 'like', 'F%').pluck('symbol')) as string[]
    for (const r of results.filter((x) => x.status === 303)) expect(saved).toContain(r.symbol)
    const audited = await db('audit_log').where({ action: 'admin.unitCreated' }).count({ n: '*' })
    const units = await db('org_units').count({ n: '*' })
    expect(Number(audited[0]!.n)).toBe(Number(units[0]!.n))

    const config = loadConfig({ DATA_DIR: bok.dataDir, DATABASE_URL: pg.url })
    const report = await runIntegrityCheck(db, {
      filesRoot: config.filesDir,
      checkpoints: { checkpointDir: config.checkpointDir, signingKeyFile: config.signingKeyFile },
    })
    expect(report.problems).toEqual([])
    expect(report.checked.auditRows).toBeGreaterThan(10)
  })
})
