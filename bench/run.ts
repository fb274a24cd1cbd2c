import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import type { Knex } from 'knex'
import type { PGlite } from '@electric-sql/pglite'
import { knexForPostgres, migrateLatest, openPglite, wrapPglite } from '../src/shared/db/index.js'
import { defaultSizes, smallSizes, type ScaleSizes } from '../seeds/scale/context.js'
import { runScaleSeed, type ScaleSeedResult } from '../seeds/scale/index.js'
import { benchUsername, seedScaleCore } from '../seeds/scale/core.js'
import { Rng } from '../seeds/scale/random.js'
import type { Role } from '../src/shared/auth/permissions.js'
import { startScratchPg, type ScratchPg } from '../scripts/scratch-pg.js'
import { rootDir, startBok, startChild, login, type ChildServer, type Session } from './bok.js'
import { drive, type LoadResult } from './load.js'
import { currentSettings, recommendedSettings } from './settings.js'
import { scenarios as allScenarios } from './scenarios/index.js'
import { sidOf, type BenchEnv, type Prepared, type Quality, type Scenario } from './scenarios/types.js'
import { runSoak } from './soak.js'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    curve: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    duration: { type: 'string' },
    'steady-duration': { type: 'string' },
    scenarios: { type: 'string' },
    incoming: { type: 'string' },
    foreigners: { type: 'string' },
    deposits: { type: 'string' },
    folders: { type: 'string' },
    'shared-buffers': { type: 'string' },
    'pool-max': { type: 'string' },
    node: { type: 'string' },
    markdown: { type: 'string' },
    database: { type: 'string' },
    embedded: { type: 'boolean', default: false },
    'curve-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})

if (args.help) {
  console.log(`Usage: npm run bench -- [--quick] [--json] [--curve] [--soak [--seconds 60]]
    [--duration S per load] [--steady-duration S per steady-rate load, default 15] [--scenarios registry.,deposits.name_search] [--incoming N --foreigners N --deposits N --folders N]
    [--shared-buffers 4GB] [--pool-max 10] [--node /path/to/node] [--markdown report.md]
    [--database postgres://…/db   an already seeded database, used as is: no seeding, not dropped]
    [--embedded   the embedded database (PGlite) at the small size, in a scratch data folder; not with --soak or --curve]
Uses DATABASE_URL's server if set (in a new database it drops afterwards), else starts a scratch PostgreSQL.`)
  process.exit(0)
}

if (args.embedded && (args.soak || args.curve || args['curve-only'] || args.database)) {
  console.error(
    '--embedded cannot be combined with --soak, --curve, --curve-only or --database: the soak runs two BOK ' +
      'processes on one database and the curve seeds up to 2 M rows (both need PostgreSQL); --embedded ' +
      'seeds a PGlite data folder of its own.',
  )
  process.exit(2)
}
// The embedded run opens no server: BOK and the floor must not find DATABASE_URL in their environment.
if (args.embedded) delete process.env.DATABASE_URL

/** Human output goes to stderr so that --json's stdout is only the JSON lines. */
const say = (m = '') => process.stderr.write(m + '\n')
const report: string[] = []
const note = (m = '') => {
  say(m)
  report.push(m)
}

const quick = args.quick
const count = (v: string | undefined, fallback: number) => (v ? Number(v.replace(/[_,]/g, '')) : fallback)
// The embedded database is measured at the size `npm run seed:scale` gives it (seconds to seed).
const base = quick || args.embedded ? smallSizes : defaultSizes
const sizes: ScaleSizes = {
  incoming: count(args.incoming, base.incoming),
  foreigners: count(args.foreigners, base.foreigners),
  deposits: count(args.deposits, base.deposits),
  folders: count(args.folders, base.folders),
}
const loadSeconds = Number(args.duration ?? (quick ? 1 : 5))
/**
 * The steady-rate loads run longer: at 50 requests/s a 5 s window holds 250 responses, and its p95 (the
 * 13th slowest) moved by ±15 ms between runs on this machine; 15 s holds 750.
 */
