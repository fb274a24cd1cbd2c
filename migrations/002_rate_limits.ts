import type { Knex } from 'knex'

/** Fixed-window counters for rate-limited actions (bulk export, searches of personal data). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 120).notNullable()
    t.timestamp('window_start', { useTz: true }).notNullable()
    t.integer('count').notNullable()
    t.primary(['key', 'window_start'])
  })
}
