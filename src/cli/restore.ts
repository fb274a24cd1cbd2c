import { openForBackup, restoreBackup } from '../shared/integrity/backup.js'
import { verifyAuditChain } from '../shared/audit/verify.js'

/**
 * `npm run restore -- <archive>`: restores a backup into the place the configuration names — a fresh
 * DATA_DIR for the embedded database, or an empty PostgreSQL database (create it first) with DATABASE_URL
 * — then checks every table's row count against the backup's manifest and verifies the audit chain.
 * Exit 0 only when both agree.
 */
const archive = process.argv.slice(2).find((a) => !a.startsWith('--'))
if (!archive) {
  console.error('Usage: npm run restore -- <backup.tar>')
  process.exit(2)
}
try {
  const result = await restoreBackup(process.env, archive)
  const config = result.config
  console.log(`Restored ${result.manifest.kind} backup of ${result.manifest.createdAt}.`)
  if (result.mismatches.length) {
    console.log(`Row counts differ from the backup:\n  ${result.mismatches.join('\n  ')}`)
    process.exitCode = 1
  } else {
    console.log(`Row counts agree for all ${Object.keys(result.manifest.counts).length} tables.`)
  }
  const database = await openForBackup(config)
  try {
    const audit = await verifyAuditChain(database.knex, {
      checkpointDir: config.checkpointDir,
      signingKeyFile: config.signingKeyFile,
    })
    if (audit.ok)
      console.log(`Audit log intact: ${audit.rows} rows, ${audit.checkpoints} signed checkpoints agree.`)
    else {
      console.log(`Audit log BROKEN at row ${audit.broken!.id}: ${audit.broken!.reason}`)
      process.exitCode = 1
    }
  } finally {
    await database.close()
  }
} catch (err) {
  console.error(`Restore failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
}
