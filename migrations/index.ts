import type { Knex } from 'knex'
import * as m001 from './001_foundation.js'
import * as m002 from './002_rate_limits.js'
import * as m003 from './003_pending_uploads.js'
import * as m004 from './004_audit_chain_in_database.js'
import * as m100 from './100_correspondence.js'
import * as m101 from './101_correspondence_indexes.js'
import * as m200 from './200_foreigners.js'
import * as m201 from './201_deposits.js'
import * as m202 from './202_foreigner_name_skeleton.js'
import * as m203 from './203_foreigners_version.js'
import * as m204 from './204_registry_search_terms.js'
import * as m205 from './205_foreigner_name_readings.js'
import * as m300 from './300_archive.js'
import * as m310 from './310_archive_folder_status_width.js'
import * as m311 from './311_archive_title_keys.js'

type Migration = {
  up(knex: Knex): Promise<void>
  down?(knex: Knex): Promise<void>
  /** `{ transaction: false }`: the migration opens its own transaction (e.g. to VACUUM after it). */
  config?: { transaction?: boolean }
}

/**
 * Migrations are imported statically (Knex's dynamic import cannot load .ts under Vitest).
 * Forward-only: a landed migration is never edited; add a new one.
 */
const migrations: Array<[string, Migration]> = [
  ['001_foundation', m001],
  ['002_rate_limits', m002],
  ['003_pending_uploads', m003],
  ['004_audit_chain_in_database', m004],
  ['100_correspondence', m100],
  ['101_correspondence_indexes', m101],
  ['200_foreigners', m200],
  ['201_deposits', m201],
  ['202_foreigner_name_skeleton', m202],
  ['203_foreigners_version', m203],
  ['204_registry_search_terms', m204],
  ['205_foreigner_name_readings', m205],
  ['300_archive', m300],
  ['310_archive_folder_status_width', m310],
  ['311_archive_title_keys', m311],
]

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, m]) => ({
    ...(m.config ? { config: m.config } : {}),
    up: m.up,
    down:
      m.down ??
      (async () => {
        throw new Error('BOK migrations are forward-only')
      }),
  }),
}
