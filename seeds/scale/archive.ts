import type { ScaleContext, ScaleModule } from './context.js'
import { Rng } from './random.js'

/**
 * The Office's archive: a JRWA file plan, accepted transfer lists from every unit, and folders with
 * Polish titles built from templates (as in PERFORMANCE.md §2), shelved with barcodes and their
 * retention dates computed by the module's rule (Bn: 1 January of closing year + 1 + n; A: to the
 * State Archive 25 years after).
 */
const jrwa: Array<[symbol: string, title: string, category: string]> = [
  ['0120', 'Regulaminy organizacyjne', 'A'],
  ['0130', 'Zarządzenia i decyzje Szefa Urzędu', 'A'],
  ['0150', 'Skargi i wnioski', 'A'],
  ['0170', 'Kontrole zewnętrzne', 'A'],
  ['0310', 'Sprawozdania z działalności', 'A'],
  ['1010', 'Akta osobowe pracowników', 'B50'],
  ['1120', 'Szkolenia pracowników', 'B10'],
  ['1410', 'Ewidencja czasu pracy', 'B10'],
  ['2200', 'Zamówienia publiczne', 'B5'],
  ['2310', 'Umowy i porozumienia', 'B10'],
  ['3010', 'Plany finansowe', 'A'],
  ['3120', 'Dokumentacja księgowa', 'B5'],
  ['4210', 'Ochrona międzynarodowa – postępowania', 'BE50'],
  ['4220', 'Legalizacja pobytu – postępowania odwoławcze', 'B25'],
  ['4230', 'Zobowiązania do powrotu', 'B25'],
  ['4240', 'Dokumenty podróży cudzoziemców', 'B10'],
  ['4310', 'Rejestry i ewidencje cudzoziemców', 'A'],
  ['4410', 'Korespondencja z organami administracji', 'B10'],
  ['4510', 'Pomoc socjalna dla cudzoziemców', 'B10'],
  ['5010', 'Informatyzacja', 'BE10'],
  ['5020', 'Bezpieczeństwo informacji', 'B5'],
  ['0000', 'Dokumentacja różna', 'Bc'],
]
const departments = [
  'Wydziału Kadr',
  'Wydziału Finansowego',
  'Departamentu Postępowań Uchodźczych',
  'Departamentu Legalizacji Pobytu',
  'Biura Obsługi Klienta',
  'Departamentu Pomocy Socjalnej',
  'Wydziału Archiwum',
  'Biura Prawnego',
  'Departamentu Informatyki',
]
const institutions = [
  'Komendą Główną Straży Granicznej',
  'Mazowieckim Urzędem Wojewódzkim',
  'Ministerstwem Spraw Wewnętrznych i Administracji',
  'Wojewódzkim Sądem Administracyjnym',
  'Rzecznikiem Praw Obywatelskich',
  'ambasadami i konsulatami',
  'Policją',
]
const topics = [
  'ochrony międzynarodowej',
  'pobytu czasowego',
  'pobytu stałego',
  'zobowiązania do powrotu',
  'dokumentów podróży',
  'pomocy socjalnej',
  'ośrodków dla cudzoziemców',
  'wiz krajowych',
  'obywatelstwa polskiego',
  'repatriacji',
]
const countries = [
  'Ukrainy',
  'Białorusi',
  'Rosji',
  'Gruzji',
  'Turcji',
  'Wietnamu',
  'Syrii',
  'Iraku',
  'Afganistanu',
  'Czeczenii',
]
const registers = [
  'dzienników podawczych',
  'pism przychodzących',
  'wydanych decyzji',
  'udostępnień akt',
  'depozytów',
]

function title(rng: Rng, sym: string, y1: number, y2: number): string {
  const years = y1 === y2 ? `${y1}` : `${y1}-${y2}`
  switch (sym) {
    case '1010':
      return `Akta osobowe pracowników ${rng.pick(departments)} ${years}`
    case '0130':
      return `Zarządzenia Szefa Urzędu do Spraw Cudzoziemców ${years}`
    case '0150':
      return `Skargi i wnioski dotyczące ${rng.pick(topics)} ${years}`
    case '0310':
      return `Sprawozdania ${rng.pick(['roczne', 'kwartalne', 'miesięczne'])} z działalności ${rng.pick(departments)} ${years}`
    case '2200':
      return `Dokumentacja postępowań o udzielenie zamówień publicznych ${rng.pick(['na dostawy', 'na usługi', 'na roboty budowlane'])} ${years}`
    case '2310':
      return `Umowy ${rng.pick(['najmu', 'serwisowe', 'o współpracy', 'licencyjne'])} zawarte w latach ${years}`
    case '4210':
      return `Akta postępowań w sprawie ochrony międzynarodowej obywateli ${rng.pick(countries)} ${years}`
    case '4220':
      return `Odwołania od decyzji wojewodów w sprawach ${rng.pick(topics)} ${years}`
    case '4240':
      return `Ewidencja dokumentów podróży obywateli ${rng.pick(countries)} ${years}`
    case '4310':
      return `Rejestr ${rng.pick(registers)} ${years}`
    case '4410':
    case '0170':
      return `Korespondencja z ${rng.pick(institutions)} w sprawie ${rng.pick(topics)} ${years}`
    default:
      return `${jrwa.find(([s]) => s === sym)?.[1] ?? 'Dokumentacja'} ${rng.pick(departments)} ${years}`
  }
}

function retention(
  category: string,
  yearTo: number,
  yearFrom: number,
): { disposable: string | null; stateArchive: string | null } {
  if (category === 'A') return { disposable: null, stateArchive: `${yearFrom + 1 + 25}-01-01` }
  if (category === 'Bc') return { disposable: `${yearTo + 1}-01-01`, stateArchive: null }
  const years = Number(category.replace(/^BE?/, ''))
  return { disposable: `${yearTo + 1 + years}-01-01`, stateArchive: null }
}

