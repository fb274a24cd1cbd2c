import type { ScaleContext, ScaleModule } from './context.js'
import { lookAlike, newIdentity, renderName, schemeCount, withTypo, type Identity } from './names.js'
import { Rng } from './random.js'

/**
 * The benchmark's ground truth for the name search, kept beside the module's tables (not a
 * migration: only scale data has it). Every generated foreigner row belongs to an identity; a
 * look-alike decoy row has its own identity and names the identity it imitates. `canonical` is the
 * name in its source script: two different people can carry the same name (a name search cannot
 * tell them apart), so recall counts a spelling as found when a row with that spelling of that name is.
 */
export const truthTable = 'scale_name_truth'

const birthPlaces: Record<string, string[]> = {
  uk: ['Kyiv', 'Lviv', 'Kharkiv', 'Odesa', 'Dnipro', 'Zaporizhzhia', 'Vinnytsia', 'Poltava'],
  ru: ['Moskva', 'Sankt-Peterburg', 'Minsk', 'Hrodna', 'Almaty', 'Novosibirsk', 'Kazan'],
  ar: ['Damascus', 'Aleppo', 'Baghdad', 'Mosul', 'Cairo', 'Alexandria', 'Casablanca', 'Algiers', 'Amman'],
  ka: ['Tbilisi', 'Kutaisi', 'Batumi', 'Rustavi', 'Gori', 'Zugdidi'],
  tr: ['İstanbul', 'Ankara', 'İzmir', 'Bursa', 'Gaziantep', 'Diyarbakır', 'Van'],
  vi: ['Hà Nội', 'Hải Phòng', 'Đà Nẵng', 'Huế', 'Nam Định', 'Thái Bình'],
}

const caseUnits = ['DPU', 'DL', 'DPU', 'DL', 'DO']
const start2019 = Date.UTC(2019, 0, 2)
const span = Date.UTC(2026, 10, 20) - start2019

function copiesOf(rng: Rng): number {
  const r = rng.next()
  return r < 0.55 ? 1 : r < 0.8 ? 2 : r < 0.92 ? 3 : r < 0.97 ? 4 : 5
}

