import type { DemoSeed } from './context.js'
import type { Actor } from '../../src/shared/audit/audit.js'
import * as deposits from '../../src/modules/deposits/service.js'
import { depositForm } from '../../src/modules/deposits/schemas.js'
import { setCaseStatus } from '../../src/modules/foreigners/service.js'

const people: Array<{
  surname: string
  givenNames: string
  birth: string
  country: string
  number: string
  sex: 'F' | 'M'
}> = [
  {
    surname: 'SHEVCHENKO',
    givenNames: 'TARAS',
    birth: '09.03.1984',
    country: 'UKR',
    number: 'FE1234567',
    sex: 'M',
  },
  {
    surname: 'KOVALENKO',
    givenNames: 'OLEKSANDR',
    birth: '02.01.1990',
    country: 'UKR',
    number: 'FK7654321',
    sex: 'M',
  },
  {
    surname: 'AL RASHID',
    givenNames: 'MOHAMMED',
    birth: '1979',
    country: 'SYR',
    number: 'N01234567',
    sex: 'M',
  },
  {
    surname: 'BERIDZE',
    givenNames: 'NINO',
    birth: '07.07.1995',
    country: 'GEO',
    number: '13AB45678',
    sex: 'F',
  },
  { surname: 'YILMAZ', givenNames: 'SUKRU', birth: '05.1988', country: 'TUR', number: 'U12345678', sex: 'M' },
  {
    surname: 'NGUYEN',
    givenNames: 'VAN ANH',
    birth: '12.12.1992',
    country: 'VNM',
    number: 'C1234567',
    sex: 'F',
  },
  {
    surname: 'TSIKHANOUSKAYA',
    givenNames: 'HANNA',
    birth: '21.04.1987',
    country: 'BLR',
    number: 'MP3456789',
    sex: 'F',
  },
  { surname: 'AHMADI', givenNames: 'FARIDA', birth: '1999', country: 'AFG', number: 'P01928374', sex: 'F' },
]

/** Storage places and a day's worth of deposits in every state, for clicking through the hall's work. */
export const seedDeposits: DemoSeed = async ({ knex, users, log }) => {
  if (await knex('storage_places').where({ code: 'S1' }).first('id')) {
    log('deposits: already seeded')
    return
  }
  const hall = users.hall_staff
  const actor: Actor = { id: hall.id, name: hall.displayName, unit: hall.unitSymbol }
  const places: Record<string, number> = {}
  for (const [code, kind, name] of [
    ['S1', 'safe', 'Sejf 1, pokój 014'],
    ['R1', 'shelf', 'Regał 1, półka górna'],
    ['R2', 'shelf', 'Regał 1, półka dolna'],
  ] as const) {
    const r = await deposits.createPlace(knex, actor, { code, kind, name })
    if (r.ok) places[code] = r.value
  }
  const created = []
  for (const [i, p] of people.entries()) {
    const input = depositForm.parse({
      documentType: 'passport',
      documentNumber: p.number,
      issuingCountry: p.country,
      nationality: p.country,
      expiryDate: `01.0${(i % 9) + 1}.2030`,
      surname: p.surname,
      givenNames: p.givenNames,
      sex: p.sex,
      birthDate: p.birth,
      holder: 'new',
      protectionCaseRef: `DPU.4100.${i + 1}.2026`,
      placeId: String(i % 2 ? places.R1 : places.S1),
      sealNumber: `PL-${String(1000 + i).padStart(6, '0')}`,
    })
    created.push(await deposits.takeIn(knex, actor, input, []))
  }
  const [a, b, c, d] = created
  await deposits.recordMovement(knex, actor, a!.id, {
    kind: 'released',
    releasedTo: 'właściciel – Taras Shevchenko',
    purpose: 'wizyta w ambasadzie',
    dueBackOn: '2099-12-31',
    sealOld: 'PL-001000',
  })
  // An overdue release: recorded as it would have been weeks ago.
  await deposits.recordMovement(
    knex,
    actor,
    b!.id,
    {
      kind: 'released',
      releasedTo: 'DPU',
      purpose: 'wgląd do akt',
      dueBackOn: '2026-01-15',
      sealOld: 'PL-001001',
    },
    new Date('2026-01-10T10:00:00Z'),
  )
  await deposits.recordMovement(knex, actor, c!.id, { kind: 'moved', placeId: places.R2 })
  const holder = await knex('deposits').where({ id: d!.id }).first('holder_id')
  await setCaseStatus(knex, actor, Number(holder.holder_id), 'ended')
  log(`deposits: ${created.length} deposits in ${Object.keys(places).length} places`)
}
