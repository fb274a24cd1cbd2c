import http from 'node:http'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import type { Knex } from 'knex'
import { benchUsername } from '../seeds/scale/core.js'
import { rootDir, startBok, login, type ChildServer, type Session } from './bok.js'
import { percentile, round, type BenchRequest } from './load.js'
import { registrationBodies, registrySearchTerms } from './scenarios/registry.js'
import { holdingsSearchTerms } from './scenarios/archive.js'
import type { BenchEnv } from './scenarios/types.js'

export interface SoakOptions {
  url: string
  knex: Knex
  workDir: string
  password: string
  seconds: number
  poolMax: number
  nodeBin?: string
  say(m: string): void
}

interface Job extends BenchRequest {
  kind: 'register' | 'registry_search' | 'hall_lookup' | 'holdings_search'
  cookie: string
}

async function tableExists(knex: Knex, table: string): Promise<boolean> {
  const r = await knex.raw(`SELECT to_regclass(?) AS t`, [table])
  return !!r.rows[0]?.t
}

/** GET / with a session cookie on a server: 200 means the session is valid there. */
async function sessionWorks(server: ChildServer, session: Session): Promise<boolean> {
  const res = await fetch(`${server.baseUrl}/`, { headers: { cookie: session.cookie }, redirect: 'manual' })
  await res.text()
  return res.status === 200
}

/**
 * `npm run bench -- --soak`: two BOK processes on one PostgreSQL (as behind a load balancer), a
 * mixed workload of clerks registering and searching, hall look-ups and archive searches at 64
 * connections for a set time, then the integrity checks: every acknowledged registration is in
 * the database, this year's numbers run 1..n with no gap or duplicate and the counter says n,
 * sessions work on either process, and `npm run audit:verify` passes.
 */
