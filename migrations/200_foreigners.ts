import type { Knex } from 'knex'
import { iso3166Countries2026 } from './reference/countries.js'
import { icaoSpecialCodes2026 } from './reference/icao-codes.js'

/**
 * The shared foreigner record, the country list, and the transliteration-tolerant name search
 * (PERFORMANCE.md §1, design (e) + trigram fallback): a normalised key per name, a dictionary of
 * surname keys with their 1-character deletions (SymSpell), a covering btree and a GIN trigram index.
 */
export async function up(knex: Knex): Promise<void> {
  // Countries are versioned data: a later list closes rows (valid_to) and adds new ones in a new migration.
  await knex.schema.createTable('countries', (t) => {
    t.string('code', 3).primary()
    t.string('name_pl', 120).notNullable()
    t.string('name_en', 120).notNullable()
    t.string('kind', 15).notNullable()
    t.string('list_version', 20).notNullable()
    t.date('valid_from').notNullable()
    t.date('valid_to')
  })
  await knex.raw(
    `ALTER TABLE countries ADD CONSTRAINT countries_kind_check CHECK (kind IN ('state','special','organisation'))`,
  )
  await knex('countries').insert([
    ...iso3166Countries2026.map(([code, namePl, nameEn]) => ({
      code,
      name_pl: namePl,
      name_en: nameEn,
      kind: 'state',
      list_version: 'ISO3166-2026-11',
      valid_from: '2026-01-01',
    })),
    ...icaoSpecialCodes2026.map(([code, namePl, nameEn, kind]) => ({
      code,
      name_pl: namePl,
      name_en: nameEn,
      kind,
      list_version: 'ICAO9303-2026-11',
      valid_from: '2026-01-01',
    })),
  ])

  // name_key: one spelling for the romanisations of a name (Szewczenko, Ševčenko, Schewtschenko →
  // shevchenko). IMMUTABLE, so it can back STORED generated columns. Mirrored in name-key.ts for tests.
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_key(input text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
    DECLARE s text := lower(input);
    BEGIN
      s := replace(replace(replace(replace(s, 'š', 'sh'), 'č', 'ch'), 'ž', 'zh'), 'ż', 'zh');
      s := replace(replace(replace(replace(s, 'ş', 'sh'), 'ç', 'ch'), 'ğ', ''), 'ı', 'i');
      s := f_unaccent(s);
      s := regexp_replace(s, '[^a-z]+', ' ', 'g');
      s := replace(replace(replace(s, 'tsch', 'ch'), 'tch', 'ch'), 'sch', 'sh');
      s := replace(replace(replace(s, 'sz', 'sh'), 'cz', 'ch'), 'kh', 'h');
      s := replace(replace(replace(s, 'w', 'v'), 'j', 'y'), 'ou', 'u');
      s := replace(replace(replace(s, 'ph', 'f'), 'q', 'k'), 'x', 'ks');
      s := regexp_replace(s, '([a-z])\\1+', '\\1', 'g');
      s := regexp_replace(s, '\\mm[ou]ham[ae]d\\M', 'muhamad', 'g');
      s := regexp_replace(s, '\\m(al|el) ', '', 'g');
      RETURN btrim(regexp_replace(s, ' +', ' ', 'g'));
    END $$`)

  // Each word of a key and, for words of 4+ letters, every spelling with one letter left out: two
  // spellings one edit apart share at least one of these (SymSpell).
  await knex.raw(`
    CREATE OR REPLACE FUNCTION name_key_deletions(key text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
      SELECT DISTINCT d.v
      FROM unnest(string_to_array(key, ' ')) AS tok(t)
      CROSS JOIN LATERAL (
        SELECT tok.t AS v
        UNION ALL
        SELECT substr(tok.t, 1, i - 1) || substr(tok.t, i + 1)
        FROM generate_series(1, length(tok.t)) AS g(i)
        WHERE length(tok.t) >= 4
      ) AS d
      WHERE length(tok.t) >= 2
    $$`)

  await knex.schema.createTable('foreigners', (t) => {
    t.bigIncrements('id')
    t.string('surname', 200).notNullable()
    t.string('given_names', 200).notNullable().defaultTo('')
    t.string('surname_original', 200)
    t.string('given_names_original', 200)
    t.string('sex', 1)
    t.smallint('birth_year')
    t.smallint('birth_month')
    t.smallint('birth_day')
    t.string('birth_place', 200)
    t.string('case_number', 50)
    t.string('pesel', 11)
    t.string('case_status', 10).notNullable().defaultTo('open')
    t.date('case_ended_on')
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.bigInteger('created_by').references('users.id')
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw(`
    ALTER TABLE foreigners
      ADD COLUMN name_key text GENERATED ALWAYS AS (name_key(surname || ' ' || given_names)) STORED,
      ADD COLUMN surname_key text GENERATED ALWAYS AS (name_key(surname)) STORED,
      ADD CONSTRAINT foreigners_sex_check CHECK (sex IN ('F','M','X')),
      ADD CONSTRAINT foreigners_case_status_check CHECK (case_status IN ('open','ended')),
      ADD CONSTRAINT foreigners_birth_check CHECK (
        (birth_month IS NULL OR birth_month BETWEEN 1 AND 12)
        AND (birth_day IS NULL OR (birth_month IS NOT NULL AND birth_day BETWEEN 1 AND 31))
        AND (birth_month IS NULL OR birth_year IS NOT NULL)),
      ADD CONSTRAINT foreigners_pesel_check CHECK (pesel ~ '^[0-9]{11}$')`)
  await knex.raw(
    'CREATE INDEX foreigners_surname_key_cover ON foreigners (surname_key) INCLUDE (name_key, id)',
  )
  await knex.raw('CREATE INDEX foreigners_name_key_trgm ON foreigners USING gin (name_key gin_trgm_ops)')
  await knex.raw('CREATE INDEX foreigners_birth ON foreigners (birth_year, birth_month, birth_day)')
  await knex.raw('CREATE UNIQUE INDEX foreigners_pesel ON foreigners (pesel) WHERE pesel IS NOT NULL')
  await knex.raw("CREATE INDEX foreigners_case_ended ON foreigners (case_status) WHERE case_status = 'ended'")

  await knex.schema.createTable('foreigner_citizenships', (t) => {
    t.bigInteger('foreigner_id').notNullable().references('foreigners.id')
    t.string('country_code', 3).notNullable().references('countries.code')
    t.primary(['foreigner_id', 'country_code'])
  })

  // The dictionary of surname keys by deletion variant. Kept in step by trigger; rows of a surname no
  // longer used are harmless (the join finds nobody). After a bulk load without triggers, call
  // rebuild_foreigner_name_deletions().
  await knex.schema.createTable('foreigner_name_deletions', (t) => {
    t.text('variant').notNullable()
    t.text('surname_key').notNullable()
    t.primary(['variant', 'surname_key'])
  })
  await knex.raw(`
    CREATE OR REPLACE FUNCTION foreigners_name_deletions_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.surname_key IS NOT DISTINCT FROM OLD.surname_key THEN
        RETURN NULL;
      END IF;
      INSERT INTO foreigner_name_deletions (variant, surname_key)
        SELECT v, NEW.surname_key FROM name_key_deletions(NEW.surname_key) AS v
        ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$`)
  await knex.raw(`CREATE TRIGGER foreigners_name_deletions AFTER INSERT OR UPDATE ON foreigners
    FOR EACH ROW EXECUTE FUNCTION foreigners_name_deletions_sync()`)
  await knex.raw(`
    CREATE OR REPLACE FUNCTION rebuild_foreigner_name_deletions() RETURNS bigint LANGUAGE sql AS $$
      INSERT INTO foreigner_name_deletions (variant, surname_key)
        SELECT DISTINCT v, k FROM (SELECT DISTINCT surname_key AS k FROM foreigners) s,
          LATERAL name_key_deletions(s.k) AS v
        ON CONFLICT DO NOTHING;
      SELECT count(*) FROM foreigner_name_deletions;
    $$`)
}
