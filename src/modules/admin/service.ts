import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { changedFields, recordAudit, type Actor } from '../../shared/audit/audit.js'
import { hashPassword } from '../../shared/auth/passwords.js'
import { endUserSessions } from '../../shared/auth/session-store.js'
import * as users from './users-repository.js'
import * as units from './units-repository.js'
import type { UnitInput, UserEditInput, UserInput } from './schemas.js'

/** A temporary password the administrator hands over; the user must replace it at first login. */
export function temporaryPassword(): string {
  const words = crypto.randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')
  return `${words.slice(0, 5)}-${words.slice(5, 10)}-${words.slice(10, 15)}-${words.slice(15, 20)}`
}

export type ServiceResult<T> = { ok: true; value: T } | { ok: false; field: string; key: string }

export async function createUser(
  db: Knex,
  actor: Actor,
  input: UserInput,
): Promise<ServiceResult<{ id: number; password: string }>> {
  if (await users.findUserByUsername(db, input.username))
    return { ok: false, field: 'username', key: 'admin.users.usernameTaken' }
  const password = temporaryPassword()
  const passwordHash = await hashPassword(password)
  const id = await db.transaction(async (trx) => {
    const newId = await users.insertUser(trx, { ...input, passwordHash, mustChangePassword: true })
    await recordAudit(trx, actor, {
      action: 'admin.userCreated',
      entityType: 'user',
      entityId: newId,
      details: {
        after: {
          username: input.username,
          displayName: input.displayName,
          roles: input.roles,
          orgUnitId: input.orgUnitId,
        },
      },
    })
    return newId
  })
  return { ok: true, value: { id, password } }
}

export async function updateUserProfile(
  db: Knex,
  actor: Actor,
  id: number,
  input: UserEditInput,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const before = await users.findUserById(trx, id)
    if (!before) return false
    const after = {
      display_name: input.displayName,
      email: input.email ?? null,
      roles: input.roles,
      org_unit_id: input.orgUnitId,
    }
    const diff = changedFields(before as unknown as Record<string, unknown>, after)
    if (Object.keys(diff.after).length === 0) return true
    await users.updateUser(trx, id, after)
    await recordAudit(trx, actor, {
      action: 'admin.userUpdated',
      entityType: 'user',
      entityId: id,
      details: diff,
    })
    return true
  })
}

/** Deactivated users keep their row (the audit log refers to them) and lose every session at once. */
export async function setUserActive(db: Knex, actor: Actor, id: number, active: boolean): Promise<void> {
  await db.transaction(async (trx) => {
    await users.updateUser(trx, id, { active, deactivated_at: active ? null : new Date() })
    if (!active) await endUserSessions(trx, id)
    await recordAudit(trx, actor, {
      action: active ? 'admin.userReactivated' : 'admin.userDeactivated',
      entityType: 'user',
      entityId: id,
    })
  })
}

/** A reset gives a temporary password; the second factor stays, so a reset never bypasses it. */
export async function resetPassword(db: Knex, actor: Actor, id: number): Promise<string> {
  const password = temporaryPassword()
  const passwordHash = await hashPassword(password)
  await db.transaction(async (trx) => {
    await users.updateUser(trx, id, {
      password_hash: passwordHash,
      must_change_password: true,
      failed_logins: 0,
      locked_until: null,
    })
    await endUserSessions(trx, id)
    await recordAudit(trx, actor, { action: 'admin.passwordReset', entityType: 'user', entityId: id })
  })
  return password
}

export async function endSessions(db: Knex, actor: Actor, id: number): Promise<number> {
  return db.transaction(async (trx) => {
    const count = await endUserSessions(trx, id)
    await recordAudit(trx, actor, {
      action: 'admin.sessionsEnded',
      entityType: 'user',
      entityId: id,
      details: { count },
    })
    return count
  })
}

export async function activeSessionCount(db: Knex, id: number): Promise<number> {
  const row = await db('sessions')
    .where({ user_id: id })
    .andWhere('expires_at', '>', new Date())
    .count<{ c: string }>({ c: '*' })
    .first()
  return Number(row?.c ?? 0)
}

// --- Organisational units -----------------------------------------------------------------------

export async function createUnit(db: Knex, actor: Actor, input: UnitInput): Promise<ServiceResult<number>> {
  if (await units.findActiveUnitBySymbol(db, input.symbol))
    return { ok: false, field: 'symbol', key: 'admin.units.symbolTaken' }
  const id = await db.transaction(async (trx) => {
    const newId = await units.insertUnit(trx, input)
    await units.addUnitHistory(trx, {
      unitId: newId,
      change: 'created',
      newSymbol: input.symbol,
      newName: input.name,
      by: actor.id,
    })
    await recordAudit(trx, actor, {
      action: 'admin.unitCreated',
      entityType: 'org_unit',
      entityId: newId,
      details: { after: input },
    })
    return newId
  })
  return { ok: true, value: id }
}

/** Renaming keeps the old symbol and name in the history, so old case references still resolve. */
export async function updateUnit(
  db: Knex,
  actor: Actor,
  id: number,
  input: UnitInput,
): Promise<ServiceResult<number>> {
  const clash = await units.findActiveUnitBySymbol(db, input.symbol)
  if (clash && clash.id !== id) return { ok: false, field: 'symbol', key: 'admin.units.symbolTaken' }
  await db.transaction(async (trx) => {
    const before = await units.findUnit(trx, id)
    if (!before) return
    await units.updateUnit(trx, id, { symbol: input.symbol, name: input.name, parent_id: input.parentId })
    if (before.symbol !== input.symbol || before.name !== input.name)
      await units.addUnitHistory(trx, {
        unitId: id,
        change: 'renamed',
        oldSymbol: before.symbol,
        oldName: before.name,
        newSymbol: input.symbol,
        newName: input.name,
        by: actor.id,
      })
    await recordAudit(trx, actor, {
      action: 'admin.unitUpdated',
      entityType: 'org_unit',
      entityId: id,
      details: changedFields(
        { symbol: before.symbol, name: before.name, parentId: before.parent_id },
        { symbol: input.symbol, name: input.name, parentId: input.parentId },
      ),
    })
  })
  return { ok: true, value: id }
}

export async function closeUnit(
  db: Knex,
  actor: Actor,
  id: number,
  mergeInto: number | null,
): Promise<ServiceResult<number>> {
  if (mergeInto === id) return { ok: false, field: 'targetId', key: 'admin.units.mergeTargetSelf' }
  await db.transaction(async (trx) => {
    await units.updateUnit(trx, id, {
      status: mergeInto ? 'merged' : 'closed',
      merged_into_id: mergeInto,
      closed_at: new Date(),
    })
    await units.addUnitHistory(trx, { unitId: id, change: mergeInto ? 'merged' : 'closed', by: actor.id })
    await recordAudit(trx, actor, {
      action: mergeInto ? 'admin.unitMerged' : 'admin.unitClosed',
      entityType: 'org_unit',
      entityId: id,
      details: mergeInto ? { mergedInto: mergeInto } : {},
    })
  })
  return { ok: true, value: id }
}
