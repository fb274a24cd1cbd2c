import path from 'node:path'
import { loadConfig } from '../config.js'
import { createBackup, pgliteInUse } from '../shared/integrity/backup.js'

/**
 * `npm run backup [-- --out=backups/bok.tar] [--force]`: one archive with the database (PGlite data-dir
 * dump, or pg_dump -Fc), the file store, the signed audit checkpoints and the keys. On the embedded
 * database BOK must be stopped first (one process at a time may open it); on PostgreSQL it can run.
 */
const args = process.argv.slice(2)
const outArg = args.find((a) => a.startsWith('--out='))
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const out = path.resolve(outArg ? outArg.slice('--out='.length) : path.join('backups', `bok-${stamp}.tar`))

const config = loadConfig()
if (!config.DATABASE_URL && pgliteInUse(config) && !args.includes('--force')) {
  console.error(
    'The embedded database is open (BOK is running, or was not shut down cleanly). Stop BOK first; ' +
      'if it is not running, pass --force.',
  )
  process.exit(2)
}
try {
  const manifest = await createBackup(config, out)
  const rows = Object.values(manifest.counts).reduce((a, b) => a + b, 0)
  console.log(
    `Backup written: ${out}\n  ${manifest.kind} database, ${Object.keys(manifest.counts).length} tables, ` +
      `${rows} rows, audit chain at row ${manifest.auditHead.seq}.\n` +
      "  The archive holds personal data and BOK's keys: keep it encrypted and offline.",
  )
} catch (err) {
  console.error(`Backup failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
}
