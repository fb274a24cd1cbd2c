import { loadConfig } from '../config.js'
import { openDatabase } from '../shared/db/index.js'
import { removeOrphans, runIntegrityCheck } from '../shared/integrity/check.js'

/**
 * `npm run integrity:check [-- --fix-orphans] [--grace-minutes=60] [--skip-hash]`: files in the store
 * against the rows that refer to them (missing files, wrong SHA-256, orphans), gaps and duplicates in
 * every register's numbering, and the audit chain with its signed checkpoints. Prints a report; exits 1
 * on any problem. `--fix-orphans` removes orphan files older than the grace period (files are written
 * before their transaction commits, so a younger one may belong to a save still in progress).
 */
const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const graceArg = args.find((a) => a.startsWith('--grace-minutes='))
const graceMinutes = graceArg ? Number(graceArg.split('=')[1]) : 60
if (!Number.isFinite(graceMinutes) || graceMinutes < 0) {
  console.error('--grace-minutes must be a number of minutes (0 or more)')
  process.exit(2)
}

const config = loadConfig()
const database = await openDatabase(config)
try {
  const report = await runIntegrityCheck(database.knex, {
    filesRoot: config.filesDir,
    checkpoints: { checkpointDir: config.checkpointDir, signingKeyFile: config.signingKeyFile },
    uncoveredAuditMinutes: config.AUDIT_CHECKPOINT_MINUTES > 0 ? config.AUDIT_CHECKPOINT_MINUTES * 2 : 0,
    skipHash: flag('skip-hash'),
  })
  const { checked } = report
  console.log(
    `Checked ${checked.files} stored file(s) against ${checked.fileRows} row(s), ` +
      `${checked.registers} numbered register table(s), ${checked.auditRows} audit row(s).`,
  )
  let problems = report.problems
  if (flag('fix-orphans') && report.orphans.length) {
    const { removed, kept } = await removeOrphans(database.knex, report.orphans, graceMinutes)
    console.log(`Removed ${removed.length} orphan file(s): ${removed.join(', ') || '–'}`)
    if (kept.length)
      console.log(`Kept ${kept.length} orphan file(s) younger than ${graceMinutes} min: ${kept.join(', ')}`)
    else problems = problems.filter((p) => !(p.area === 'files' && p.message.includes('no row referring')))
  }
  if (problems.length === 0) {
    console.log('Integrity OK.')
  } else {
    console.log(`${problems.length} problem(s):`)
    for (const p of problems) console.log(`  [${p.area}] ${p.message}`)
    process.exitCode = 1
  }
} finally {
  await database.close()
}
