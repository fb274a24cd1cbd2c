import type { Knex } from 'knex'
import { hashPassword } from '../../src/shared/auth/passwords.js'
import { roles, type Role } from '../../src/shared/auth/permissions.js'
import { demoUnits } from '../demo/core.js'
import type { ScaleContext, ScaleUnit } from './context.js'
import { Rng } from './random.js'

/**
 * The Office's units beyond the demo set: the departments that receive most correspondence have
 * numbered divisions (wydziały). Weights give the skew of real traffic: the asylum and residence
 * departments get most of the post, a legal office little.
 */
const extraUnits: Array<{ symbol: string; name: string; parent?: string; weight: number }> = [
  { symbol: 'DPU-WI', name: 'Wydział Procedur Uchodźczych I', parent: 'DPU', weight: 14 },
  { symbol: 'DPU-WII', name: 'Wydział Procedur Uchodźczych II', parent: 'DPU', weight: 12 },
  { symbol: 'DPU-WIII', name: 'Wydział Procedur Uchodźczych III', parent: 'DPU', weight: 9 },
  { symbol: 'DPU-WD', name: 'Wydział Dublin', parent: 'DPU', weight: 6 },
  { symbol: 'DL-WI', name: 'Wydział Legalizacji Pobytu I', parent: 'DL', weight: 13 },
  { symbol: 'DL-WII', name: 'Wydział Legalizacji Pobytu II', parent: 'DL', weight: 11 },
  { symbol: 'DL-WIII', name: 'Wydział Odwołań', parent: 'DL', weight: 8 },
  { symbol: 'DL-WK', name: 'Wydział Kontroli Legalności Pobytu', parent: 'DL', weight: 4 },
  { symbol: 'DPS', name: 'Departament Pomocy Socjalnej', weight: 5 },
  { symbol: 'DPS-WO', name: 'Wydział Ośrodków dla Cudzoziemców', parent: 'DPS', weight: 3 },
  { symbol: 'DI', name: 'Departament Informatyki', weight: 1 },
  { symbol: 'DEC', name: 'Departament Ewidencji Cudzoziemców', weight: 4 },
  { symbol: 'BFK', name: 'Biuro Finansowo-Księgowe', weight: 1.5 },
  { symbol: 'BSM', name: 'Biuro Spraw Międzynarodowych', weight: 1 },
]
const demoWeights: Record<string, number> = {
  BOK: 2,
  'BOK-SB': 1,
  WAE: 3,
  WOK: 2,
  ZOK: 3,
  DPU: 4,
  DL: 4,
  DO: 2,
  BSZ: 2,
  BPR: 1.5,
  BKA: 1.5,
}

const roleUnits: Record<Role, string | null> = {
  admin: 'BOK-SB',
  registry_clerk: 'WOK',
  archivist: 'WAE',
  hall_staff: 'ZOK',
  document_officer: 'ZOK',
  records_officer: 'WAE',
  auditor: 'BSZ',
}

const givenNames = [
  'Anna',
  'Piotr',
  'Katarzyna',
  'Tomasz',
  'Agnieszka',
  'Paweł',
  'Magdalena',
  'Michał',
  'Joanna',
  'Marcin',
  'Ewa',
  'Krzysztof',
]
const surnames = [
  'Nowak',
  'Kowalska',
  'Wiśniewski',
  'Wójcik',
  'Kowalczyk',
  'Kamińska',
  'Lewandowski',
  'Zielińska',
  'Szymański',
  'Woźniak',
  'Dąbrowska',
  'Kozłowski',
]

export const benchUsername = (role: Role) => `bench.${role.replace(/_/g, '-')}`

export async function seedScaleCore(
  knex: Knex,
  password: string,
  staffCount: number,
  rng: Rng,
): Promise<Pick<ScaleContext, 'units' | 'users' | 'staffIds'>> {
  const units: ScaleUnit[] = []
  const bySymbol: Record<string, number> = {}
  const all = [...demoUnits.map((u) => ({ ...u, weight: demoWeights[u.symbol] ?? 1 })), ...extraUnits]
  for (const u of all) {
    let row = await knex('org_units').where({ symbol: u.symbol, status: 'active' }).first('id')
    if (!row) {
      ;[row] = await knex('org_units')
        .insert({ symbol: u.symbol, name: u.name, parent_id: u.parent ? bySymbol[u.parent] : null })
        .returning('id')
      await knex('org_unit_history').insert({
        org_unit_id: row.id,
        change: 'created',
        new_symbol: u.symbol,
        new_name: u.name,
      })
    }
    bySymbol[u.symbol] = Number(row.id)
    units.push({ id: Number(row.id), symbol: u.symbol, weight: u.weight })
  }

  const passwordHash = await hashPassword(password)
  const upsertUser = async (username: string, displayName: string, role: Role, unitId: number | null) => {
    const existing = await knex('users').whereRaw('lower(username) = ?', [username]).first('id')
    if (existing) {
      await knex('users')
        .where({ id: existing.id })
        .update({
          password_hash: passwordHash,
          active: true,
          failed_logins: 0,
          locked_until: null,
          roles: [role],
        })
      return Number(existing.id)
    }
    const [row] = await knex('users')
      .insert({
        username,
        display_name: displayName,
        password_hash: passwordHash,
        roles: [role],
        org_unit_id: unitId,
      })
      .returning('id')
    return Number(row.id)
  }

  const users = {} as ScaleContext['users']
  for (const role of roles) {
    const unit = roleUnits[role]
    const unitId = unit ? (bySymbol[unit] ?? null) : null
    const username = benchUsername(role)
    users[role] = { id: await upsertUser(username, `Bench ${role}`, role, unitId), username, unitId }
  }

  // Staff of every unit (hundreds of people use BOK), all with the same password hash.
  const staffRoles: Role[] = [
    'registry_clerk',
    'archivist',
    'hall_staff',
    'document_officer',
    'records_officer',
  ]
  const existing = await knex('users').where('username', 'like', 'staff.%').count<{ n: string }[]>('id as n')
  const have = Number(existing[0]?.n ?? 0)
  const rows = []
  for (let i = have; i < staffCount; i += 1) {
    const unit = units[i % units.length]!
    rows.push({
      username: `staff.${String(i + 1).padStart(4, '0')}`,
      display_name: `${rng.pick(givenNames)} ${rng.pick(surnames)}`,
      password_hash: passwordHash,
      roles: [rng.pick(staffRoles)],
      org_unit_id: unit.id,
    })
  }
  if (rows.length) await knex.batchInsert('users', rows, 500)
  const staff = await knex('users')
    .where('username', 'like', 'staff.%')
    .orWhere('username', 'like', 'bench.%')
    .select('id')
  return { units, users, staffIds: staff.map((r: { id: string | number }) => Number(r.id)) }
}
