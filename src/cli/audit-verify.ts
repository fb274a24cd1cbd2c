import { loadConfig } from '../config.js'
import { openDatabase } from '../shared/db/index.js'
import { verifyAuditChain } from '../shared/audit/verify.js'

/**
 * `npm run audit:verify`: walks the audit hash chain and checks it against the signed checkpoints
 * kept outside the database. Exit 0 when intact; 1 with the first broken row otherwise.
 */
const config = loadConfig()
const database = await openDatabase(config)
try {
  const result = await verifyAuditChain(database.knex, {
    checkpointDir: config.checkpointDir,
    signingKeyFile: config.signingKeyFile,
  })
  if (result.ok) {
    console.log(`Audit log intact: ${result.rows} rows, ${result.checkpoints} signed checkpoints agree.`)
  } else {
    console.log(`Audit log BROKEN at row ${result.broken!.id}: ${result.broken!.reason}`)
    process.exitCode = 1
  }
} finally {
  await database.close()
}
