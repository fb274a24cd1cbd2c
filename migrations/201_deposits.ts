import type { Knex } from 'knex'

/**
 * Deposited travel documents: storage places, deposits with their scans, the append-only chain of
 * custody (movements), and stocktakes. The current state and place on a deposit row are a cache of
 * its movements, written in the same transaction as the movement.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('storage_places', (t) => {
    t.bigIncrements('id')
    t.string('code', 30).notNullable()
    t.string('kind', 10).notNullable()
    t.string('name', 200).notNullable()
    t.boolean('active').notNullable().defaultTo(true)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('created_by').references('users.id')
  })
  await knex.raw(
    `ALTER TABLE storage_places ADD CONSTRAINT storage_places_kind_check CHECK (kind IN ('safe','shelf','envelope'))`,
  )
  await knex.raw('CREATE UNIQUE INDEX storage_places_code ON storage_places (upper(code))')

  await knex.schema.createTable('deposits', (t) => {
    t.bigIncrements('id')
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.string('document_type', 20).notNullable()
    t.string('document_number', 30).notNullable()
    t.string('issuing_country', 3).notNullable().references('countries.code')
    t.string('nationality', 3).references('countries.code')
    t.date('issue_date')
    t.date('expiry_date')
    t.string('surname_printed', 200).notNullable()
    t.string('given_names_printed', 200).notNullable().defaultTo('')
    t.bigInteger('holder_id').notNullable().references('foreigners.id')
    t.string('protection_case_ref', 60)
    t.text('condition_notes')
    t.text('mrz')
    // Cache of the chain of custody (see movements), updated with each movement.
    t.string('state', 20).notNullable()
    t.bigInteger('place_id').references('storage_places.id')
    t.string('seal_number', 40)
    t.boolean('seal_mismatch').notNullable().defaultTo(false)
    t.string('released_to', 200)
    t.date('due_back_on')
    t.timestamp('taken_in_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('taken_in_by').references('users.id')
    t.unique(['year', 'number'])
    t.index(['holder_id'])
    t.index(['place_id', 'state'])
  })
  await knex.raw(`
    ALTER TABLE deposits
      ADD COLUMN document_number_key text GENERATED ALWAYS AS (upper(regexp_replace(document_number, '[^A-Za-z0-9]', '', 'g'))) STORED,
      ADD CONSTRAINT deposits_document_type_check CHECK (document_type IN ('passport','travel_document','id_card')),
      ADD CONSTRAINT deposits_state_check CHECK (state IN ('in_deposit','released','returned_to_owner','handed_over','missing'))`)
  await knex.raw('CREATE INDEX deposits_document_number_key ON deposits (document_number_key)')
  await knex.raw(`CREATE INDEX deposits_released_due ON deposits (due_back_on) WHERE state = 'released'`)

  await knex.schema.createTable('deposit_files', (t) => {
    t.bigIncrements('id')
    t.bigInteger('deposit_id').notNullable().references('deposits.id')
    t.uuid('file_id').notNullable()
    t.string('sha256', 64).notNullable()
    t.integer('size').notNullable()
    t.string('mime', 100).notNullable()
    t.string('original_name', 200).notNullable()
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('uploaded_by').references('users.id')
    t.index(['deposit_id'])
  })

  await knex.schema.createTable('deposit_movements', (t) => {
    t.bigIncrements('id')
    t.bigInteger('deposit_id').notNullable().references('deposits.id')
    t.integer('seq').notNullable()
    t.string('kind', 30).notNullable()
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('by_user').references('users.id')
    t.string('by_name', 200).notNullable()
    t.bigInteger('place_id').references('storage_places.id')
    t.string('released_to', 200)
    t.string('purpose', 500)
    t.date('due_back_on')
    t.boolean('identity_checked')
    t.string('identity_document', 200)
    t.string('acknowledgment', 500)
    t.string('authority', 200)
    t.string('letter_ref', 100)
    t.string('seal_old', 40)
    t.string('seal_new', 40)
    t.boolean('seal_mismatch').notNullable().defaultTo(false)
    t.bigInteger('corrects_movement_id').references('deposit_movements.id')
    t.text('note')
    t.string('state_after', 20).notNullable()
    t.unique(['deposit_id', 'seq'])
  })
  // Movements are the record of custody: the database refuses any edit or deletion (like audit_log).
  await knex.raw(`
    CREATE OR REPLACE FUNCTION deposit_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'deposit_movements is append-only (% refused)', TG_OP;
    END $$`)
  await knex.raw(`CREATE TRIGGER deposit_movements_no_change BEFORE UPDATE OR DELETE ON deposit_movements
    FOR EACH ROW EXECUTE FUNCTION deposit_movements_append_only()`)
  await knex.raw(`CREATE TRIGGER deposit_movements_no_truncate BEFORE TRUNCATE ON deposit_movements
    FOR EACH STATEMENT EXECUTE FUNCTION deposit_movements_append_only()`)

  await knex.schema.createTable('stocktakes', (t) => {
    t.bigIncrements('id')
    t.bigInteger('place_id').notNullable().references('storage_places.id')
    t.string('status', 10).notNullable().defaultTo('open')
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('started_by').references('users.id')
    t.timestamp('closed_at', { useTz: true })
    t.bigInteger('closed_by').references('users.id')
    t.integer('expected_count')
    t.integer('found_count')
    t.integer('missing_count')
    t.integer('unexpected_count')
    t.index(['place_id', 'started_at'])
  })
  await knex.raw(
    `ALTER TABLE stocktakes ADD CONSTRAINT stocktakes_status_check CHECK (status IN ('open','closed'))`,
  )
  await knex.schema.createTable('stocktake_scans', (t) => {
    t.bigIncrements('id')
    t.bigInteger('stocktake_id').notNullable().references('stocktakes.id')
    t.string('code', 100).notNullable()
    t.bigInteger('deposit_id').references('deposits.id')
    t.timestamp('scanned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['stocktake_id', 'code'])
  })
  // The result kept at closing: what should have been there and was not, and what was there but should not.
  await knex.schema.createTable('stocktake_results', (t) => {
    t.bigIncrements('id')
    t.bigInteger('stocktake_id').notNullable().references('stocktakes.id')
    t.string('outcome', 12).notNullable()
    t.string('code', 100).notNullable()
    t.bigInteger('deposit_id').references('deposits.id')
    t.string('deposit_state', 20)
    t.bigInteger('deposit_place_id').references('storage_places.id')
    t.index(['stocktake_id'])
  })
  await knex.raw(
    `ALTER TABLE stocktake_results ADD CONSTRAINT stocktake_results_outcome_check CHECK (outcome IN ('missing','unexpected','unknown'))`,
  )
}
