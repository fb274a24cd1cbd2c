import type { Knex } from 'knex'

/**
 * Name search, Arabic spellings (issue 4): the letter j is read three ways. In an Arabic name it is
 * ج, written j (EN), dj (FR), dsch (DE) or g (Egyptian); in a Slavic one it is й (Jurij, Yuriy).
 * The skeleton of migration 202 reads every j as a vowel, so Jufayth and Dschufeith, or Khadija and
 * Khadidja, were two edits apart and ranked low. The pair key now keeps j as its own class and the
 * dictionary holds each word's readings (j as a vowel, as `x`, as `k`; an attached article cut from
 * Alajmal) with `edits` = 0 beside the 1-deletions (`edits` = 1), so these meet on the same entry and
 * the search can tell an exact reading from a typo.
 * The ranking skeleton `name_skel` is unchanged (j read as a vowel, as before).
 *
 * Recomputing `pair_key` at 2 M rows: the generated column is dropped and added again (one table
 * rewrite, which also rebuilds the table's other indexes), its covering index is built again, now
 * with `birth_year` for the duplicate check, and the word dictionary is refilled without its key and
 * keyed again. The rewritten table has no visibility map, so the ranking's index-only scans would
 * visit the heap (110 ms instead of 8 for Nguyen Van Thang) until a VACUUM: the migration runs one
 * after its transaction (hence `transaction: false`; every step can run again should the VACUUM
 * fail). Measured on the bench server at 2 M people, 98 s in all: rewrite 71 s, pair index 2 s,
 * dictionary 21 s (3.9 M entries) and its key 3 s, VACUUM (ANALYZE) 1 s.
 */
export const config = { transaction: false }

export async function up(knex: Knex): Promise<void> {
  await knex.transaction((trx) => redefine(trx))
  await knex.raw('VACUUM (ANALYZE) foreigners')
  await knex.raw('VACUUM (ANALYZE) foreigner_name_words')
}

