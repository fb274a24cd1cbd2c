import type { ScaleContext, ScaleModule } from './context.js'
import { Rng } from './random.js'

/**
 * Deposited travel documents held by real generated foreigners: the document in each person's name as
 * printed, numbers gapless per year in order of intake, and a chain of custody whose last movement
 * agrees with the state cached on the deposit. Counters are set to the last number used.
 */
const states: ReadonlyArray<readonly [string, number]> = [
  ['in_deposit', 0.6],
  ['returned_to_owner', 0.25],
  ['handed_over', 0.08],
  ['released', 0.065],
  ['missing', 0.005],
]
const authorities = [
  'Komenda Główna Straży Granicznej',
  'Placówka SG Warszawa-Okęcie',
  'Konsulat Generalny Ukrainy',
]
const purposes = ['ślub w USC', 'wizyta w ambasadzie', 'przekazanie do Wydziału Legalizacji Pobytu']

interface Holder {
  id: number
  surname: string
  given_names: string
  country: string
}

export const depositsScale: ScaleModule = {
  name: 'deposits',
  requires: ['deposits', 'deposit_movements', 'storage_places', 'foreigners'],
  async run(ctx: ScaleContext) {
    const { knex } = ctx
    const total = ctx.sizes.deposits
    if (!total) return
    const rng = new Rng(ctx.seed + 2)

    const places: number[] = []
    const existingPlaces = await knex('storage_places').select('id')
    if (existingPlaces.length) places.push(...existingPlaces.map((p: { id: string }) => Number(p.id)))
    else {
      const defs = [
        ...Array.from({ length: 8 }, (_, i) => ({
          code: `S${i + 1}`,
          kind: 'safe',
          name: `Sejf ${i + 1}, pokój 12`,
        })),
        ...Array.from({ length: 40 }, (_, i) => ({
          code: `R${Math.floor(i / 10) + 1}-${String((i % 10) + 1).padStart(2, '0')}`,
          kind: 'shelf',
          name: `Regał ${Math.floor(i / 10) + 1}, półka ${(i % 10) + 1}`,
        })),
        ...Array.from({ length: 12 }, (_, i) => ({
          code: `K${i + 1}`,
          kind: 'envelope',
          name: `Koperta zbiorcza ${i + 1}`,
        })),
      ]
      const ids = await knex('storage_places').insert(defs).returning('id')
      places.push(...ids.map((r: { id: string }) => Number(r.id)))
    }

    const foreignerCount = Number((await knex('foreigners').count<{ n: string }[]>('id as n'))[0]?.n ?? 0)
    if (!foreignerCount) return
    const share = Math.min(100, (total / foreignerCount) * 100 * 0.9)
    const sampled = await knex.raw(
      `SELECT f.id, f.surname, f.given_names,
              coalesce((SELECT min(c.country_code) FROM foreigner_citizenships c WHERE c.foreigner_id = f.id), 'XXX') AS country
         FROM foreigners f TABLESAMPLE BERNOULLI (${share.toFixed(4)}) REPEATABLE (${ctx.seed % 1000})`,
    )
    const holders = sampled.rows as Holder[]
    if (!holders.length) return
    const users = await knex('users').whereIn('id', ctx.staffIds).select('id', 'display_name')
    const userName = new Map(
      users.map((u: { id: string; display_name: string }) => [Number(u.id), u.display_name]),
    )

    const firstId = await ctx.nextId('deposits')
    const start = Date.UTC(2019, 0, 2)
    const span = Date.UTC(2026, 10, 20) - start
    const times = Array.from({ length: total }, () => start + rng.next() * span).sort((a, b) => a - b)
    const lastNumber = new Map<number, number>()
    const movements: unknown[][] = []
    let movementId = await ctx.nextId('deposit_movements')

    function* rows(): Generator<unknown[]> {
      for (let i = 0; i < total; i += 1) {
        const id = firstId + i
        const takenIn = new Date(times[i]!)
        const year = takenIn.getUTCFullYear()
        const number = (lastNumber.get(year) ?? 0) + 1
        lastNumber.set(year, number)
        const holder = i < holders.length ? holders[i]! : holders[rng.int(holders.length)]!
        const state = rng.weighted(states)
        const place = rng.pick(places)
        const seal = `PL${String(rng.int(1e8)).padStart(8, '0')}`
        const by = rng.pick(ctx.staffIds)
        const byName = userName.get(by) ?? 'pracownik'
        const issued = new Date(takenIn.getTime() - rng.between(100, 3000) * 86_400_000)
        const expiry = new Date(issued.getTime() + 10 * 365 * 86_400_000)
        const dueBack =
          state === 'released' ? new Date(takenIn.getTime() + rng.between(60, 900) * 86_400_000) : null
        const releasedTo = state === 'released' ? `${holder.given_names} ${holder.surname}` : null
        movements.push([
          movementId++,
          id,
          1,
          'taken_in',
          takenIn,
          by,
          byName,
          place,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          seal,
          'in_deposit',
        ])
        if (state !== 'in_deposit') {
          const at = new Date(takenIn.getTime() + rng.between(1, 400) * 86_400_000)
          const m: unknown[] = [
            movementId++,
            id,
            2,
            '',
            at,
            by,
            byName,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            state,
          ]
          if (state === 'released') {
            m[3] = 'released'
            m[8] = releasedTo
            m[9] = rng.pick(purposes)
            m[10] = dueBack
          } else if (state === 'returned_to_owner') {
            m[3] = 'returned_to_owner'
            m[11] = true
            m[12] = 'paszport'
            m[13] = 'Potwierdzam odbiór dokumentu'
          } else if (state === 'handed_over') {
            m[3] = 'handed_over'
            m[14] = rng.pick(authorities)
            m[15] = `SG.${rng.between(100, 999)}.${year}`
          } else m[3] = 'reported_missing'
          movements.push(m)
        }
        const inPlace = state === 'in_deposit' || state === 'released' || state === 'missing'
        yield [
          id,
          year,
          number,
          rng.weighted([
            ['passport', 0.85],
            ['travel_document', 0.1],
            ['id_card', 0.05],
          ] as const),
          `${String.fromCharCode(65 + rng.int(26), 65 + rng.int(26))}${String(rng.int(1e7)).padStart(7, '0')}`,
          holder.country,
          holder.country,
          issued.toISOString().slice(0, 10),
          expiry.toISOString().slice(0, 10),
          holder.surname.toUpperCase(),
          holder.given_names.toUpperCase(),
          holder.id,
          rng.chance(0.7) ? `DPU.420.${rng.between(1, 99999)}.${year}` : null,
          rng.chance(0.1) ? 'Okładka lekko uszkodzona' : null,
          state,
          inPlace ? place : null,
          seal,
          releasedTo,
          dueBack ? dueBack.toISOString().slice(0, 10) : null,
          takenIn,
          by,
        ]
      }
    }
    await ctx.load(
      'deposits',
      [
        'id',
        'year',
        'number',
        'document_type',
        'document_number',
        'issuing_country',
        'nationality',
        'issue_date',
        'expiry_date',
        'surname_printed',
        'given_names_printed',
        'holder_id',
        'protection_case_ref',
        'condition_notes',
        'state',
        'place_id',
        'seal_number',
        'released_to',
        'due_back_on',
        'taken_in_at',
        'taken_in_by',
      ],
      rows(),
      total,
    )
    await ctx.load(
      'deposit_movements',
      [
        'id',
        'deposit_id',
        'seq',
        'kind',
        'at',
        'by_user',
        'by_name',
        'place_id',
        'released_to',
        'purpose',
        'due_back_on',
        'identity_checked',
        'identity_document',
        'acknowledgment',
        'authority',
        'letter_ref',
        'seal_new',
        'state_after',
      ],
      movements,
      movements.length,
    )
    movements.length = 0
    for (const [year, last] of lastNumber)
      await knex('register_counters')
        .insert({ register: 'deposits.deposit', scope: '', year, last_number: last })
        .onConflict(['register', 'scope', 'year'])
        .merge({ last_number: knex.raw('greatest(register_counters.last_number, excluded.last_number)') })
  },
}
