import type { ScaleContext, ScaleModule } from './context.js'
import { newIdentity, renderName } from './names.js'
import { Rng } from './random.js'

/**
 * Five years of the general registry: a sender directory (people, mostly foreigners, and
 * institutions), incoming items routed to real units with their routing history, numbers gapless
 * per year in order of receipt, and the yearly counters set to the last number used.
 */
const institutions = [
  'Wojewódzki Sąd Administracyjny w Warszawie',
  'Naczelny Sąd Administracyjny',
  'Komenda Główna Straży Granicznej',
  'Placówka Straży Granicznej w Terespolu',
  'Mazowiecki Urząd Wojewódzki w Warszawie',
  'Małopolski Urząd Wojewódzki w Krakowie',
  'Dolnośląski Urząd Wojewódzki we Wrocławiu',
  'Rzecznik Praw Obywatelskich',
  'Ministerstwo Spraw Wewnętrznych i Administracji',
  'Ambasada Ukrainy w Warszawie',
  'Konsulat Generalny Republiki Białorusi w Białymstoku',
  'Biuro Wysokiego Komisarza NZ ds. Uchodźców',
  'Stowarzyszenie Interwencji Prawnej',
  'Helsińska Fundacja Praw Człowieka',
  'Sąd Rejonowy dla Warszawy-Mokotowa',
  'Prokuratura Rejonowa Warszawa-Ochota',
  'Zakład Ubezpieczeń Społecznych Oddział w Warszawie',
  'Urząd Skarbowy Warszawa-Bemowo',
]
const cities = [
  'Warszawa',
  'Kraków',
  'Wrocław',
  'Poznań',
  'Gdańsk',
  'Łódź',
  'Lublin',
  'Białystok',
  'Biała Podlaska',
  'Terespol',
]
const streets = [
  'Koszykowa',
  'Taborowa',
  'Marszałkowska',
  'Puławska',
  'Grochowska',
  'Lipowa',
  'Długa',
  'Kościuszki',
]
const subjects = [
  'Wniosek o udzielenie zezwolenia na pobyt czasowy',
  'Wniosek o udzielenie zezwolenia na pobyt stały',
  'Odwołanie od decyzji Wojewody Mazowieckiego',
  'Odwołanie od decyzji Wojewody Małopolskiego',
  'Prośba o informację o stanie sprawy',
  'Skarga na przewlekłość postępowania',
  'Wniosek o wydanie zaświadczenia',
  'Wniosek o udzielenie ochrony międzynarodowej',
  'Uzupełnienie braków formalnych wniosku',
  'Zawiadomienie o zmianie adresu zamieszkania',
  'Wniosek o przywrócenie terminu',
  'Pełnomocnictwo do reprezentowania w postępowaniu',
  'Wyrok w sprawie skargi na decyzję',
  'Wezwanie do przekazania akt sprawy',
  'Wniosek o wgląd do akt sprawy',
  'Informacja o przekroczeniu granicy',
  'Wniosek o wydanie dokumentu podróży',
  'Zapytanie o status cudzoziemca',
  'Wniosek o udostępnienie informacji publicznej',
  'Ponaglenie w sprawie wydania decyzji',
]
const channels: ReadonlyArray<readonly [string, number]> = [
  ['post', 0.3],
  ['registered_mail', 0.25],
  ['epuap', 0.15],
  ['edelivery', 0.1],
  ['in_person', 0.1],
  ['email', 0.07],
  ['courier', 0.03],
]
const paper = new Set(['post', 'registered_mail', 'courier', 'in_person'])

/** A valid UPU S10 registered-mail number (e.g. RR123456785PL). */
function s10(rng: Rng): string {
  const digits = Array.from({ length: 8 }, () => rng.int(10))
  const weights = [8, 6, 4, 2, 3, 5, 9, 7]
  const sum = digits.reduce((s, d, i) => s + d * weights[i]!, 0)
  let check = 11 - (sum % 11)
  if (check === 10) check = 0
  if (check === 11) check = 5
  return `RR${digits.join('')}${check}PL`
}

