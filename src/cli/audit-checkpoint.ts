import { loadConfig } from '../config.js'
import { openDatabase } from '../shared/db/index.js'
import { writeCheckpoint } from '../shared/audit/checkpoints.js'

/** `npm run audit:checkpoint`: signs the current head of the audit chain into the checkpoint file now. */
const config = loadConfig()
const database = await openDatabase(config)
try {
  const c = await writeCheckpoint(database.knex, {
    checkpointDir: config.checkpointDir,
    signingKeyFile: config.signingKeyFile,
  })
  console.log(
    c
      ? `Checkpoint written at row ${c.seq}.`
      : 'The last checkpoint is already up to date (or the log is empty).',
  )
} finally {
  await database.close()
}