const steadySeconds = Number(args['steady-duration'] ?? (quick ? loadSeconds : Math.max(loadSeconds, 15)))
const poolMax = Number(args['pool-max'] ?? 10)
const loads: Array<{ connections: number; rate: number | null }> = quick
  ? [
      { connections: 1, rate: null },
      { connections: 16, rate: null },
      { connections: 16, rate: 50 },
    ]
  : [
      { connections: 1, rate: null },
      { connections: 16, rate: null },
      { connections: 64, rate: null },
      { connections: 16, rate: 50 },
    ]
/** The soak checks integrity under load, not scale: a tenth of production size unless sizes are given. */
const soakDefault: ScaleSizes = { incoming: 100_000, foreigners: 200_000, deposits: 50_000, folders: 200_000 }
const password = 'bench-password-' + Math.random().toString(36).slice(2)
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-bench-'))

interface Line {
  scenario: string
  rows: number
  connections: number
  rate: number | null
  requests: number
  p50_ms: number
  p95_ms: number
  p99_ms: number
  rps: number
  floor_rps: number | null
  ratio_to_floor: number | null
  /** At a steady rate: the floor's p95 under the same arrivals (what the machine allows). */
  floor_p95_ms?: number | null
  recall_at_10?: number
  decoy_above_match_rate?: number
}
const lines: Array<Line & { errors: number; rss_mb: number }> = []

function emit(line: Line, errors: number, rssMb: number) {
  lines.push({ ...line, errors, rss_mb: rssMb })
  if (args.json) process.stdout.write(JSON.stringify(line) + '\n')
}

// ------------------------------------------------------------------ databases

interface Server {
  /** URL of a new, empty database on the server. */
  createDatabase(label: string): Promise<string>
  stop(): Promise<void>
}

