import type { Knex } from 'knex'

/** What splits the folded text into words: whitespace and ASCII punctuation (f_unaccent folds „ ” – …). */
const separators = '[\\s\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e]+'

/**
 * Substring search over the registry's folded text without trigrams. The trigram index answers
 * `LIKE '%word%'` by intersecting the posting lists of common trigrams (`owa`, `nia`…): 20–45 ms for a
 * rare pair of words at 1 M items, however few the hits.
 *
 * Here each word of `search_norm` (split at whitespace and punctuation) gives two kinds of lexeme to an
 * expression GIN index: its prefixes of 3 or more characters (`wni`, `wnio`, … `wniosek`) and, marked
 * with `~` (a separator, so never part of a word), its proper suffixes of 3 or more (`~iosek`, `~osek`,
 * `~sek`). A searched word of 3+ characters occurs in a word of the text exactly when it is one of its
 * prefixes (an exact lexeme) or begins one of its proper suffixes (`~word:*`). Exact lexemes let GIN
 * skip through the long posting lists of common words; the `~` prefix scans are short because a word
 * seldom occurs inside another (`djamila` for `jamila`, `sprawie` for `praw`).
 *
 * `registry_search_terms` is costly per row (≈ 30 µs). As a SQL function that cannot be inlined it has
 * the default COST 100, so the planner evaluates the cheap substring checks that come with it in the
 * query first, and a newest-first scan calls it only on rows that contain every word. That cost also
 * made the planner start parallel workers for scans that stop after a few hundred rows (80 ms instead
 * of 2 on two busy cores): PARALLEL RESTRICTED keeps search plans serial.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION registry_search_terms(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL RESTRICTED STRICT
    AS $$ SELECT array_to_tsvector(
        array_agg(left(w, n)) FILTER (WHERE n >= 3)
        || array_agg('~' || right(w, -n)) FILTER (WHERE length(w) - n >= 3))
      FROM regexp_split_to_table($1, '${separators}') AS w, generate_series(1, length(w)) AS n $$`)
  // The words of a search, folded like search_norm, as an AND over its words of 3+ characters (shorter
  // ones are left to the substring checks); NULL when there is none. A word has no ASCII punctuation
  // after the split, so quoting it as a lexeme needs no escaping.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION registry_search_query(text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT string_agg(DISTINCT format('(''%s'' | ''~%s'':*)', w, w), ' & ')::tsquery
      FROM regexp_split_to_table(lower(public.f_unaccent($1)), '${separators}') AS w
      WHERE length(w) >= 3 $$`)
  await knex.raw(`CREATE INDEX incoming_items_search_terms ON incoming_items
    USING gin (registry_search_terms(search_norm))`)
  // The registry searched search_norm with LIKE through this index; nothing else does.
  await knex.raw('DROP INDEX incoming_items_search_trgm')
  // The planner weighs a newest-first scan against the index by the words' frequencies, which ANALYZE
  // collects for the index expression; autovacuum analyses after enough changed rows, not after a new
  // index. The default statistics target keeps that sample (and each later analyse) to a few seconds
  // per 1 M items.
  await knex.raw('ANALYZE incoming_items')
}
