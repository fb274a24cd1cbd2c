import type { Knex } from 'knex'

/**
 * A version number on the foreigner record for optimistic concurrency: the edit form carries the
 * version it was shown, and a save on a record changed meanwhile is refused. Bumped by a trigger on
 * every update, so any code path that changes the row (the edit, the case status) moves it on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE foreigners ADD COLUMN version integer NOT NULL DEFAULT 1')
  await knex.raw(`
    CREATE OR REPLACE FUNCTION foreigners_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.version := OLD.version + 1;
      RETURN NEW;
    END $$`)
  await knex.raw(`CREATE TRIGGER foreigners_version BEFORE UPDATE ON foreigners
    FOR EACH ROW EXECUTE FUNCTION foreigners_bump_version()`)
}
