import { loadConfig } from '../config.js'
import { openDatabase, migrateLatest } from '../shared/db/index.js'
import { seedCore } from '../../seeds/demo/core.js'
import { moduleSeeds } from '../../seeds/demo/index.js'
import { recordAudit, systemActor } from '../shared/audit/audit.js'

/** `npm run seed:demo`: a realistic demo data set to click through. Safe to run again. */
const config = loadConfig()
const database = await openDatabase(config)
try {
  await migrateLatest(database.knex)
  const log = (m: string) => console.log(`  ${m}`)
  console.log(`Seeding demo data into the ${database.kind} database…`)
  const { ctx, password } = await seedCore(database.knex, log)
  for (const [name, seed] of moduleSeeds) {
    console.log(`- ${name}`)
    await seed(ctx)
  }
  await recordAudit(database.knex, systemActor, {
    action: 'demo.seeded',
    details: { modules: moduleSeeds.map(([n]) => n) },
  })
  console.log('\nDemo users (one per role), all with the password:')
  console.log(`\n    ${password}\n`)
  for (const [role, u] of Object.entries(ctx.users))
    console.log(`  ${u.username.padEnd(14)} ${role.padEnd(18)} ${u.unitSymbol ?? ''}`)
  console.log('\nThe password is printed only now; run the seed again to set a new one.')
} finally {
  await database.close()
}
