import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/shared/logger.js'
import { migrateLatest, openDatabase } from '../../src/shared/db/index.js'
import { createApp } from '../../src/app.js'
import { modules } from '../../src/modules/index.js'
import { createProbeTable, probe } from '../security/probe-module.js'

/**
 * BOK as `src/server.ts` starts it, plus the probe upload route (tests/security/probe-module.ts), for the
 * fault run that kills the process during an upload while no module upload route is on main.
 */
const config = loadConfig()
const logger = createLogger(config.LOG_LEVEL)
const database = await openDatabase(config)
await migrateLatest(database.knex)
await createProbeTable(database.knex)
modules.push(probe)
const { app } = await createApp({ db: database.knex, config, logger })
app.listen(config.PORT, config.HOST, () => logger.info({ port: config.PORT }, 'probe server listening'))
