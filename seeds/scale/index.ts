import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { recordAudit, systemActor } from '../../src/shared/audit/audit.js'
import {
  makeLoader,
  type ScaleContext,
  type ScaleModule,
  type ScaleSizes,
  type TableStats,
} from './context.js'
import { seedScaleCore } from './core.js'
import { Rng } from './random.js'
import { foreignersScale } from './foreigners.js'
import { depositsScale } from './deposits.js'
import { registryScale } from './registry.js'
import { archiveScale } from './archive.js'

/** Module generators in dependency order (deposits need foreigners). One line per module. */
export const scaleModules: ScaleModule[] = [foreignersScale, depositsScale, registryScale, archiveScale]

export interface ScaleSeedOptions {
  sizes: ScaleSizes
  password?: string
  seed?: number
  staff?: number
  only?: string[]
  log?: (message: string) => void
}

export interface ScaleSeedResult {
  password: string
  stats: TableStats[]
  skipped: string[]
  seconds: number
  ctx: ScaleContext
}

async function tableExists(knex: Knex, table: string): Promise<boolean> {
  const r = await knex.raw(`SELECT to_regclass(?) AS t`, [table])
  return !!r.rows[0]?.t
}

/**
 * Fills the database with production-size data: units and users first, then each module's tables
 * (a module whose tables are not there yet is skipped and reported), then ANALYZE.
 */
export async function runScaleSeed(
  knex: Knex,
  kind: 'pglite' | 'postgres',
  options: ScaleSeedOptions,
): Promise<ScaleSeedResult> {
  const log = options.log ?? ((m: string) => console.log(`  ${m}`))
  const started = performance.now()
  const seed = options.seed ?? 20261124
  const password = options.password ?? crypto.randomBytes(18).toString('base64url')
  const rng = new Rng(seed)
  const stats: TableStats[] = []
  if (kind === 'postgres') {
    await knex.raw(`SET maintenance_work_mem = '1GB'`).catch(() => undefined)
  }
  const core = await seedScaleCore(knex, password, options.staff ?? 300, rng)
  const totalWeight = core.units.reduce((s, u) => s + u.weight, 0)
  const ctx: ScaleContext = {
    knex,
    kind,
    sizes: options.sizes,
    seed,
    ...core,
    pickUnit(r: number) {
      let x = r * totalWeight
      for (const u of core.units) {
        x -= u.weight
        if (x < 0) return u
      }
      return core.units[core.units.length - 1]!
    },
    stats,
    log,
    ...makeLoader(knex, stats, log),
  }
  log(`units: ${core.units.length}, staff accounts: ${core.staffIds.length}`)
  const skipped: string[] = []
  for (const m of scaleModules) {
    if (options.only && !options.only.includes(m.name)) continue
    const missing = []
    for (const t of m.requires) if (!(await tableExists(knex, t))) missing.push(t)
    if (missing.length) {
      skipped.push(`${m.name} (no table ${missing.join(', ')})`)
      continue
    }
    await m.run(ctx)
  }
  const analyzeStart = performance.now()
  await knex.raw('ANALYZE')
  log(`ANALYZE ${((performance.now() - analyzeStart) / 1000).toFixed(1)} s`)
  await recordAudit(knex, systemActor, {
    action: 'scale.seeded',
    details: { sizes: options.sizes, seed, tables: stats.map((s) => ({ table: s.table, rows: s.rows })) },
  })
  return { password, stats, skipped, seconds: (performance.now() - started) / 1000, ctx }
}