export const foreignersScale: ScaleModule = {
  name: 'foreigners',
  requires: [
    'foreigners',
    'foreigner_citizenships',
    'foreigner_name_deletions',
    'foreigner_name_words',
    'countries',
  ],
  async run(ctx: ScaleContext) {
    const { knex } = ctx
    const total = ctx.sizes.foreigners
    const rng = new Rng(ctx.seed + 1)
    const firstId = await ctx.nextId('foreigners')
    await knex.raw(`CREATE TABLE IF NOT EXISTS ${truthTable} (
      foreigner_id bigint PRIMARY KEY, identity_id bigint NOT NULL, decoy_of bigint, canonical text NOT NULL)`)

    // The name-deletions dictionary is kept by a row trigger; for a bulk load it is switched off and
    // the dictionary built once from the distinct surname keys afterwards (same content, one pass).
    await knex.raw('ALTER TABLE foreigners DISABLE TRIGGER foreigners_name_deletions')
    await knex.raw('ALTER TABLE foreigners DISABLE TRIGGER foreigners_name_words')

    const truth: Array<[number, number, number | null, string]> = []
    const citizenship: Array<[number, string]> = []
    function* rows(): Generator<unknown[]> {
      let id = firstId
      let identityId = 0
      const end = firstId + total
      const emit = (
        who: Identity,
        spelling: ReturnType<typeof renderName>,
        identity: number,
        decoyOf: number | null,
      ) => {
        const created = new Date(start2019 + rng.next() * span)
        const r = rng.next()
        const birth = who.birthDate.split('-').map(Number) as [number, number, number]
        const withOriginal = spelling.originalScript && rng.chance(0.5)
        const [surnameOriginal, ...givenOriginal] = withOriginal
          ? spelling.originalScript!.split(' ')
          : [null]
        truth.push([id, identity, decoyOf, `${who.origin}:${who.surname}|${who.given}`])
        citizenship.push([id, who.citizenship])
        const row = [
          id,
          spelling.surname,
          spelling.givenNames,
          surnameOriginal,
          withOriginal ? givenOriginal.join(' ') : null,
          who.sex,
          birth[0],
          r < 0.03 ? null : birth[1],
          r < 0.06 ? null : birth[2],
          rng.chance(0.6) ? rng.pick(birthPlaces[who.origin]!) : null,
          `${rng.pick(caseUnits)}.${rng.between(4200, 4299)}.${rng.between(1, 99999)}.${created.getUTCFullYear()}`,
          created.getTime() < Date.UTC(2024, 0, 1) && rng.chance(0.4) ? 'ended' : 'open',
          created,
          rng.pick(ctx.staffIds),
          created,
        ]
        id += 1
        return row
      }
      while (id < end) {
        identityId += 1
        const who = newIdentity(rng)
        const copies = Math.min(copiesOf(rng), end - id)
        const schemes = [...Array(schemeCount[who.origin]).keys()].sort(() => rng.next() - 0.5)
        for (let c = 0; c < copies; c += 1) {
          let spelling = renderName(who, schemes[c % schemes.length]!)
          if (c >= schemes.length || (c > 0 && rng.chance(0.1))) spelling = withTypo(spelling, rng)
          yield emit(who, spelling, identityId, null)
        }
        if (copies > 1 && id < end && rng.chance(0.08)) {
          const decoy = lookAlike(who, rng)
          const imitated = identityId
          identityId += 1
          yield emit(decoy, renderName(decoy, rng.int(schemeCount[decoy.origin])), identityId, imitated)
        }
      }
    }
    await ctx.load(
      'foreigners',
      [
        'id',
        'surname',
        'given_names',
        'surname_original',
        'given_names_original',
        'sex',
        'birth_year',
        'birth_month',
        'birth_day',
        'birth_place',
        'case_number',
        'case_status',
        'created_at',
        'created_by',
        'updated_at',
      ],
      rows(),
      total,
    )
    await knex.raw('ALTER TABLE foreigners ENABLE TRIGGER foreigners_name_deletions')
    await knex.raw('ALTER TABLE foreigners ENABLE TRIGGER foreigners_name_words')

    await ctx.load(
      'foreigner_citizenships',
      ['foreigner_id', 'country_code'],
      citizenship,
      citizenship.length,
    )
    citizenship.length = 0
    await ctx.load(truthTable, ['foreigner_id', 'identity_id', 'decoy_of', 'canonical'], truth, truth.length)
    truth.length = 0
    await knex.raw(`CREATE INDEX IF NOT EXISTS ${truthTable}_identity ON ${truthTable} (identity_id)`)

    const started = performance.now()
    // Same content as the module's rebuild_foreigner_name_deletions(), built without the primary key
    // index first (one sort instead of millions of lookups), then the key added.
    const pk = await knex.raw(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'foreigner_name_deletions'::regclass AND contype = 'p'`,
    )
    const pkRow = pk.rows[0] as { conname: string; def: string } | undefined
    if (pkRow) await knex.raw(`ALTER TABLE foreigner_name_deletions DROP CONSTRAINT ??`, [pkRow.conname])
    // The key functions are CPU work in PostgreSQL: each half of the keys (by hash, so the halves
    // share no key) on its own connection, one per core.
    const halves = [0, 1]
    await Promise.all(
      halves.map((half) =>
        knex.raw(
          `INSERT INTO foreigner_name_deletions (variant, surname_key)
           SELECT DISTINCT v, s.k FROM (SELECT DISTINCT surname_key AS k FROM foreigners) s,
             LATERAL name_key_deletions(s.k) AS v
            WHERE hashtext(s.k) & 1 = ?
           EXCEPT SELECT variant, surname_key FROM foreigner_name_deletions`,
          [half],
        ),
      ),
    )
    if (pkRow)
      await knex.raw(`ALTER TABLE foreigner_name_deletions ADD CONSTRAINT ?? ${pkRow.def}`, [pkRow.conname])
    // Same content as the module's rebuild_foreigner_name_words(), in two halves of the words.
    await Promise.all(
      halves.map((half) =>
        knex.raw(
          `INSERT INTO foreigner_name_words (variant, part, word, edits)
           SELECT e.variant, s.part, s.w, e.edits FROM (
             SELECT DISTINCT 's' AS part, split_part(pair_key, ' ', 1) AS w FROM foreigners
             UNION
             SELECT DISTINCT 'g', split_part(pair_key, ' ', 2) FROM foreigners) s,
             LATERAL name_skeleton_entries(s.w) AS e
            WHERE s.w <> '' AND hashtext(s.w) & 1 = ?
           ON CONFLICT DO NOTHING`,
          [half],
        ),
      ),
    )
    const n = await knex('foreigner_name_deletions').count<{ n: string }[]>('* as n')
    const seconds = (performance.now() - started) / 1000
    ctx.stats.push({ table: 'foreigner_name_deletions', rows: Number(n[0]?.n), seconds, indexSeconds: 0 })
    ctx.log(
      `${'foreigner_name_deletions'.padEnd(28)} ${Number(n[0]?.n).toLocaleString('en').padStart(11)} rows  ` +
        `${seconds.toFixed(1).padStart(6)} s  (and foreigner_name_words; built from distinct keys, the row triggers were off during COPY)`,
    )
  },
}
