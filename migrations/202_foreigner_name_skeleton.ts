import type { Knex } from 'knex'

/**
 * Name search, second generation (issue 4 recall, issue 6 speed): a sound-alike skeleton of each
 * name (twin in src/modules/foreigners/name-skeleton.ts), a pair key of the first surname word and
 * the first given name in skeleton form, and a dictionary of the skeleton words with their article-
 * less and 1-deletion forms. A search looks up the words it was given in the dictionary, pairs the
 * surname-like and given-name-like matches, and ranks only the people with such a pair: few rows,
 * all on one btree, whatever the romanisation. The surname-key dictionary of migration 200 stays as
 * the fallback for one-word searches and unusual names.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_skeleton(input text) RETURNS text
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
      s := translate(replace(s, 'ck', 'K'), 'fkqgvw', 'FKKKVV');
      s := regexp_replace(s, '[aeiouyj]+', 'a', 'g');
      s := regexp_replace(s, '(.)\\1+', '\\1', 'g');
      -- an Arabic article written together with the name: Alhashimee → Hashimee
      s := regexp_replace(s, '(^| )al([^a ][^ ]{2,})', '\\1\\2', 'g');
      RETURN lower(s);
    END $$`)

  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_skeleton_variants(word text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT DISTINCT d.v
      FROM (SELECT word AS f UNION SELECT replace(word, 'x', 's')) AS forms
      CROSS JOIN LATERAL (
        SELECT forms.f AS v
        UNION ALL
        SELECT substr(forms.f, 1, i - 1) || substr(forms.f, i + 1)
        FROM generate_series(1, length(forms.f)) AS g(i)
        WHERE length(forms.f) >= 4
      ) AS d
      WHERE length(forms.f) >= 2
    $$`)

  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_pair_key(surname text, given_names text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT split_part(name_skeleton(surname), ' ', 1) || ' ' || split_part(name_skeleton(given_names), ' ', 1)
    $$`)

  // Generated columns call these while pg_restore loads rows with an empty search_path: each function
  // keeps the schema it was created in, so the functions it calls are found during a restore too.
  for (const fn of ['name_key(text)', 'name_skeleton(text)', 'name_pair_key(text, text)'])
    await knex.raw(`ALTER FUNCTION ${fn} SET search_path FROM CURRENT`)

  await knex.raw(`
    ALTER TABLE foreigners
      ADD COLUMN name_skel text GENERATED ALWAYS AS (name_skeleton(surname || ' ' || given_names)) STORED,
      ADD COLUMN pair_key text GENERATED ALWAYS AS (name_pair_key(surname, given_names)) STORED`)
  // Covering, so ranking the people of the matched pairs reads the index only (no heap visits).
  await knex.raw(
    'CREATE INDEX foreigners_pair_cover ON foreigners (pair_key) INCLUDE (surname, given_names, name_skel, name_key, id)',
  )

  // part 's' = first surname word, 'g' = first given name: kept apart, so a query word finds the
  // handful of given names it may be rather than every surname one deletion away.
  await knex.schema.createTable('foreigner_name_words', (t) => {
    t.text('variant').notNullable()
    t.string('part', 1).notNullable()
    t.text('word').notNullable()
    t.primary(['variant', 'part', 'word'])
  })
  await knex.raw(`
    CREATE OR REPLACE FUNCTION foreigners_name_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.pair_key IS NOT DISTINCT FROM OLD.pair_key THEN
        RETURN NULL;
      END IF;
      INSERT INTO foreigner_name_words (variant, part, word)
        SELECT DISTINCT v, t.part, t.w
          FROM (VALUES ('s', split_part(NEW.pair_key, ' ', 1)), ('g', split_part(NEW.pair_key, ' ', 2))) AS t(part, w),
          LATERAL name_skeleton_variants(t.w) AS v
         WHERE t.w <> ''
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`)
  await knex.raw(`CREATE TRIGGER foreigners_name_words AFTER INSERT OR UPDATE ON foreigners
    FOR EACH ROW EXECUTE FUNCTION foreigners_name_words_sync()`)
  await knex.raw(`
    CREATE OR REPLACE FUNCTION rebuild_foreigner_name_words() RETURNS bigint LANGUAGE sql AS $$
      INSERT INTO foreigner_name_words (variant, part, word)
        SELECT DISTINCT v, s.part, s.w FROM (
          SELECT DISTINCT 's' AS part, split_part(pair_key, ' ', 1) AS w FROM foreigners
          UNION
          SELECT DISTINCT 'g', split_part(pair_key, ' ', 2) FROM foreigners) s,
          LATERAL name_skeleton_variants(s.w) AS v
         WHERE s.w <> ''
        ON CONFLICT DO NOTHING;
      SELECT count(*) FROM foreigner_name_words;
    $$`)
  await knex.raw('SELECT rebuild_foreigner_name_words()')
}
