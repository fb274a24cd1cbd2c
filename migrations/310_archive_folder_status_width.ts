import type { Knex } from 'knex'

/** `status` was varchar(12) while its check allows 'state_archive' (13 letters): widen it. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE archive_folders ALTER COLUMN status TYPE varchar(20)')
}