async function openServer(): Promise<Server> {
  const created: string[] = []
  let scratch: ScratchPg | null = null
  let adminUrl: string
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL
    note(`PostgreSQL: the server of DATABASE_URL (its own settings; see below)`)
  } else {
    const sharedBuffers = args['shared-buffers'] ?? (quick ? '512MB' : '4GB')
    scratch = await startScratchPg(recommendedSettings({ sharedBuffers }))
    adminUrl = scratch.url
    note(`PostgreSQL: scratch server in ${scratch.dir} on port ${scratch.port}`)
  }
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  return {
    async createDatabase(label) {
      const name = `bok_bench_${process.pid}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
      await admin.query(`DROP DATABASE IF EXISTS ${name}`)
      await admin.query(`CREATE DATABASE ${name}`)
      created.push(name)
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return url.toString()
    },
    async stop() {
      for (const name of created)
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
      await admin.end()
      scratch?.stop()
    },
  }
}

// ------------------------------------------------------------------ one measured data set

async function seedDatabase(url: string, s: ScaleSizes): Promise<Knex> {
  const knex = knexForPostgres(url, 4)
  await migrateLatest(knex)
  reportSeed(await runScaleSeed(knex, 'postgres', { sizes: s, password, log: (m) => say(`  ${m}`) }))
  return knex
}

/** Seeds a new PGlite data folder as `npm run seed:scale` does on the embedded database, and closes it. */
async function seedPglite(dir: string, s: ScaleSizes): Promise<void> {
  fs.mkdirSync(dir, { recursive: true })
  const db = wrapPglite(await openPglite({ dataDir: dir }))
  try {
    await migrateLatest(db.knex)
    reportSeed(await runScaleSeed(db.knex, 'pglite', { sizes: s, password, log: (m) => say(`  ${m}`) }))
  } finally {
    await db.close()
  }
}

function reportSeed(result: ScaleSeedResult): void {
  const rows = result.stats.reduce((a, t) => a + t.rows, 0)
  const copySeconds = result.stats.reduce((a, t) => a + t.seconds, 0)
  note(
    `Seeded ${rows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s ` +
      `(COPY ${copySeconds.toFixed(1)} s = ${Math.round(rows / Math.max(copySeconds, 0.001)).toLocaleString('en')} rows/s)`,
  )
  for (const t of result.stats)
    report.push(
      `    ${t.table}: ${t.rows.toLocaleString('en')} rows, COPY ${t.seconds.toFixed(1)} s ` +
        `(${Math.round(t.rows / Math.max(t.seconds, 0.001)).toLocaleString('en')} rows/s), indexes ${t.indexSeconds.toFixed(1)} s`,
    )
  if (result.skipped.length) note(`Not seeded (module not on this branch): ${result.skipped.join('; ')}`)
}

/** Row counts of an existing data set (for --database). */
async function sizesOf(knex: Knex): Promise<ScaleSizes> {
  const n = async (table: string) =>
    (await tableExists(knex, table))
      ? Number((await knex(table).count<{ n: string }[]>('* as n'))[0]?.n ?? 0)
      : 0
  return {
    incoming: await n('incoming_items'),
    foreigners: await n('foreigners'),
    deposits: await n('deposits'),
    folders: await n('archive_folders'),
  }
}

async function tableExists(knex: Knex, table: string): Promise<boolean> {
  const r = await knex.raw(`SELECT to_regclass(?) AS t`, [table])
  return !!r.rows[0]?.t
}

async function availableScenarios(knex: Knex, only: (s: Scenario) => boolean): Promise<Scenario[]> {
  const filters = args.scenarios?.split(',').map((s) => s.trim())
  const out: Scenario[] = []
  for (const s of allScenarios) {
    if (!only(s)) continue
    if (filters && !filters.some((f) => s.name.startsWith(f))) continue
    let ok = true
    for (const t of s.requires) if (!(await tableExists(knex, t))) ok = false
    if (ok) out.push(s)
  }
  return out
}

/**
 * Waits (at most 60 s) until a server (BOK, or the floor) answers its database readiness check quickly
 * again: requests a closed loop of 64 left queued in a server (or in PostgreSQL) must not slow the
 * next load. Each load, BOK's or the floor's, starts from a quiet state.
 */
async function settle(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const started = performance.now()
    const ok = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.ok)
      .catch(() => false)
    if (ok && performance.now() - started < 200) return
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where unavailable. */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

/**
 * Waits (at most 30 s) until a process is idle (under 10 % of a core over half a second): work a
 * finished load left queued inside it (PDFs waiting for a render slot) answers no readiness check,
 * but would slow the next load.
 */
async function idle(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const before = cpuSeconds(pid)
    await new Promise((r) => setTimeout(r, 500))
    const used = cpuSeconds(pid) - before
    if (!(used > 0.05)) return
  }
}

/**
 * Where a measured data set lives. PostgreSQL: a database URL that BOK, the floor and the bench all
 * use. PGlite is one process's database, so each process gets a folder of its own: BOK its data
 * folder's `pglite`, the bench (sampling, quality, EXPLAIN) a copy taken before BOK started, and the
 * floor a copy taken after the sign-ins, while BOK is stopped (see measure()).
 */
type Target = { kind: 'postgres'; url: string } | { kind: 'pglite'; bench: PGlite }

/** EXPLAIN (ANALYZE, BUFFERS) of a scenario's query, on the server or on the bench's PGlite copy. */
async function explainPlans(target: Target, run: (explain: ExplainFn) => Promise<void>): Promise<void> {
  if (target.kind === 'pglite') {
    await run(async (sql, params) => {
      const r = await target.bench.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)
      return r.rows.map((row) => row['QUERY PLAN']!)
    })
    return
  }
  const client = new pg.Client({ connectionString: target.url })
  await client.connect()
  try {
    await run(async (sql, params) => {
      const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)
      return (r.rows as Array<Record<string, string>>).map((row) => row['QUERY PLAN']!)
    })
  } finally {
    await client.end()
  }
}
type ExplainFn = (sql: string, params: unknown[]) => Promise<string[]>

async function measure(opts: {
  target: Target
  knex: Knex
  sizes: ScaleSizes
  label: string
  scenarios: Scenario[]
  loads: Array<{ connections: number; rate: number | null }>
  floor: boolean
  quality: boolean
  explain: boolean
}): Promise<number> {
  const dataDir = path.join(workDir, `bok-${opts.label}`)
  const start = () =>
    startBok({
      databaseUrl: opts.target.kind === 'postgres' ? opts.target.url : null,
      dataDir,
      logFile: path.join(workDir, `bok-${opts.label}.log`),
      poolMax,
      nodeBin: args.node,
    })
  let bok = await start()
  const sessions = new Map<Role, Promise<Session>>()
  const env: BenchEnv = {
    knex: opts.knex,
    sizes: opts.sizes,
    variety: quick ? 50 : 200,
    session(role) {
      if (!sessions.has(role)) sessions.set(role, login(bok.baseUrl, benchUsername(role), password))
      return sessions.get(role)!
    },
  }
  const prepared = new Map<string, Prepared>()
  try {
    for (const s of opts.scenarios) prepared.set(s.name, await s.prepare(env))
  } catch (err) {
    await bok.stop()
    throw err
  }

  let floor: ChildServer | null = null
  const floorSpecs = Object.fromEntries(
    [...prepared].filter(([, p]) => p.floor).map(([name, p]) => [name, p.floor]),
  )
  if (opts.floor && Object.keys(floorSpecs).length) {
    const specFile = path.join(workDir, `floor-${opts.label}.json`)
    fs.writeFileSync(specFile, JSON.stringify(floorSpecs))
    let floorDb: Record<string, string>
    if (opts.target.kind === 'postgres') floorDb = { DATABASE_URL: opts.target.url }
    else {
      // The floor's copy must hold the sessions just signed in (its per-request session lookup
      // should find its row, as BOK's does), and a folder PGlite has open is not consistent on disk:
      // BOK stops (closing its database), the folder is copied, BOK starts again on it. Sessions and
      // saved searches live in the database, so the prepared cookies and URLs stay valid.
      await bok.stop()
      if (bok.exitCode() !== 0)
        throw new Error(`BOK did not stop cleanly (exit ${bok.exitCode()}); its PGlite folder is not copied`)
      const floorDir = path.join(workDir, `floor-${opts.label}-pglite`)
      fs.cpSync(path.join(dataDir, 'pglite'), floorDir, { recursive: true })
      floorDb = { FLOOR_PGLITE_DIR: floorDir }
      const sids = await Promise.all([...sessions.values()].map(async (p) => sidOf((await p).cookie)))
      const copy = await openPglite({ dataDir: floorDir })
      const found = await copy
        .query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE sid = ANY($1)', [sids])
        .finally(() => copy.close())
      note(`The floor's copy holds ${found.rows[0]?.n} of the ${sids.length} signed-in sessions.`)
      bok = await start()
    }
    floor = await startChild({
      script: 'bench/floor.ts',
      env: { ...floorDb, FLOOR_SPEC: specFile, FLOOR_POOL_MAX: String(poolMax) },
      logFile: path.join(workDir, `floor-${opts.label}.log`),
      readyPath: '/healthz',
      nodeBin: args.node,
    }).catch(async (err: unknown) => {
      await bok.stop()
      throw err
    })
  }

  try {
    for (const s of opts.scenarios) {
      const p = prepared.get(s.name)!
      const cookie = p.signedIn && s.role ? (await env.session(s.role)).cookie : null
      const rows = s.rows(opts.sizes)
      const warm = quick ? 0.5 : Math.min(2, loadSeconds)
      // A PDF takes long enough that a one-second window may see none finish.
      const seconds = s.kind === 'pdf' ? Math.max(loadSeconds, 3) : loadSeconds
      await drive({
        baseUrl: bok.baseUrl,
        requests: p.requests,
        cookie,
        connections: 8,
        seconds: warm,
        expect: p.expect,
      })
      const floorRequests = Array.from({ length: env.variety }, (_, i) => ({
        method: 'GET' as const,
        path: `/s/${s.name}?i=${i}`,
      }))
      if (floor && p.floor)
        await drive({
          baseUrl: floor.baseUrl,
          requests: floorRequests,
          connections: 8,
          seconds: warm,
          expect: [200],
        })
      let quality: Quality | null = null
      if (opts.quality && s.quality) {
        quality = await s.quality(env)
        note(
          `${s.name}: recall@10 ${(quality.recall_at_10 * 100).toFixed(1)} %, decoy above match ` +
            `${(quality.decoy_above_match_rate * 100).toFixed(1)} % (${quality.queries} queries)` +
            (quality.breakdown ? `; recall by origin: ${quality.breakdown}` : ''),
        )
      }
      const quiet = async () => {
        await Promise.all([idle(bok.pid), floor ? idle(floor.pid) : null])
        await settle(bok.baseUrl)
        if (floor) await settle(floor.baseUrl)
      }
      for (const planned of opts.loads) {
        const load = planned.rate ? { ...planned, rate: s.steadyRate ?? planned.rate } : planned
        await quiet()
        const result: LoadResult = await drive({
          baseUrl: bok.baseUrl,
          requests: p.requests,
          cookie,
          connections: load.connections,
          rate: load.rate,
          seconds: load.rate ? steadySeconds : seconds,
          expect: p.expect,
        })
        let floorRps: number | null = null
        let floorP95: number | null = null
        if (floor && p.floor) {
          await quiet()
          const f = await drive({
            baseUrl: floor.baseUrl,
            requests: floorRequests,
            connections: load.connections,
            rate: load.rate,
            seconds: load.rate ? steadySeconds : loadSeconds,
            expect: [200],
          })
          if (load.rate) floorP95 = f.p95_ms
          else floorRps = f.rps
        }
        if (result.errors)
          say(
            `  ! ${s.name} c=${load.connections}: ${result.errors} errors, statuses ${JSON.stringify(result.statuses)}`,
          )
        const line: Line = {
          scenario: s.name,
          rows,
          connections: load.connections,
          rate: load.rate,
          requests: result.requests,
          p50_ms: result.p50_ms,
          p95_ms: result.p95_ms,
          p99_ms: result.p99_ms,
          rps: result.rps,
          floor_rps: floorRps,
          ratio_to_floor: floorRps ? Math.round((result.rps / floorRps) * 100) / 100 : null,
          ...(load.rate ? { floor_p95_ms: floorP95 } : {}),
          ...(quality
            ? { recall_at_10: quality.recall_at_10, decoy_above_match_rate: quality.decoy_above_match_rate }
            : {}),
        }
        emit(line, result.errors, bok.peakRssMb())
        say(
          `  ${s.name.padEnd(28)} ${String(rows).padStart(9)} ${(load.rate ? `${load.rate}/s@${load.connections}` : `c=${load.connections}`).padEnd(10)} ` +
            `p50 ${line.p50_ms} p95 ${line.p95_ms} p99 ${line.p99_ms} ms, ${line.rps} rps` +
            (floorRps ? `, floor ${floorRps} rps, ratio ${line.ratio_to_floor}` : '') +
            (floorP95 !== null ? `, floor p95 ${floorP95} ms` : '') +
            (result.errors ? `, ${result.errors} ERRORS` : ''),
        )
      }
    }
    if (opts.explain)
      await explainPlans(opts.target, async (explain) => {
        for (const s of opts.scenarios) {
          const e = prepared.get(s.name)?.explain
          if (!e) continue
          const plan = await explain(e.sql, e.params)
          note(
            `\nEXPLAIN (ANALYZE, BUFFERS) ${s.name} at ${s.rows(opts.sizes).toLocaleString('en')} rows, params ${JSON.stringify(e.params)}:`,
          )
          note('```')
          for (const line of plan) note(line)
          note('```')
        }
      })
  } finally {
    const rss = bok.peakRssMb()
    note(
      `BOK peak RSS (VmHWM) at ${opts.label}: ${rss} MB` +
        (floor ? `; floor server ${floor.peakRssMb()} MB` : ''),
    )
    await bok.stop()
    await floor?.stop()
  }
  return bok.peakRssMb()
}

