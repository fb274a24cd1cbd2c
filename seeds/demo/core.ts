import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { hashPassword } from '../../src/shared/auth/passwords.js'
import { roles, type Role } from '../../src/shared/auth/permissions.js'
import type { DemoContext } from './context.js'

/** The BOK's own units (from its published structure) and a few other units of the Office. */
export const demoUnits: Array<{ symbol: string; name: string; parent?: string }> = [
  { symbol: 'BOK', name: 'Biuro Obsługi Klienta' },
  { symbol: 'BOK-SB', name: 'Sekretariat Biura', parent: 'BOK' },
  { symbol: 'WAE', name: 'Wydział Archiwum i Ewidencji Cudzoziemców', parent: 'BOK' },
  { symbol: 'WOK', name: 'Wydział Obsługi Kancelaryjnej', parent: 'BOK' },
  { symbol: 'ZOK', name: 'Zespół Obsługi Klienta', parent: 'BOK' },
  { symbol: 'DPU', name: 'Departament Postępowań Uchodźczych' },
  { symbol: 'DL', name: 'Departament Legalizacji Pobytu' },
  { symbol: 'DO', name: 'Departament Ochrony' },
  { symbol: 'BSZ', name: 'Biuro Szefa Urzędu' },
  { symbol: 'BPR', name: 'Biuro Prawne' },
  { symbol: 'BKA', name: 'Biuro Kadr i Administracji' },
]

const demoPeople: Record<Role, { username: string; displayName: string; unit: string | null }> = {
  admin: { username: 'admin.demo', displayName: 'Adam Administrator', unit: 'BOK-SB' },
  registry_clerk: { username: 'kancelaria', displayName: 'Katarzyna Kancelaryjna', unit: 'WOK' },
  archivist: { username: 'archiwista', displayName: 'Andrzej Archiwista', unit: 'WAE' },
  hall_staff: { username: 'hala', displayName: 'Halina Obsługowa', unit: 'ZOK' },
  document_officer: { username: 'dokumenty', displayName: 'Dorota Dokumentowa', unit: 'ZOK' },
  records_officer: { username: 'rejestry', displayName: 'Roman Rejestrowy', unit: 'WAE' },
  auditor: { username: 'audytor', displayName: 'Alicja Audytorka', unit: 'BSZ' },
}

/** A readable random passphrase of four words and a number, printed once for the demo. */
function demoPassword(): string {
  const words = [
    'bursztyn',
    'kasztan',
    'latarnia',
    'poziomka',
    'żuraw',
    'wiatrak',
    'jezioro',
    'sosna',
    'kredka',
    'obłok',
    'piernik',
    'mewa',
  ]
  const pick = () => words[crypto.randomInt(words.length)]
  return `${pick()}-${pick()}-${pick()}-${pick()}-${crypto.randomInt(10, 99)}`
}

export async function seedCore(
  knex: Knex,
  log: (m: string) => void,
): Promise<{ ctx: DemoContext; password: string }> {
  const units: Record<string, number> = {}
  for (const u of demoUnits) {
    const existing = await knex('org_units').where({ symbol: u.symbol, status: 'active' }).first('id')
    if (existing) {
      units[u.symbol] = Number(existing.id)
      continue
    }
    const [row] = await knex('org_units')
      .insert({ symbol: u.symbol, name: u.name, parent_id: u.parent ? units[u.parent] : null })
      .returning('id')
    units[u.symbol] = Number(row.id)
    await knex('org_unit_history').insert({
      org_unit_id: row.id,
      change: 'created',
      new_symbol: u.symbol,
      new_name: u.name,
    })
  }
  const password = demoPassword()
  const passwordHash = await hashPassword(password)
  const users = {} as DemoContext['users']
  for (const role of roles) {
    const p = demoPeople[role]
    const unitId = p.unit ? units[p.unit] : null
    const existing = await knex('users').whereRaw('lower(username) = ?', [p.username]).first('id')
    let id: number
    if (existing) {
      id = Number(existing.id)
      await knex('users')
        .where({ id })
        .update({ password_hash: passwordHash, active: true, failed_logins: 0, locked_until: null })
    } else {
      const [row] = await knex('users')
        .insert({
          username: p.username,
          display_name: p.displayName,
          password_hash: passwordHash,
          roles: [role],
          org_unit_id: unitId,
        })
        .returning('id')
      id = Number(row.id)
    }
    users[role] = { id, username: p.username, displayName: p.displayName, unitSymbol: p.unit }
  }
  log(`units: ${Object.keys(units).length}, users: ${roles.length}`)
  return { ctx: { knex, units, users, log }, password }
}
