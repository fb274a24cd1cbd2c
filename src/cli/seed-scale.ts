import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase, migrateLatest } from '../shared/db/index.js'
import { defaultSizes, smallSizes, type ScaleSizes } from '../../seeds/scale/context.js'
import { runScaleSeed } from '../../seeds/scale/index.js'
import { benchUsername } from '../../seeds/scale/core.js'
import { roles } from '../shared/auth/permissions.js'

/**
 * `npm run seed:scale [-- --incoming N --foreigners N --deposits N --folders N | --small]`:
 * production-size data for benchmarks and load tests. Never on a database with real people in it.
 */
const { values } = parseArgs({
  options: {
    incoming: { type: 'string' },
    foreigners: { type: 'string' },
    deposits: { type: 'string' },
    folders: { type: 'string' },
    small: { type: 'boolean', default: false },
    seed: { type: 'string' },
    password: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  console.log(`Usage: npm run seed:scale -- [--small] [--incoming N] [--foreigners N] [--deposits N] [--folders N]
                           [--seed N] [--password P] [--only registry,deposits,archive]
Defaults: ${JSON.stringify(defaultSizes)}; --small: ${JSON.stringify(smallSizes)} (for the embedded database).`)
  process.exit(0)
}

const config = loadConfig()
const base = values.small || config.embedded ? smallSizes : defaultSizes
const count = (v: string | undefined, fallback: number) => {
  if (v === undefined) return fallback
  const n = Number(v.replace(/[_,]/g, ''))
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a row count: ${v}`)
  return n
}
const sizes: ScaleSizes = {
  incoming: count(values.incoming, base.incoming),
  foreigners: count(values.foreigners, base.foreigners),
  deposits: count(values.deposits, base.deposits),
  folders: count(values.folders, base.folders),
}

const database = await openDatabase(config)
try {
  await migrateLatest(database.knex)
  console.log(`Seeding production-size data into the ${database.kind} database: ${JSON.stringify(sizes)}`)
  const result = await runScaleSeed(database.knex, database.kind, {
    sizes,
    seed: values.seed ? Number(values.seed) : undefined,
    password: values.password ?? process.env.SEED_SCALE_PASSWORD,
    only: values.only?.split(',').map((s) => s.trim()),
  })
  const rows = result.stats.reduce((s, t) => s + t.rows, 0)
  const loadSeconds = result.stats.reduce((s, t) => s + t.seconds, 0)
  console.log(
    `\nDone: ${rows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s ` +
      `(COPY ${loadSeconds.toFixed(1)} s, ${Math.round(rows / Math.max(loadSeconds, 0.001)).toLocaleString('en')} rows/s; ` +
      `the rest is index builds, derived tables and ANALYZE).`,
  )
  if (result.skipped.length) console.log(`Skipped (module not installed): ${result.skipped.join('; ')}`)
  if (!values.password && !process.env.SEED_SCALE_PASSWORD) {
    console.log(`\nAccounts (password for all, printed only now): ${result.password}`)
    for (const role of roles) console.log(`  ${benchUsername(role)}`)
  }
} finally {
  await database.close()
}
