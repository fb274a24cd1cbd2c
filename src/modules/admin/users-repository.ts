import type { Knex } from 'knex'
import type { Db } from '../../shared/db/index.js'
import { dropReferenceLists } from '../../shared/db/reference-lists.js'

export interface UserRow {
  id: number
  username: string
  display_name: string
  email: string | null
  password_hash: string
  roles: string[]
  org_unit_id: number | null
  active: boolean
  must_change_password: boolean
  failed_logins: number
  locked_until: Date | null
  last_login_at: Date | null
  totp_secret: string | null
  totp_enabled_at: Date | null
  language: string
  created_at: Date
  unit_symbol: string | null
  unit_name: string | null
}

const columns = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.email',
  'u.password_hash',
  'u.roles',
  'u.org_unit_id',
  'u.active',
  'u.must_change_password',
  'u.failed_logins',
  'u.locked_until',
  'u.last_login_at',
  'u.totp_secret',
  'u.totp_enabled_at',
  'u.language',
  'u.created_at',
  'o.symbol as unit_symbol',
  'o.name as unit_name',
]

const base = (db: Db) => db('users as u').leftJoin('org_units as o', 'o.id', 'u.org_unit_id')

/** Reads the session's user with the session itself (a query over `sessions as s`): see the store. */
export function selectSessionUser(q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q
    .leftJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select(columns)
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return base(db).where('u.id', id).first(columns)
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return base(db).whereRaw('lower(u.username) = lower(?)', [username]).first(columns)
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db('users').count<{ count: string | number }>({ count: '*' }).first()
  return Number(row?.count ?? 0)
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return base(db)
    .orderBy([{ column: 'u.active', order: 'desc' }, { column: 'u.username' }])
    .select(columns)
}

export interface NewUser {
  username: string
  displayName: string
  email?: string | undefined
  passwordHash: string
  roles: string[]
  orgUnitId: number | null
  mustChangePassword: boolean
}

export async function insertUser(db: Db, u: NewUser): Promise<number> {
  dropReferenceLists(db)
  const [row] = await db('users')
    .insert({
      username: u.username,
      display_name: u.displayName,
      email: u.email ?? null,
      password_hash: u.passwordHash,
      roles: u.roles,
      org_unit_id: u.orgUnitId,
      must_change_password: u.mustChangePassword,
    })
    .returning('id')
  return Number(row.id)
}

export async function updateUser(db: Db, id: number, fields: Record<string, unknown>): Promise<void> {
  dropReferenceLists(db)
  await db('users')
    .where({ id })
    .update({ ...fields, updated_at: new Date() })
}

export function toSessionUser(row: UserRow): Express.User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    orgUnitId: row.org_unit_id,
    unitSymbol: row.unit_symbol,
    unitName: row.unit_name,
    totpEnabled: !!row.totp_enabled_at,
    mustChangePassword: row.must_change_password,
  }
}