// ------------------------------------------------------------------ report

function printTable() {
  const header =
    '| scenario | rows | load | requests | errors | p50 ms | p95 ms | p99 ms | rps | floor rps (p95 ms at a rate) | ratio | RSS MB |'
  const rule = '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  note('')
  note(header)
  note(rule)
  for (const l of lines)
    note(
      `| ${l.scenario} | ${l.rows.toLocaleString('en')} | ${l.rate ? `${l.rate}/s over ${l.connections}` : `${l.connections} conn`} | ` +
        `${l.requests} | ${l.errors} | ${l.p50_ms} | ${l.p95_ms} | ${l.p99_ms} | ${l.rps} | ` +
        `${l.floor_rps ?? (l.floor_p95_ms != null ? `(${l.floor_p95_ms})` : '–')} | ` +
        `${l.ratio_to_floor ?? '–'} | ${l.rss_mb} |`,
    )
}

// ------------------------------------------------------------------ main

/** The scenarios this branch can run on the data set, announced in the report. */
async function scenarioList(knex: Knex): Promise<Scenario[]> {
  const list = await availableScenarios(knex, () => true)
  note(`Scenarios: ${list.map((s) => s.name).join(', ')}`)
  const missing = allScenarios.filter((s) => !list.includes(s)).map((s) => s.name)
  if (missing.length) note(`Not run (module not on this branch or filtered out): ${missing.join(', ')}`)
  return list
}

