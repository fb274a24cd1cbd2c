import type { Knex } from 'knex'

/**
 * PostgreSQL settings for BOK at production size (README recommends the same): the hot tables and
 * their indexes fit in shared_buffers, JIT off (it costs more than it saves on short OLTP queries),
 * random_page_cost for SSDs, work_mem for the sorts of list pages, room for index builds and for
 * two app processes' pools.
 */
export function recommendedSettings(opts: { sharedBuffers: string }): Record<string, string> {
  return {
    shared_buffers: `'${opts.sharedBuffers}'`,
    effective_cache_size: "'12GB'",
    work_mem: "'16MB'",
    maintenance_work_mem: "'1GB'",
    jit: 'off',
    random_page_cost: '1.1',
    effective_io_concurrency: '200',
    max_connections: '200',
    max_wal_size: "'8GB'",
    checkpoint_timeout: "'15min'",
    max_parallel_maintenance_workers: '2',
    synchronous_commit: 'on',
  }
}

export const reportedSettings = [
  'server_version',
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'jit',
  'random_page_cost',
  'effective_io_concurrency',
  'max_connections',
  'max_wal_size',
  'checkpoint_timeout',
  'synchronous_commit',
  'fsync',
  'max_parallel_workers_per_gather',
]

export async function currentSettings(knex: Knex): Promise<Record<string, string>> {
  const r = await knex.raw(`SELECT name, setting, unit FROM pg_settings WHERE name = ANY(?) ORDER BY name`, [
    reportedSettings,
  ])
  const out: Record<string, string> = {}
  for (const row of r.rows as Array<{ name: string; setting: string; unit: string | null }>) {
    out[row.name] = formatSetting(row.setting, row.unit)
  }
  return out
}

function formatSetting(setting: string, unit: string | null): string {
  if (!unit) return setting
  const units: Record<string, number> = { '8kB': 8192, kB: 1024, MB: 1024 ** 2 }
  const bytes = units[unit] ? Number(setting) * units[unit] : null
  if (bytes === null) return `${setting}${unit}`
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}GB`
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)}MB`
  return `${Math.round(bytes / 1024)}kB`
}
