import { systemActor } from '../../src/shared/audit/audit.js'
import { FileStore } from '../../src/shared/files/store.js'
import { loadConfig } from '../../src/config.js'
import { registerIncoming } from '../../src/modules/correspondence/service.js'
import { routeItem, acceptItem } from '../../src/modules/correspondence/routing-service.js'
import { markInquiry } from '../../src/modules/correspondence/inquiries.js'
import { registerOutgoing } from '../../src/modules/correspondence/outgoing.js'
import { addDays } from '../../src/modules/correspondence/dates.js'
import { officeDate } from '../../src/shared/clock/office.js'
import { formatDate } from '../../src/shared/forms/index.js'
import type { IncomingInput } from '../../src/modules/correspondence/schemas.js'
import type { DemoSeed } from './context.js'

const senders = [
  { name: 'Olena Kovalenko', address: 'ul. Grochowska 12/4, 04-301 Warszawa', kind: 'person' as const },
  { name: 'Giorgi Beridze', address: 'ul. Piotrkowska 80, 90-102 Łódź', kind: 'person' as const },
  { name: 'Ahmad Al-Hassan', address: 'ul. Długa 3, 80-827 Gdańsk', kind: 'person' as const },
  {
    name: 'Straż Graniczna – Placówka Warszawa-Okęcie',
    address: 'ul. Żwirki i Wigury 1, 00-906 Warszawa',
    kind: 'institution' as const,
  },
  { name: 'Fundacja Ocalenie', address: 'ul. Ciepła 11, 00-132 Warszawa', kind: 'institution' as const },
  {
    name: 'Sąd Okręgowy w Warszawie',
    address: 'al. Solidarności 127, 00-898 Warszawa',
    kind: 'institution' as const,
  },
]
const subjects = [
  'Wniosek o wydanie zaświadczenia',
  'Skarga na przewlekłość postępowania',
  'Zapytanie o stan sprawy',
  'Wniosek o udostępnienie informacji publicznej',
  'Prośba o zwrot dokumentu podróży',
  'Petycja w sprawie godzin otwarcia hali obsługi',
]
const channels: IncomingInput['channel'][] = ['post', 'registered_mail', 'in_person', 'epuap', 'email']

/** A week of registry traffic: items routed to units, some accepted, a few inquiries and answers. */
export const seedCorrespondence: DemoSeed = async ({ knex, units, users, log }) => {
  if (await knex('incoming_items').first('id')) return log('registry: already seeded')
  const files = new FileStore(loadConfig().filesDir)
  const clerk = { ...systemActor, id: users.registry_clerk.id, name: users.registry_clerk.displayName }
  const today = officeDate(new Date())
  const types = await knex('inquiry_types').select('id', 'code')
  const unitCycle = ['DPU', 'WAE', 'ZOK', 'DL', 'BPR']
  let count = 0
  for (let i = 0; i < 24; i++) {
    const s = senders[i % senders.length]!
    const channel = channels[i % channels.length]!
    const day = addDays(today, -Math.floor(i / 4))
    const result = await registerIncoming({ db: knex, files }, clerk, {
      receivedDate: day,
      receivedTime: `${String(8 + (i % 8)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
      letterDate: addDays(day, -3),
      senderId: undefined,
      senderKind: s.kind,
      senderName: s.name,
      senderAddress: s.address,
      senderEmail: channel === 'email' ? 'nadawca@example.pl' : undefined,
      senderEpuap: undefined,
      senderEdelivery: undefined,
      senderReference: s.kind === 'institution' ? `ZN/${100 + i}/2026` : undefined,
      subject: subjects[i % subjects.length]!,
      channel,
      form: ['epuap', 'email'].includes(channel) ? 'electronic' : 'paper',
      trackingNumber: channel === 'registered_mail' ? 'RR123456785PL' : undefined,
      enclosuresCount: i % 3,
      enclosuresDescription: i % 3 ? 'kopie dokumentów' : undefined,
      unitId: undefined,
      assigneeId: undefined,
      caseReference: undefined,
      notes: undefined,
      importId: undefined,
    })
    if (!result.ok) continue
    count++
    const id = result.value.id
    if (i % 6 !== 5) {
      const unit = units[unitCycle[i % unitCycle.length]!]!
      await routeItem(knex, clerk, id, { unitId: unit, assigneeId: undefined, note: undefined })
      const staff = Object.values(users).find((u) => u.unitSymbol === unitCycle[i % unitCycle.length])
      if (staff && i % 2 === 0)
        await acceptItem(
          knex,
          { ...systemActor, id: staff.id, name: staff.displayName },
          { id: staff.id, orgUnitId: unit } as Express.User,
          id,
        )
    }
    const code = ['kpa_request', 'kpa_complaint', 'public_information', 'petition'][i % 6]
    const type = types.find((t: { code: string }) => t.code === code)
    if (type && i % 3 === 1)
      await markInquiry(knex, clerk, id, {
        inquiryTypeId: type.id,
        inquirerKind: s.kind === 'person' ? 'person' : 'organisation',
      })
  }
  for (let i = 0; i < 4; i++) {
    await registerOutgoing(knex, clerk, {
      addresseeName: senders[i]!.name,
      addresseeAddress: senders[i]!.address,
      addresseeEdelivery: undefined,
      subject: 'Odpowiedź na pismo',
      channel: 'post',
      postKind: 'registered',
      priority: i % 2 === 0,
      returnReceipt: true,
      trackingNumber: ['RR123456785PL', 'RR473124829PL', '00859007734668475302', 'RR123456785PL'][i],
      dispatchDate: today,
      relatedIncoming: undefined,
      isAnswer: false,
      caseReference: undefined,
      unitId: units.WOK,
      notes: undefined,
    })
  }
  log(`registry: ${count} incoming items, 4 outgoing (dispatch book for ${formatDate(today)})`)
}
