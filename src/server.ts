import type { Server } from 'node:http'
import { loadConfig, ConfigError } from './config.js'
import { createLogger } from './shared/logger.js'
import { openDatabase, migrateLatest } from './shared/db/index.js'
import { createApp } from './app.js'
import { issueSetupToken } from './modules/auth/service.js'
import { writeCheckpoint } from './shared/audit/checkpoints.js'
import { pruneExpiredSessions } from './shared/auth/session-store.js'
import { pruneRateLimits } from './shared/http/rate-limit.js'
import { pruneSavedSearches } from './shared/lists/saved-search.js'
import { sweepExpiredPending } from './shared/files/pending.js'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(78)
    }
    throw err
  }
  const logger = createLogger(config.LOG_LEVEL)
  const database = await openDatabase(config)
  const applied = await migrateLatest(database.knex)
  logger.info({ database: database.kind, migrations: applied.length }, 'database ready')

  const { app, deps } = await createApp({ db: database.knex, config, logger })
  // Files held for forms never saved (shared/files/pending.ts) go with their rows: now and every 10 min.
  await sweepExpiredPending(database.knex, deps.files).catch((err) =>
    logger.warn({ err }, 'sweeping pending uploads failed'),
  )
  const server: Server = app.listen(config.PORT, config.HOST, () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.PORT
    logger.info(
      { port, database: database.kind, dataDir: config.dataDir },
      `BOK listening on http://localhost:${port}`,
    )
  })
  server.keepAliveTimeout = 65_000

  const token = await issueSetupToken(database.knex)
  if (token) {
    logger.warn(
      `No user exists yet. Create the first administrator with this one-time link: ${config.publicUrl}/setup/${token}`,
    )
  }

  const paths = { checkpointDir: config.checkpointDir, signingKeyFile: config.signingKeyFile }
  const timers: NodeJS.Timeout[] = []
  if (config.AUDIT_CHECKPOINT_MINUTES > 0) {
    timers.push(
      setInterval(() => {
        writeCheckpoint(database.knex, paths).catch((err) => logger.error({ err }, 'audit checkpoint failed'))
      }, config.AUDIT_CHECKPOINT_MINUTES * 60_000),
    )
  }
  timers.push(
    setInterval(() => {
      Promise.all([
        pruneExpiredSessions(database.knex),
        pruneRateLimits(database.knex),
        pruneSavedSearches(database.knex),
        sweepExpiredPending(database.knex, deps.files),
      ]).catch((err) => logger.warn({ err }, 'pruning failed'))
    }, 10 * 60_000),
  )
  for (const t of timers) t.unref()

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing requests in flight')
    for (const t of timers) clearInterval(t)
    const force = setTimeout(() => process.exit(1), 20_000)
    force.unref()
    server.close(async () => {
      await writeCheckpoint(database.knex, paths).catch(() => undefined)
      await database.close()
      logger.info('stopped')
      process.exit(0)
    })
    server.closeIdleConnections()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err) => {
  process.stderr.write(
    `BOK failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  process.exit(1)
})
