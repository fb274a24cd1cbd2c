import type { Knex } from 'knex'

/**
 * The audit chain is linked by the database: a trigger gives each new audit row its id, the previous
 * row's hash and its own hash, under the lock of the chain head, and moves the head. Any insert into
 * audit_log joins the chain, so a change and its audit rows can be saved by one statement: the head is
 * then locked only while PostgreSQL runs that statement and commits, never while it waits for BOK.
 *
 * The hash of these rows is computed in SQL (`audit_row_hash`), over a JSON array of the row's content
 * with the time in UTC to the microsecond; rows written before this migration keep their hash from
 * BOK's canonical JSON. `audit_head.db_hash_from` is the first row hashed by the database.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE audit_head ADD COLUMN db_hash_from bigint`)
  await knex.raw(`UPDATE audit_head SET db_hash_from = seq + 1 WHERE id = 1`)
  await knex.raw(`ALTER TABLE audit_head ALTER COLUMN db_hash_from SET NOT NULL`)
  await knex.raw(`ALTER TABLE audit_log ALTER COLUMN at SET DEFAULT now()`)

  await knex.raw(`
    CREATE FUNCTION audit_row_hash(prev text, r audit_log) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT encode(sha256(convert_to(prev || E'\\n' || jsonb_build_array(
        r.id,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        r.actor_id, r.actor_name, r.actor_unit, r.action, r.entity_type, r.entity_id,
        r.details, r.ip, r.request_id
      )::text, 'UTF8')), 'hex')
    $$`)

  await knex.raw(`
    CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      head audit_head%ROWTYPE;
    BEGIN
      SELECT * INTO head FROM audit_head WHERE id = 1 FOR UPDATE;
      NEW.id := head.seq + 1;
      NEW.prev_hash := head.hash;
      NEW.hash := audit_row_hash(head.hash, NEW);
      UPDATE audit_head SET seq = NEW.id, hash = NEW.hash WHERE id = 1;
      RETURN NEW;
    END $$`)
  await knex.raw(`CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`)
}