export const registryScale: ScaleModule = {
  name: 'registry',
  requires: ['incoming_items', 'registry_senders', 'incoming_routing'],
  async run(ctx: ScaleContext) {
    const { knex } = ctx
    const total = ctx.sizes.incoming
    if (!total) return
    const rng = new Rng(ctx.seed + 3)
    const clerks = await knex('users').whereRaw(`'registry_clerk' = ANY(roles)`).pluck('id')
    const clerkIds = clerks.length ? clerks.map(Number) : ctx.staffIds

    const senderCount = Math.max(50, Math.round(total / 5))
    const firstSender = await ctx.nextId('registry_senders')
    const senders: Array<{ name: string; address: string | null; institution: boolean }> = []
    function* senderRows(): Generator<unknown[]> {
      for (let i = 0; i < senderCount; i += 1) {
        const institution = i < institutions.length * 3 && rng.chance(0.8)
        let name: string
        if (institution) name = institutions[i % institutions.length]!
        else {
          const n = renderName(newIdentity(rng), rng.int(2))
          name = `${n.givenNames} ${n.surname}`
        }
        const address = `ul. ${rng.pick(streets)} ${rng.between(1, 120)}, ${rng.between(0, 99).toString().padStart(2, '0')}-${rng.between(100, 999)} ${rng.pick(cities)}`
        senders.push({ name, address, institution })
        yield [
          firstSender + i,
          institution ? 'institution' : 'person',
          name,
          address,
          rng.chance(0.3) ? `kontakt${i}@example.org` : null,
          rng.pick(clerkIds),
          new Date(Date.UTC(2021, 0, 1) + rng.next() * 5 * 365 * 86_400_000),
        ]
      }
    }
    await ctx.load(
      'registry_senders',
      ['id', 'kind', 'name', 'address', 'email', 'created_by', 'created_at'],
      senderRows(),
      senderCount,
    )

    const start = Date.UTC(2021, 10, 25)
    const end = Date.UTC(2026, 10, 24)
    const times = new Float64Array(total)
    for (let i = 0; i < total; i += 1) times[i] = start + rng.next() * (end - start)
    times.sort()
    const firstId = await ctx.nextId('incoming_items')
    let routingId = await ctx.nextId('incoming_routing')
    const routing: unknown[][] = []
    const lastNumber = new Map<number, number>()
    const recent = end - 14 * 86_400_000

    function* rows(): Generator<unknown[]> {
      for (let i = 0; i < total; i += 1) {
        const id = firstId + i
        const received = new Date(times[i]!)
        const year = received.getUTCFullYear()
        const number = (lastNumber.get(year) ?? 0) + 1
        lastNumber.set(year, number)
        // A few institutions write most letters; people write once or twice.
        const s = rng.chance(0.35)
          ? rng.int(Math.min(senders.length, institutions.length * 3))
          : rng.int(senders.length)
        const sender = senders[s]!
        const channel = rng.weighted(channels)
        const unit = ctx.pickUnit(rng.next())
        const by = rng.pick(clerkIds)
        const isRecent = times[i]! > recent
        // Old items were all accepted in the end (a misrouted one was returned and rerouted on the way);
        // only the last two weeks still have items waiting to be routed, accepted or rerouted.
        const routingStatus = isRecent
          ? rng.weighted([
              ['unassigned', 0.3],
              ['assigned', 0.45],
              ['accepted', 0.2],
              ['returned', 0.05],
            ] as const)
          : 'accepted'
        const misrouted = !isRecent && rng.chance(0.02)
        const annulled = rng.chance(0.003)
        let subject = rng.pick(subjects)
        if (!sender.institution) subject += ` – ${sender.name}`
        else if (rng.chance(0.5)) {
          const n = renderName(newIdentity(rng), 0)
          subject += ` dot. ${n.givenNames} ${n.surname}`
        }
        if (routingStatus !== 'unassigned') {
          let at = new Date(received.getTime() + rng.between(10, 600) * 60_000)
          const hour = () => (at = new Date(at.getTime() + 3_600_000))
          if (misrouted) {
            const wrong = ctx.pickUnit(rng.next())
            routing.push([routingId++, id, 'assigned', wrong.id, by, at])
            routing.push([routingId++, id, 'returned', wrong.id, rng.pick(ctx.staffIds), hour()])
            routing.push([routingId++, id, 'rerouted', unit.id, by, hour()])
          } else routing.push([routingId++, id, 'assigned', unit.id, by, at])
          if (routingStatus === 'accepted')
            routing.push([routingId++, id, 'accepted', unit.id, rng.pick(ctx.staffIds), hour()])
          if (routingStatus === 'returned')
            routing.push([routingId++, id, 'returned', unit.id, rng.pick(ctx.staffIds), hour()])
        }
        yield [
          id,
          year,
          number,
          received,
          new Date(received.getTime() - rng.between(1, 20) * 86_400_000).toISOString().slice(0, 10),
          firstSender + s,
          sender.name,
          sender.address,
          rng.chance(0.6)
            ? `${rng.pick(['WSO', 'DPU', 'SG', 'WSA', 'WUC'])}-${rng.pick(['I', 'II', 'III'])}.${rng.between(100, 9999)}.${rng.between(1, 9999)}.${year}`
            : null,
          subject,
          channel,
          paper.has(channel) ? 'paper' : 'electronic',
          channel === 'registered_mail' ? s10(rng) : null,
          rng.chance(0.3) ? rng.between(1, 12) : 0,
          routingStatus === 'unassigned' ? null : unit.id,
          routingStatus === 'unassigned' ? 'unassigned' : routingStatus,
          rng.chance(0.25) ? `${unit.symbol}.${rng.between(400, 699)}.${rng.between(1, 999)}.${year}` : null,
          annulled ? 'annulled' : 'registered',
          annulled ? new Date(received.getTime() + 3_600_000) : null,
          annulled ? by : null,
          annulled ? 'Zarejestrowano omyłkowo dwukrotnie' : null,
          by,
          received,
        ]
      }
    }
    await ctx.load(
      'incoming_items',
      [
        'id',
        'year',
        'number',
        'received_at',
        'letter_date',
        'sender_id',
        'sender_name',
        'sender_address',
        'sender_reference',
        'subject',
        'channel',
        'form',
        'tracking_number',
        'enclosures_count',
        'unit_id',
        'routing_status',
        'case_reference',
        'status',
        'annulled_at',
        'annulled_by',
        'annul_reason',
        'created_by',
        'created_at',
      ],
      rows(),
      total,
    )
    await ctx.load(
      'incoming_routing',
      ['id', 'item_id', 'action', 'unit_id', 'actor_id', 'at'],
      routing,
      routing.length,
    )
    routing.length = 0
    for (const [year, last] of lastNumber)
      await knex('register_counters')
        .insert({ register: 'registry.incoming', scope: '', year, last_number: last })
        .onConflict(['register', 'scope', 'year'])
        .merge({ last_number: knex.raw('greatest(register_counters.last_number, excluded.last_number)') })
  },
}
