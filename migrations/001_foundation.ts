import type { Knex } from 'knex'

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm')
  await knex.raw('CREATE EXTENSION IF NOT EXISTS unaccent')
  await knex.raw('CREATE EXTENSION IF NOT EXISTS fuzzystrmatch')
  // unaccent() is STABLE; an IMMUTABLE wrapper with a fixed dictionary can back indexes and generated columns.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$`)

  await knex.schema.createTable('org_units', (t) => {
    t.bigIncrements('id')
    t.string('symbol', 20).notNullable()
    t.string('name', 200).notNullable()
    t.bigInteger('parent_id').references('org_units.id')
    t.string('status', 10).notNullable().defaultTo('active')
    t.bigInteger('merged_into_id').references('org_units.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('closed_at', { useTz: true })
  })
  await knex.raw(
    `ALTER TABLE org_units ADD CONSTRAINT org_units_status_check CHECK (status IN ('active','closed','merged'))`,
  )
  // A symbol is unique among active units; a closed unit's symbol stays on its row so old references resolve.
  await knex.raw(
    `CREATE UNIQUE INDEX org_units_active_symbol ON org_units (upper(symbol)) WHERE status = 'active'`,
  )

  await knex.schema.createTable('org_unit_history', (t) => {
    t.bigIncrements('id')
    t.bigInteger('org_unit_id').notNullable().references('org_units.id')
    t.string('change', 20).notNullable()
    t.string('old_symbol', 20)
    t.string('old_name', 200)
    t.string('new_symbol', 20)
    t.string('new_name', 200)
    t.bigInteger('changed_by')
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['org_unit_id'])
  })

  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id')
    t.string('username', 64).notNullable()
    t.string('display_name', 200).notNullable()
    t.string('email', 254)
    t.text('password_hash').notNullable()
    t.specificType('roles', 'text[]').notNullable().defaultTo('{}')
    t.bigInteger('org_unit_id').references('org_units.id')
    t.boolean('active').notNullable().defaultTo(true)
    t.boolean('must_change_password').notNullable().defaultTo(false)
    t.integer('failed_logins').notNullable().defaultTo(0)
    t.timestamp('locked_until', { useTz: true })
    t.timestamp('last_login_at', { useTz: true })
    t.text('totp_secret')
    t.timestamp('totp_enabled_at', { useTz: true })
    t.bigInteger('totp_last_step')
    t.string('language', 2).notNullable().defaultTo('pl')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('deactivated_at', { useTz: true })
  })
  await knex.raw('CREATE UNIQUE INDEX users_username_lower ON users (lower(username))')

  await knex.schema.createTable('recovery_codes', (t) => {
    t.bigIncrements('id')
    t.bigInteger('user_id').notNullable().references('users.id')
    t.string('code_hash', 64).notNullable()
    t.timestamp('used_at', { useTz: true })
    t.index(['user_id'])
  })

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary()
    t.jsonb('sess').notNullable()
    t.bigInteger('user_id')
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.index(['expires_at'])
    t.index(['user_id'])
  })

  await knex.schema.createTable('login_failures', (t) => {
    t.bigIncrements('id')
    t.string('address', 64).notNullable()
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['address', 'at'])
  })

  await knex.schema.createTable('setup_tokens', (t) => {
    t.string('token_hash', 64).primary()
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.timestamp('used_at', { useTz: true })
  })

  await knex.schema.createTable('saved_searches', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.bigInteger('user_id').notNullable().references('users.id')
    t.string('scope', 50).notNullable()
    t.jsonb('criteria').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['created_at'])
  })

  // Gapless register numbers: a counter row locked by the numbering transaction until it commits.
  await knex.schema.createTable('register_counters', (t) => {
    t.string('register', 50).notNullable()
    t.string('scope', 100).notNullable().defaultTo('')
    t.integer('year').notNullable()
    t.integer('last_number').notNullable()
    t.primary(['register', 'scope', 'year'])
  })

  await knex.schema.createTable('audit_log', (t) => {
    t.bigInteger('id').primary()
    t.timestamp('at', { useTz: true }).notNullable()
    t.bigInteger('actor_id')
    t.string('actor_name', 200)
    t.string('actor_unit', 20)
    t.string('action', 100).notNullable()
    t.string('entity_type', 50)
    t.string('entity_id', 100)
    t.jsonb('details').notNullable().defaultTo('{}')
    t.string('ip', 64)
    t.string('request_id', 64)
    t.string('prev_hash', 64).notNullable()
    t.string('hash', 64).notNullable()
    t.index(['at'])
    t.index(['actor_id', 'at'])
    t.index(['entity_type', 'entity_id'])
    t.index(['action', 'at'])
  })
  await knex.schema.createTable('audit_head', (t) => {
    t.integer('id').primary()
    t.bigInteger('seq').notNullable()
    t.string('hash', 64).notNullable()
  })
  await knex('audit_head').insert({ id: 1, seq: 0, hash: '0'.repeat(64) })
  // The audit log is append-only: the database itself refuses edits and deletions.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
    END $$`)
  await knex.raw(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`)
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`)
}
