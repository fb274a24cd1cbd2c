import type { Knex } from 'knex'

/**
 * Indexes that keep registry pages flat at millions of incoming items: a unit's register in order of
 * registration, the start page's "to route" queue, and the count of annulments shown with the register.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX incoming_items_unit_id ON incoming_items (unit_id, id DESC)')
  await knex.raw(`CREATE INDEX incoming_items_to_route ON incoming_items (id)
    WHERE status = 'registered' AND routing_status IN ('unassigned','returned')`)
  await knex.raw(
    `CREATE INDEX incoming_items_annulled ON incoming_items (year, number) WHERE status = 'annulled'`,
  )
}