export const archiveScale: ScaleModule = {
  name: 'archive',
  requires: ['archive_folders', 'archive_jrwa_classes', 'archive_transfer_lists'],
  async run(ctx: ScaleContext) {
    const { knex } = ctx
    const total = ctx.sizes.folders
    if (!total) return
    const rng = new Rng(ctx.seed + 4)

    const existing = new Set(await knex('archive_jrwa_classes').pluck('symbol'))
    const classes = []
    for (const [symbol, t, category] of jrwa)
      for (let len = 1; len <= 4; len += 1) {
        const s = symbol.slice(0, len)
        if (existing.has(s)) continue
        existing.add(s)
        classes.push({
          symbol: s,
          parent_symbol: len > 1 ? symbol.slice(0, len - 1) : null,
          title: len === 4 ? t : `Grupa ${s}`,
          category: len === 4 ? category : null,
        })
      }
    if (classes.length) await knex('archive_jrwa_classes').insert(classes)

    const archivists = (await knex('users').whereRaw(`'archivist' = ANY(roles)`).pluck('id')).map(Number)
    const by = archivists.length ? archivists : ctx.staffIds
    // One accepted transfer list per ~400 folders, numbered per year of acceptance.
    const listCount = Math.max(1, Math.ceil(total / 400))
    const firstList = await ctx.nextId('archive_transfer_lists')
    const listUnit: number[] = []
    const listNumber = new Map<number, number>()
    const listRows: unknown[][] = []
    for (let i = 0; i < listCount; i += 1) {
      const unit = ctx.pickUnit(rng.next())
      const year = 2005 + Math.floor((i / listCount) * 21)
      const number = (listNumber.get(year) ?? 0) + 1
      listNumber.set(year, number)
      const accepted = new Date(Date.UTC(year, rng.int(12), rng.between(1, 28)))
      listUnit.push(unit.id)
      listRows.push([
        firstList + i,
        unit.id,
        'accepted',
        year,
        number,
        rng.pick(by),
        accepted,
        accepted,
        rng.pick(by),
        accepted,
        rng.pick(by),
      ])
    }
    await ctx.load(
      'archive_transfer_lists',
      [
        'id',
        'unit_id',
        'status',
        'year',
        'number',
        'created_by',
        'created_at',
        'submitted_at',
        'submitted_by',
        'accepted_at',
        'accepted_by',
      ],
      listRows,
      listRows.length,
    )
    const unitSymbol = new Map(ctx.units.map((u) => [u.id, u.symbol]))
    const leaves = jrwa
    const firstId = await ctx.nextId('archive_folders')

    function* rows(): Generator<unknown[]> {
      for (let i = 0; i < total; i += 1) {
        const id = firstId + i
        const list = Math.floor((i / total) * listCount)
        const unitId = listUnit[list]!
        const [sym, , category] = rng.pickSkewed(leaves, 1.3)
        const yearTo = Math.min(2024, 1995 + Math.floor((i / total) * 30) + rng.between(-1, 1))
        const yearFrom = yearTo - (rng.chance(0.6) ? 0 : rng.between(1, 4))
        const r = rng.next()
        // No folder 'state_archive' yet: migration 300's status column (varchar 12) cannot hold that 13-letter value.
        const status = r < 0.91 ? 'held' : r < 0.97 ? 'destroyed' : 'unit'
        const inArchive = status !== 'unit'
        const { disposable, stateArchive } = retention(category, yearTo, yearFrom)
        const volumes = rng.chance(0.8) ? 1 : rng.between(2, 6)
        yield [
          id,
          unitId,
          sym,
          `${unitSymbol.get(unitId)}.${sym}`,
          title(rng, sym, yearFrom, yearTo),
          yearFrom,
          yearTo,
          category,
          volumes,
          status,
          inArchive ? firstList + list : null,
          inArchive ? `A${1 + (i % 4)}` : null,
          inArchive ? `R${1 + (Math.floor(i / 2000) % 60)}` : null,
          inArchive ? 1 + (Math.floor(i / 40) % 7) : null,
          inArchive ? `B${Math.floor(i / 8)}` : null,
          inArchive ? `AF${String(id).padStart(10, '0')}` : null,
          (volumes * 0.06).toFixed(3),
          disposable,
          stateArchive,
          status === 'destroyed' ? `${yearTo + 11}-03-15` : null,
          status === 'destroyed' ? `PZ/${yearTo + 11}/${rng.between(1, 40)}` : null,
          rng.pick(by),
          new Date(Date.UTC(Math.min(2026, yearTo + 3), rng.int(12), rng.between(1, 28))),
        ]
      }
    }
    await ctx.load(
      'archive_folders',
      [
        'id',
        'unit_id',
        'jrwa_symbol',
        'sign',
        'title',
        'year_from',
        'year_to',
        'category',
        'volumes',
        'status',
        'transfer_list_id',
        'room',
        'rack',
        'shelf',
        'box',
        'barcode',
        'linear_metres',
        'disposable_from',
        'state_archive_from',
        'destroyed_on',
        'disposal_protocol',
        'created_by',
        'created_at',
      ],
      rows(),
      total,
    )
    for (const [year, last] of listNumber)
      await knex('register_counters')
        .insert({ register: 'archive.transferList', scope: '', year, last_number: last })
        .onConflict(['register', 'scope', 'year'])
        .merge({ last_number: knex.raw('greatest(register_counters.last_number, excluded.last_number)') })
  },
}