async function redefine(knex: Knex.Transaction): Promise<void> {
  // name_skeleton (migration 202) with one difference: a j that is not part of dj/dzh/dsch stays `j`.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_pair_skeleton(input text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
    DECLARE s text := lower(input);
    BEGIN
      s := replace(replace(replace(replace(s, 'š', 'sh'), 'č', 'ch'), 'ž', 'zh'), 'ż', 'zh');
      s := replace(replace(replace(replace(s, 'ş', 'sh'), 'ç', 'ch'), 'ğ', 'g'), 'ı', 'i');
      s := f_unaccent(s);
      s := regexp_replace(' ' || s || ' ', '[^a-z]+', ' ', 'g');
      s := btrim(regexp_replace(s, ' ((al|el) )+', ' ', 'g'));
      s := regexp_replace(s, 'schtsch|shtch|chtch|szcz|shch|tsch|dsch|dzh|sch|tch|dj|sz|cz|sh|zh|ch|kh|gh|h', 'X', 'g');
      s := translate(replace(replace(replace(s, 'ts', 'S'), 'tz', 'S'), 'dz', 'S'), 'csz', 'SSS');
      s := replace(s, 'x', 'KS');
      s := translate(replace(s, 'ck', 'K'), 'fkqgvwj', 'FKKKVVJ');
      s := regexp_replace(s, '[aeiouy]+', 'a', 'g');
      s := regexp_replace(s, '(.)\\1+', '\\1', 'g');
      s := regexp_replace(s, '(^| )al([^a ][^ ]{2,})', '\\1\\2', 'g');
      RETURN lower(s);
    END $$`)

  // The ways one pair-key word may be read: j as a vowel (й; the skeleton of migration 202), as `x`
  // (ج as j, dj, dsch) and as `k` (Egyptian g); and an Arabic article written together with a name
  // that begins with a vowel cut off (Alajmal → ajmal; the skeleton keeps it, Alam is a name too).
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_skeleton_readings(word text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT DISTINCT c.r
      FROM (
        SELECT word AS r WHERE strpos(word, 'j') = 0
        UNION ALL
        SELECT regexp_replace(replace(word, 'j', 'a'), 'a+', 'a', 'g') WHERE strpos(word, 'j') > 0
        UNION ALL
        SELECT regexp_replace(replace(word, 'j', l), '(.)\\1+', '\\1', 'g')
          FROM unnest(ARRAY['x', 'k']) AS l WHERE strpos(word, 'j') > 0
      ) AS j
      CROSS JOIN LATERAL (
        SELECT j.r
        UNION ALL
        SELECT substr(j.r, 3) WHERE j.r ~ '^ala[^ ]{3,}$'
      ) AS c
    $$`)

  // The dictionary entries of a word: each reading, with hushing sounds read as hissing ones (Turkish
  // ş typed as s), at 0 edits, and for forms of 4+ classes their 1-deletions (SymSpell) at 1 edit. A
  // search adds its own side (a reading of the typed word or a deletion of it) to tell an exact
  // reading (0) from a letter left out (1) or changed (2).
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_skeleton_entries(word text) RETURNS TABLE (variant text, edits smallint)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT d.v, min(d.e)::smallint
      FROM (SELECT r AS f FROM name_skeleton_readings(word) AS r
            UNION SELECT replace(r, 'x', 's') FROM name_skeleton_readings(word) AS r) AS forms
      CROSS JOIN LATERAL (
        SELECT forms.f AS v, 0 AS e
        UNION ALL
        SELECT substr(forms.f, 1, i - 1) || substr(forms.f, i + 1), 1
        FROM generate_series(1, length(forms.f)) AS g(i)
        WHERE length(forms.f) >= 4
      ) AS d
      WHERE length(forms.f) >= 2
      GROUP BY d.v
    $$`)
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_skeleton_variants(word text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT variant FROM name_skeleton_entries(word)
    $$`)

  // The first surname word that is not an article: a slip that doubles a letter ("Ell Wakiz") leaves
  // the word in the skeleton as "al".
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_pair_key(surname text, given_names text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT split_part(regexp_replace(name_pair_skeleton(surname), '^al ', ''), ' ', 1) || ' '
             || split_part(name_pair_skeleton(given_names), ' ', 1)
    $$`)
  for (const fn of ['name_pair_skeleton(text)', 'name_pair_key(text, text)'])
    await knex.raw(`ALTER FUNCTION ${fn} SET search_path FROM CURRENT`)

  await knex.raw('DROP INDEX IF EXISTS foreigners_pair_cover')
  await knex.raw('ALTER TABLE foreigners DROP COLUMN pair_key')
  await knex.raw(`ALTER TABLE foreigners
    ADD COLUMN pair_key text GENERATED ALWAYS AS (name_pair_key(surname, given_names)) STORED`)
  // birth_year too: the duplicate check narrows by it without visiting the table.
  await knex.raw(`CREATE INDEX foreigners_pair_cover ON foreigners (pair_key)
    INCLUDE (surname, given_names, name_skel, name_key, birth_year, id)`)

  // Emptied, filled without its key (one pass, each (variant, part, word) once) and keyed again,
  // with `edits` in the key's index so the search reads the index only.
  await knex.raw('TRUNCATE foreigner_name_words')
  await knex.raw('ALTER TABLE foreigner_name_words DROP CONSTRAINT IF EXISTS foreigner_name_words_pkey')
  await knex.raw(
    'ALTER TABLE foreigner_name_words ADD COLUMN IF NOT EXISTS edits smallint NOT NULL DEFAULT 0',
  )
  await knex.raw(`
    CREATE OR REPLACE FUNCTION foreigners_name_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.pair_key IS NOT DISTINCT FROM OLD.pair_key THEN
        RETURN NULL;
      END IF;
      INSERT INTO foreigner_name_words (variant, part, word, edits)
        SELECT DISTINCT e.variant, t.part, t.w, e.edits
          FROM (VALUES ('s', split_part(NEW.pair_key, ' ', 1)), ('g', split_part(NEW.pair_key, ' ', 2))) AS t(part, w),
          LATERAL name_skeleton_entries(t.w) AS e
         WHERE t.w <> ''
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`)
  await knex.raw(`
    CREATE OR REPLACE FUNCTION rebuild_foreigner_name_words() RETURNS bigint LANGUAGE sql AS $$
      INSERT INTO foreigner_name_words (variant, part, word, edits)
        SELECT e.variant, s.part, s.w, e.edits FROM (
          SELECT DISTINCT 's' AS part, split_part(pair_key, ' ', 1) AS w FROM foreigners
          UNION
          SELECT DISTINCT 'g', split_part(pair_key, ' ', 2) FROM foreigners) s,
          LATERAL name_skeleton_entries(s.w) AS e
         WHERE s.w <> ''
        ON CONFLICT DO NOTHING;
      SELECT count(*) FROM foreigner_name_words;
    $$`)
  await knex.raw('SELECT rebuild_foreigner_name_words()')
  await knex.raw('ALTER TABLE foreigner_name_words ADD PRIMARY KEY (variant, part, word) INCLUDE (edits)')
}