export async function runSoak(opts: SoakOptions): Promise<boolean> {
  const { knex, say } = opts
  if (!(await tableExists(knex, 'incoming_items'))) {
    say('soak: the registry module is not on this branch; nothing to register')
    return false
  }
  const servers: ChildServer[] = []
  for (const name of ['a', 'b'])
    servers.push(
      await startBok({
        databaseUrl: opts.url,
        dataDir: path.join(opts.workDir, `soak-${name}`),
        logFile: path.join(opts.workDir, `soak-${name}.log`),
        poolMax: opts.poolMax,
        nodeBin: opts.nodeBin,
      }),
    )
  const [a, b] = servers as [ChildServer, ChildServer]
  let ok = true
  try {
    // Each role signs in on one process and works on both (a load balancer without stickiness).
    const clerk = await login(a.baseUrl, benchUsername('registry_clerk'), opts.password)
    const hall = (await tableExists(knex, 'deposits'))
      ? await login(b.baseUrl, benchUsername('hall_staff'), opts.password)
      : null
    const archivist = (await tableExists(knex, 'archive_folders'))
      ? await login(b.baseUrl, benchUsername('archivist'), opts.password)
      : null
    const crossBefore = (await sessionWorks(b, clerk)) && (!hall || (await sessionWorks(a, hall)))
    say(`soak: sessions made on one process valid on the other: ${crossBefore ? 'yes' : 'NO'}`)
    ok &&= crossBefore

    const env: BenchEnv = {
      knex,
      sizes: { incoming: 0, foreigners: 0, deposits: 0, folders: 0 },
      variety: 200,
      session: () => Promise.reject(new Error('not used')),
    }
    const tag = `soak${Date.now().toString(36)}`
    const bodies = await registrationBodies(env, clerk.csrf, 20_000, tag)
    const searches: BenchRequest[] = []
    for (const [x, y] of (await registrySearchTerms(env, 40)).slice(0, 40)) {
      const res = await clerk.post('/registry/search', { q: `${x} ${y}` })
      if (res.location) searches.push({ method: 'GET', path: res.location })
    }
    const lookups: BenchRequest[] = []
    if (hall) {
      const r = await knex.raw(
        `SELECT year, number FROM deposits TABLESAMPLE SYSTEM (5) REPEATABLE (2) LIMIT 40`,
      )
      for (const d of r.rows as Array<{ year: number; number: number }>) {
        const res = await hall.post('/deposits/lookup', { q: `${d.year}/${d.number}` })
        if (res.location) lookups.push({ method: 'GET', path: res.location })
      }
    }
    const holdings = archivist ? await holdingsSearchTerms(env, 40) : []

    // The mix: a third registrations, a third registry searches, the rest hall look-ups and archive searches.
    let n = 0
    const nextJob = (): Job => {
      n += 1
      const slot = n % 6
      if (slot < 2)
        return {
          kind: 'register',
          method: 'POST',
          path: '/registry/incoming',
          body: bodies[n % bodies.length],
          cookie: clerk.cookie,
        }
      if (slot < 4 || (!hall && !archivist))
        return {
          kind: 'registry_search',
          ...searches[n % Math.max(searches.length, 1)]!,
          cookie: clerk.cookie,
        }
      if (slot === 4 && hall && lookups.length)
        return { kind: 'hall_lookup', ...lookups[n % lookups.length]!, cookie: hall.cookie }
      if (archivist && holdings.length)
        return {
          kind: 'holdings_search',
          method: 'GET',
          path: `/archive/holdings?q=${encodeURIComponent(holdings[n % holdings.length]!)}`,
          cookie: archivist.cookie,
        }
      return { kind: 'registry_search', ...searches[n % searches.length]!, cookie: clerk.cookie }
    }

    const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: 32 }))
    const acknowledged: number[] = []
    const times: number[] = []
    const byKind: Record<string, { ok: number; errors: number }> = {}
    let errors = 0
    const endAt = Date.now() + opts.seconds * 1000
    const send = (server: ChildServer, agent: http.Agent, job: Job) =>
      new Promise<void>((resolve) => {
        const url = new URL(server.baseUrl)
        const headers: Record<string, string> = { cookie: job.cookie }
        if (job.body) {
          headers['content-type'] = 'application/x-www-form-urlencoded'
          headers['content-length'] = String(Buffer.byteLength(job.body))
        }
        const started = performance.now()
        const k = (byKind[job.kind] ??= { ok: 0, errors: 0 })
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: job.path,
            method: job.method,
            headers,
            agent,
            timeout: 30_000,
          },
          (res) => {
            res.resume()
            res.on('end', () => {
              times.push(performance.now() - started)
              const expected = job.kind === 'register' ? 303 : 200
              if (res.statusCode === expected) {
                k.ok += 1
                if (job.kind === 'register') {
                  const id = /\/registry\/incoming\/(\d+)/.exec(res.headers.location ?? '')?.[1]
                  if (id) acknowledged.push(Number(id))
                }
              } else {
                k.errors += 1
                errors += 1
              }
              resolve()
            })
          },
        )
        req.on('error', () => {
          k.errors += 1
          errors += 1
          resolve()
        })
        req.on('timeout', () => req.destroy(new Error('timeout')))
        req.end(job.body)
      })
    // 64 clerks in a closed loop, 32 on each process.
    const workers = Array.from({ length: 64 }, async (_, w) => {
      const i = w % 2
      while (Date.now() < endAt) await send(servers[i]!, agents[i]!, nextJob())
    })
    say(`soak: ${opts.seconds} s, 64 connections over two BOK processes…`)
    const started = performance.now()
    await Promise.all(workers)
    const wall = (performance.now() - started) / 1000
    for (const agent of agents) agent.destroy()
    times.sort((x, y) => x - y)
    say(
      `soak: ${times.length} requests in ${wall.toFixed(0)} s (${round(times.length / wall)} rps), ${errors} errors; ` +
        `p50 ${round(percentile(times, 50))} p95 ${round(percentile(times, 95))} p99 ${round(percentile(times, 99))} ms; ` +
        `by kind ${JSON.stringify(byKind)}`,
    )
    ok &&= errors === 0

    // --- integrity ---------------------------------------------------------------------------
    const saved = await knex('incoming_items').whereIn('id', acknowledged).count<{ n: string }[]>('id as n')
    const savedCount = Number(saved[0]?.n ?? 0)
    const tagged = await knex('incoming_items')
      .where('sender_name', 'like', `%${tag}%`)
      .count<{ n: string }[]>('id as n')
    const allAcknowledged =
      savedCount === acknowledged.length && new Set(acknowledged).size === acknowledged.length
    say(
      `soak: acknowledged registrations ${acknowledged.length}, found in the database ${savedCount}, ` +
        `rows with this run's tag ${Number(tagged[0]?.n)}: ${allAcknowledged ? 'none lost' : 'LOST OR DUPLICATED'}`,
    )
    ok &&= allAcknowledged
    const year = new Date().getFullYear()
    const seq = await knex.raw(
      `SELECT count(*)::int AS n, count(DISTINCT number)::int AS distinct_numbers, coalesce(min(number), 0) AS min,
              coalesce(max(number), 0) AS max,
              (SELECT last_number FROM register_counters WHERE register = 'registry.incoming' AND scope = '' AND year = ?) AS counter
         FROM incoming_items WHERE year = ?`,
      [year, year],
    )
    const s = seq.rows[0] as {
      n: number
      distinct_numbers: number
      min: number
      max: number
      counter: number | null
    }
    const consecutive =
      s.n === s.distinct_numbers && s.min === 1 && s.max === s.n && Number(s.counter) === s.max
    say(
      `soak: ${year} register numbers: ${s.n} items, numbers ${s.min}..${s.max}, counter ${s.counter}: ` +
        (consecutive ? 'consecutive, no duplicates' : 'GAP OR DUPLICATE'),
    )
    ok &&= consecutive
    const crossAfter = (await sessionWorks(b, clerk)) && (await sessionWorks(a, clerk))
    say(`soak: the clerk's session still valid on both processes: ${crossAfter ? 'yes' : 'NO'}`)
    ok &&= crossAfter
  } finally {
    for (const s of servers) await s.stop()
  }
  // After both processes stopped (each writes a signed checkpoint on shutdown).
  const verify = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/audit-verify.ts'], {
    cwd: rootDir,
    env: { ...process.env, DATABASE_URL: opts.url, DATA_DIR: path.join(opts.workDir, 'soak-a') },
    encoding: 'utf8',
  })
  const verified = verify.status === 0
  say(
    `soak: npm run audit:verify: ${verified ? 'passed' : 'FAILED'} – ${(verify.stdout + verify.stderr).trim()}`,
  )
  ok &&= verified
  say(`soak: integrity ${ok ? 'OK' : 'FAILED'}`)
  return ok
}
