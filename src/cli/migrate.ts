import { loadConfig } from '../config.js'
import { openDatabase, migrateLatest } from '../shared/db/index.js'

/** `npm run migrate`: applies pending migrations (BOK also does this at start). */
const config = loadConfig()
const database = await openDatabase(config)
try {
  const applied = await migrateLatest(database.knex)
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.')
} finally {
  await database.close()
}
