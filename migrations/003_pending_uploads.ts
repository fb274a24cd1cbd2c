import type { Knex } from 'knex'

/**
 * Files chosen in a form that was posted but not saved (an MRZ read, a validation error): kept in the
 * file store under a row here, so the re-rendered form can carry an opaque token instead of asking for
 * the file again. Tied to the user and the session (hashed); expire after a while and are swept. The
 * saving transaction deletes the row and writes the record's own file row, so the file is never
 * without a row (the integrity check lists this table).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pending_uploads', (t) => {
    t.uuid('token').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.bigInteger('user_id').notNullable().references('users.id')
    t.string('session_hash', 64).notNullable()
    t.string('purpose', 50).notNullable()
    t.uuid('file_id').notNullable().unique()
    t.string('sha256', 64).notNullable()
    t.bigInteger('size').notNullable()
    t.string('mime', 100).notNullable()
    t.string('original_name', 255).notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.index(['expires_at'])
  })
}
