import type { Knex } from 'knex'

/**
 * The office archive (archiwum zakładowe): file plan (JRWA), folders from unit registers to shelves,
 * transfer lists, archive queries, authorised borrowers and loans, stocktakes, holds and disposal.
 * Nothing here is ever deleted: folders keep their row after destruction (status 'destroyed').
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('archive_jrwa_classes', (t) => {
    t.bigIncrements('id')
    // A string, so leading zeros survive (e.g. '0012'); each level adds one digit.
    t.string('symbol', 4).notNullable().unique()
    t.string('parent_symbol', 4)
    t.string('title', 300).notNullable()
    t.string('category', 5)
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['parent_symbol'])
  })
  await knex.raw(`ALTER TABLE archive_jrwa_classes ADD CONSTRAINT archive_jrwa_symbol_check
    CHECK (symbol ~ '^[0-9]{1,4}$')`)
  await knex.raw(`ALTER TABLE archive_jrwa_classes ADD CONSTRAINT archive_jrwa_category_check
    CHECK (category IS NULL OR category ~ '^(A|B[0-9]{1,3}|BE[0-9]{1,3}|Bc)$')`)

  await knex.schema.createTable('archive_transfer_lists', (t) => {
    t.bigIncrements('id')
    t.bigInteger('unit_id').notNullable().references('org_units.id')
    t.string('status', 12).notNullable().defaultTo('draft')
    t.integer('year')
    t.integer('number')
    t.text('remarks')
    t.decimal('linear_metres', 8, 3)
    t.bigInteger('created_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('submitted_at', { useTz: true })
    t.bigInteger('submitted_by').references('users.id')
    t.timestamp('returned_at', { useTz: true })
    t.timestamp('accepted_at', { useTz: true })
    t.bigInteger('accepted_by').references('users.id')
    t.unique(['year', 'number'])
    t.index(['unit_id', 'status'])
    t.index(['status', 'submitted_at'])
  })
  await knex.raw(`ALTER TABLE archive_transfer_lists ADD CONSTRAINT archive_transfer_lists_status_check
    CHECK (status IN ('draft','submitted','returned','accepted'))`)

  await knex.schema.createTable('archive_folders', (t) => {
    t.bigIncrements('id')
    t.bigInteger('unit_id').notNullable().references('org_units.id')
    t.string('jrwa_symbol', 4).notNullable()
    // Folder sign: unit symbol + JRWA symbol, as on the folder's spine (e.g. 'DPU.0123').
    t.string('sign', 40).notNullable()
    t.string('title', 500).notNullable()
    t.integer('year_from').notNullable()
    t.integer('year_to')
    t.string('category', 5).notNullable()
    t.integer('volumes').notNullable().defaultTo(1)
    t.text('notes')
    t.string('status', 12).notNullable().defaultTo('unit')
    t.bigInteger('transfer_list_id').references('archive_transfer_lists.id')
    t.string('room', 20)
    t.string('rack', 20)
    t.integer('shelf')
    t.string('box', 20)
    t.string('barcode', 20).unique()
    t.decimal('linear_metres', 8, 3)
    // Retention computed once by retentionOf() when the folder is taken in (or its category changes).
    t.date('disposable_from')
    t.date('state_archive_from')
    t.string('expert_decision', 10)
    t.string('expert_reference', 100)
    t.date('expert_decided_on')
    t.date('destroyed_on')
    t.string('disposal_protocol', 100)
    t.bigInteger('created_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['unit_id', 'id'])
    t.index(['transfer_list_id'])
    t.index(['room', 'rack', 'shelf'])
    t.index(['jrwa_symbol', 'id'])
  })
  await knex.raw(`ALTER TABLE archive_folders ADD CONSTRAINT archive_folders_status_check
    CHECK (status IN ('unit','held','destroyed','state_archive'))`)
  await knex.raw(`ALTER TABLE archive_folders ADD CONSTRAINT archive_folders_category_check
    CHECK (category ~ '^(A|B[0-9]{1,3}|BE[0-9]{1,3}|Bc)$')`)
  await knex.raw(`ALTER TABLE archive_folders ADD CONSTRAINT archive_folders_years_check
    CHECK (year_to IS NULL OR year_to >= year_from)`)
  await knex.raw(`ALTER TABLE archive_folders ADD CONSTRAINT archive_folders_expert_check
    CHECK (expert_decision IS NULL OR expert_decision IN ('destroy','keep'))`)
  // Search over holdings (PERFORMANCE.md §2): 'simple' FTS over unaccented lower-case titles, GIN,
  // probed newest first. Hyphens and slashes split words, so '2015-2018' yields the terms 2015 and 2018.
  await knex.raw(`ALTER TABLE archive_folders
    ADD COLUMN title_norm text GENERATED ALWAYS AS (f_unaccent(lower(title))) STORED,
    ADD COLUMN tsv tsvector GENERATED ALWAYS AS
      (to_tsvector('simple'::regconfig, translate(f_unaccent(lower(title)), '-/.,', '    '))) STORED`)
  await knex.raw('CREATE INDEX archive_folders_tsv ON archive_folders USING gin (tsv)')
  await knex.raw(
    `CREATE INDEX archive_folders_disposable ON archive_folders (disposable_from) WHERE status = 'held'`,
  )
  await knex.raw(
    `CREATE INDEX archive_folders_unit_due ON archive_folders (unit_id, year_to) WHERE status = 'unit'`,
  )

  await knex.schema.createTable('archive_queries', (t) => {
    t.bigIncrements('id')
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.string('requester_kind', 10).notNullable()
    t.bigInteger('requester_unit_id').references('org_units.id')
    t.string('requester_name', 200)
    t.string('subject', 1000).notNullable()
    t.date('received_on').notNullable()
    t.date('due_on').notNullable()
    t.bigInteger('assignee_id').references('users.id')
    t.string('status', 10).notNullable().defaultTo('open')
    t.string('outcome', 10)
    t.text('answer_note')
    // Reference to an outgoing correspondence item (registry module); no FK so the modules stay apart.
    t.bigInteger('outgoing_item_id')
    t.date('answered_on')
    t.bigInteger('created_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['year', 'number'])
    t.index(['status', 'due_on'])
  })
  await knex.raw(`ALTER TABLE archive_queries ADD CONSTRAINT archive_queries_check CHECK (
    requester_kind IN ('unit','person','authority') AND status IN ('open','answered')
    AND (outcome IS NULL OR outcome IN ('found','partly','nothing')))`)

  await knex.schema.createTable('archive_query_folders', (t) => {
    t.bigInteger('query_id').notNullable().references('archive_queries.id')
    t.bigInteger('folder_id').notNullable().references('archive_folders.id')
    t.bigInteger('added_by').references('users.id')
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.primary(['query_id', 'folder_id'])
    t.index(['folder_id'])
  })

  await knex.schema.createTable('archive_borrowers', (t) => {
    t.bigIncrements('id')
    t.string('full_name', 200).notNullable()
    t.bigInteger('unit_id').notNullable().references('org_units.id')
    t.string('position', 200)
    t.string('authorised_by', 200).notNullable()
    t.date('authorised_on').notNullable()
    t.date('valid_until')
    t.timestamp('revoked_at', { useTz: true })
    t.bigInteger('revoked_by').references('users.id')
    t.bigInteger('created_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })

  await knex.schema.createTable('archive_loans', (t) => {
    t.bigIncrements('id')
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.bigInteger('folder_id').notNullable().references('archive_folders.id')
    t.bigInteger('borrower_id').notNullable().references('archive_borrowers.id')
    t.string('kind', 12).notNullable()
    t.bigInteger('query_id').references('archive_queries.id')
    t.string('purpose', 500)
    t.date('lent_on').notNullable()
    t.date('due_on').notNullable()
    t.date('returned_on')
    t.bigInteger('lent_by').references('users.id')
    t.bigInteger('received_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['year', 'number'])
    t.index(['borrower_id'])
  })
  await knex.raw(`ALTER TABLE archive_loans ADD CONSTRAINT archive_loans_kind_check
    CHECK (kind IN ('loan','reading_room'))`)
  // A folder is with one borrower at a time.
  await knex.raw(
    'CREATE UNIQUE INDEX archive_loans_one_open ON archive_loans (folder_id) WHERE returned_on IS NULL',
  )

  await knex.schema.createTable('archive_holds', (t) => {
    t.bigIncrements('id')
    t.bigInteger('folder_id').notNullable().references('archive_folders.id')
    t.string('reason', 500).notNullable()
    t.bigInteger('placed_by').references('users.id')
    t.timestamp('placed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('lifted_by').references('users.id')
    t.timestamp('lifted_at', { useTz: true })
    t.index(['folder_id'])
  })

  await knex.schema.createTable('archive_stocktakes', (t) => {
    t.bigIncrements('id')
    t.string('room', 20).notNullable()
    t.string('rack', 20).notNullable()
    t.integer('shelf_from').notNullable()
    t.integer('shelf_to').notNullable()
    t.jsonb('scanned').notNullable()
    t.jsonb('result').notNullable()
    t.integer('missing_count').notNullable()
    t.integer('misplaced_count').notNullable()
    t.integer('unexpected_count').notNullable()
    t.bigInteger('created_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })

  await knex.schema.createTable('archive_disposal_lists', (t) => {
    t.bigIncrements('id')
    t.integer('year').notNullable()
    t.integer('number').notNullable()
    t.string('status', 12).notNullable().defaultTo('draft')
    t.string('consent_reference', 100)
    t.date('consent_on')
    t.string('protocol_reference', 100)
    t.date('destroyed_on')
    t.bigInteger('created_by').references('users.id')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.unique(['year', 'number'])
  })
  await knex.raw(`ALTER TABLE archive_disposal_lists ADD CONSTRAINT archive_disposal_lists_status_check
    CHECK (status IN ('draft','consented','completed'))`)

  await knex.schema.createTable('archive_disposal_items', (t) => {
    t.bigInteger('disposal_list_id').notNullable().references('archive_disposal_lists.id')
    t.bigInteger('folder_id').notNullable().references('archive_folders.id')
    t.primary(['disposal_list_id', 'folder_id'])
    t.index(['folder_id'])
  })
}