/**
 * `--embedded`: a PGlite data folder seeded here and closed, BOK started on it without DATABASE_URL
 * (its database is `<DATA_DIR>/pglite`), the bench's own reads on a copy taken before BOK opens it.
 */
async function runEmbedded(): Promise<void> {
  const bokDataDir = path.join(workDir, 'bok-main')
  const seeded = path.join(bokDataDir, 'pglite')
  await seedPglite(seeded, sizes)
  const benchDir = path.join(workDir, 'bench-pglite')
  fs.cpSync(seeded, benchDir, { recursive: true })
  const benchPg = await openPglite({ dataDir: benchDir })
  const bench = wrapPglite(benchPg)
  try {
    const pgliteVersion = (
      JSON.parse(
        fs.readFileSync(path.join(rootDir, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
      ) as { version: string }
    ).version
    const postgresVersion = (
      await benchPg.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)
    ).rows[0]?.v
    note(
      `Database: embedded PGlite ${pgliteVersion} (PostgreSQL ${postgresVersion}), data folder ${seeded} ` +
        `(BOK's DATA_DIR ${bokDataDir}, no DATABASE_URL); the bench samples and measures quality and ` +
        `plans on a copy taken before BOK started, the floor runs on a copy taken after the sign-ins ` +
        `(BOK stopped for it and started again).`,
    )
    note('PGlite settings: ' + JSON.stringify(await currentSettings(bench.knex)))
    note(
      `Per load: ${loadSeconds} s after a warm-up (steady rates ${steadySeconds} s); BOK and the floor each on one PGlite connection ` +
        `(in-process, queries one at a time).`,
    )
    const list = await scenarioList(bench.knex)
    await measure({
      target: { kind: 'pglite', bench: benchPg },
      knex: bench.knex,
      sizes,
      label: 'main',
      scenarios: list,
      loads,
      floor: true,
      quality: true,
      explain: true,
    })
  } finally {
    await bench.close()
  }
  printTable()
}

/** The server is started (or DATABASE_URL's opened) only when a data set needs a new database. */
function lazyServer(): Server {
  let opened: Promise<Server> | null = null
  const open = () => (opened ??= openServer())
  return {
    createDatabase: async (label) => (await open()).createDatabase(label),
    stop: async () => {
      if (opened) await (await opened).stop()
    },
  }
}

const server = args.embedded ? null : lazyServer()
const started = performance.now()
try {
  note(
    `BOK benchmark ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ` +
      `${Math.round(os.totalmem() / 1024 ** 3)} GB, Node ${process.version}${args.node ? ` (BOK on ${args.node})` : ''}, ` +
      `load average ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
  )
  if (args.embedded) {
    await runEmbedded()
  } else if (args.soak) {
    const url = args.database ?? (await server!.createDatabase('soak'))
    const soakSizes = args.incoming || args.foreigners || args.deposits || args.folders ? sizes : soakDefault
    const knex = args.database
      ? knexForPostgres(url, 4)
      : await seedDatabase(url, quick ? smallSizes : soakSizes)
    if (args.database) await seedScaleCore(knex, password, 300, new Rng(1))
    try {
      note('PostgreSQL settings: ' + JSON.stringify(await currentSettings(knex)))
      const ok = await runSoak({
        url,
        knex,
        workDir,
        password,
        seconds: Number(args.seconds ?? 60),
        poolMax,
        nodeBin: args.node,
        say: note,
      })
      process.exitCode = ok ? 0 : 1
    } finally {
      await knex.destroy()
    }
  } else {
    const url = args.database ?? (await server!.createDatabase('main'))
    const knex = args.database ? knexForPostgres(url, 4) : await seedDatabase(url, sizes)
    if (args.database) {
      Object.assign(sizes, await sizesOf(knex))
      // The sign-in accounts get this run's password (the units and users are already there).
      await seedScaleCore(knex, password, 300, new Rng(1))
    }
    try {
      note('PostgreSQL settings: ' + JSON.stringify(await currentSettings(knex)))
      note(
        `Per load: ${loadSeconds} s after a warm-up (steady rates ${steadySeconds} s); BOK DATABASE_POOL_MAX=${poolMax}, floor pool ${poolMax}.`,
      )
      const list = await scenarioList(knex)
      if (!args['curve-only'])
        await measure({
          target: { kind: 'postgres', url },
          knex,
          sizes,
          label: 'main',
          scenarios: list,
          loads,
          floor: true,
          quality: true,
          explain: true,
        })
    } catch (err) {
      await knex.destroy()
      throw err
    }
    if (args.curve || args['curve-only']) {
      const steps = quick ? [10_000, 20_000, 40_000] : [100_000, 1_000_000, 2_000_000]
      for (const n of steps) {
        const curveSizes: ScaleSizes = { incoming: n / 2, foreigners: n, deposits: n / 4, folders: n }
        const same = JSON.stringify(curveSizes) === JSON.stringify(sizes)
        note(`\nScale curve: ${JSON.stringify(curveSizes)}${same ? ' (the main data set)' : ''}`)
        const curl = same ? url : await server!.createDatabase(`curve_${n}`)
        const ck = same ? knex : await seedDatabase(curl, curveSizes)
        try {
          const list = await availableScenarios(ck, (s) => s.kind === 'search')
          await measure({
            target: { kind: 'postgres', url: curl },
            knex: ck,
            sizes: curveSizes,
            label: `curve-${n}`,
            scenarios: list,
            loads: [
              { connections: 1, rate: null },
              { connections: 16, rate: null },
            ],
            floor: false,
            quality: false,
            explain: false,
          })
        } finally {
          if (!same) await ck.destroy()
        }
      }
    }
    await knex.destroy()
    printTable()
  }
  note(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s.`)
} finally {
  await server?.stop()
  if (args.markdown) fs.writeFileSync(args.markdown, report.join('\n') + '\n')
  fs.rmSync(workDir, { recursive: true, force: true })
}
