import type { Knex } from 'knex'

/**
 * The holdings search lists matches newest first. The title index (`tsv`, GIN) finds the matches of a
 * word but not the newest ones: for a word common among old folders only (a year, a unit's old name)
 * it hands over tens of thousands of rows to fetch and sort. This index keys each title word by the
 * block of 65,536 folder ids it falls in (`word:block`), so the search can ask block by block, newest
 * block first, and fetch only the rows of the blocks it needs (`archive_query_keys` builds the same
 * keys from what the archivist typed, with the normalisation of the `tsv` column).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION archive_title_keys(tsv tsvector, id bigint) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT array_agg(word || ':' || (id >> 16)) FROM unnest(tsvector_to_array(tsv)) AS word
    $$`)
  await knex.raw(`
    CREATE FUNCTION archive_query_keys(q text, block bigint) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT array_agg(word || ':' || block)
        FROM unnest(tsvector_to_array(
          to_tsvector('simple'::regconfig, translate(f_unaccent(lower(q)), '-/.,', '    ')))) AS word
    $$`)
  await knex.raw(
    'CREATE INDEX archive_folders_title_keys ON archive_folders USING gin (archive_title_keys(tsv, id))',
  )
}
