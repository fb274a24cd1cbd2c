import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Config } from '../../config.js'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import {
  dummyPasswordHash,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from '../../shared/auth/passwords.js'
import { hashRecoveryCode, matchTotp, newRecoveryCodes } from '../../shared/auth/totp.js'
import { sealer } from '../../shared/auth/secret-box.js'
import { endUserSessions } from '../../shared/auth/session-store.js'
import {
  countUsers,
  findUserById,
  findUserByUsername,
  insertUser,
  updateUser,
  type UserRow,
} from '../admin/users-repository.js'

export type LoginRefusal = 'invalid' | 'addressThrottled'

const ADDRESS_WINDOW_MS = 15 * 60_000

const actorFor = (user: Pick<UserRow, 'id' | 'display_name' | 'unit_symbol'>, ip: string | null): Actor => ({
  id: user.id,
  name: user.display_name,
  unit: user.unit_symbol,
  ip,
})

async function addressThrottled(db: Knex, config: Config, address: string): Promise<boolean> {
  const row = await db('login_failures')
    .where({ address })
    .andWhere('at', '>', new Date(Date.now() - ADDRESS_WINDOW_MS))
    .count<{ count: string | number }>({ count: '*' })
    .first()
  return Number(row?.count ?? 0) >= config.LOGIN_MAX_FAILURES_PER_ADDRESS
}

async function recordFailure(
  db: Knex,
  config: Config,
  user: UserRow | undefined,
  address: string,
  username: string,
) {
  await db.transaction(async (trx) => {
    await trx('login_failures').insert({ address })
    if (user) {
      const failures = user.failed_logins + 1
      const lock = failures >= config.LOGIN_MAX_FAILURES_PER_ACCOUNT
      await updateUser(trx, user.id, {
        failed_logins: lock ? 0 : failures,
        ...(lock ? { locked_until: new Date(Date.now() + config.LOGIN_LOCK_MINUTES * 60_000) } : {}),
      })
      if (lock)
        await recordAudit(
          trx,
          { id: null, name: 'system', unit: null, ip: address },
          {
            action: 'auth.accountLocked',
            entityType: 'user',
            entityId: user.id,
          },
        )
    }
    await recordAudit(
      trx,
      { id: null, name: 'anonymous', unit: null, ip: address },
      {
        action: 'auth.loginFailed',
        entityType: 'user',
        ...(user ? { entityId: user.id } : {}),
        details: { username: username.slice(0, 64) },
      },
    )
  })
}

/**
 * Checks a username and password. Every refusal looks the same to the caller (no user enumeration):
 * unknown user, wrong password, locked or deactivated account all give 'invalid', after the same work.
 */
export async function checkCredentials(
  db: Knex,
  config: Config,
  input: { username: string; password: string; address: string },
): Promise<{ ok: true; user: UserRow } | { ok: false; reason: LoginRefusal }> {
  if (await addressThrottled(db, config, input.address)) return { ok: false, reason: 'addressThrottled' }
  const user = await findUserByUsername(db, input.username)
  const passwordOk = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password)
  const locked = !!user?.locked_until && user.locked_until > new Date()
  if (!user || !user.active || locked || !passwordOk) {
    await recordFailure(db, config, user, input.address, input.username)
    return { ok: false, reason: 'invalid' }
  }
  if (user.failed_logins > 0 || user.locked_until)
    await updateUser(db, user.id, { failed_logins: 0, locked_until: null })
  return { ok: true, user }
}

export async function checkSecondFactor(
  db: Knex,
  config: Config,
  input: { userId: number; code: string; address: string },
): Promise<{ ok: true; user: UserRow; usedRecoveryCode: boolean } | { ok: false; reason: LoginRefusal }> {
  if (await addressThrottled(db, config, input.address)) return { ok: false, reason: 'addressThrottled' }
  const user = await findUserById(db, input.userId)
  if (!user || !user.active || !user.totp_secret) return { ok: false, reason: 'invalid' }
  const locked = !!user.locked_until && user.locked_until > new Date()
  const secret = sealer(config.fieldEncryptionKey).open(user.totp_secret)
  const lastStep = await db('users').where({ id: user.id }).first('totp_last_step')
  const step = locked ? null : matchTotp(secret, input.code, lastStep?.totp_last_step ?? null)
  if (step !== null) {
    await updateUser(db, user.id, { totp_last_step: step })
    return { ok: true, user, usedRecoveryCode: false }
  }
  if (!locked) {
    const used = await db('recovery_codes')
      .where({ user_id: user.id, code_hash: hashRecoveryCode(input.code) })
      .whereNull('used_at')
      .update({ used_at: new Date() })
    if (used === 1) {
      await recordAudit(db, actorFor(user, input.address), {
        action: 'auth.recoveryCodeUsed',
        entityType: 'user',
        entityId: user.id,
      })
      return { ok: true, user, usedRecoveryCode: true }
    }
  }
  await recordFailure(db, config, user, input.address, user.username)
  return { ok: false, reason: 'invalid' }
}

export async function recordLogin(
  db: Knex,
  user: UserRow,
  address: string,
  method: 'password' | 'password+totp',
) {
  await db.transaction(async (trx) => {
    await updateUser(trx, user.id, { last_login_at: new Date() })
    await recordAudit(trx, actorFor(user, address), {
      action: 'auth.loggedIn',
      entityType: 'user',
      entityId: user.id,
      details: { method },
    })
  })
}

// --- First administrator, through a one-time set-up link ----------------------------------------

const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** When nobody can log in yet, a new one-time token for creating the first administrator. */
export async function issueSetupToken(db: Knex): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null
  const token = crypto.randomBytes(24).toString('base64url')
  await db.transaction(async (trx) => {
    await trx('setup_tokens').whereNull('used_at').del()
    await trx('setup_tokens').insert({
      token_hash: tokenHash(token),
      expires_at: new Date(Date.now() + 24 * 3600_000),
    })
  })
  return token
}

export async function setupTokenValid(db: Knex, token: string): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false
  const row = await db('setup_tokens')
    .where({ token_hash: tokenHash(token) })
    .whereNull('used_at')
    .andWhere('expires_at', '>', new Date())
    .first('token_hash')
  return !!row
}

export async function createFirstAdministrator(
  db: Knex,
  input: { token: string; username: string; displayName: string; password: string; address: string },
): Promise<UserRow | null> {
  const passwordHash = await hashPassword(input.password)
  return db.transaction(async (trx) => {
    // The token row lock makes two simultaneous submissions create one administrator.
    const token = await trx('setup_tokens')
      .where({ token_hash: tokenHash(input.token) })
      .whereNull('used_at')
      .andWhere('expires_at', '>', new Date())
      .forUpdate()
      .first('token_hash')
    if (!token || (await countUsers(trx)) > 0) return null
    await trx('setup_tokens').where({ token_hash: token.token_hash }).update({ used_at: new Date() })
    const id = await insertUser(trx, {
      username: input.username,
      displayName: input.displayName,
      passwordHash,
      roles: ['admin'],
      orgUnitId: null,
      mustChangePassword: false,
    })
    await recordAudit(
      trx,
      { id, name: input.displayName, unit: null, ip: input.address },
      {
        action: 'admin.userCreated',
        entityType: 'user',
        entityId: id,
        details: { after: { username: input.username, roles: ['admin'] }, via: 'setup-link' },
      },
    )
    return (await findUserById(trx, id)) ?? null
  })
}

// --- Own account --------------------------------------------------------------------------------

export type PasswordChangeResult = { ok: true } | { ok: false; field: string; key: string }

export async function changeOwnPassword(
  db: Knex,
  actor: Actor,
  input: { userId: number; currentPassword: string; newPassword: string; keepSessionId: string },
): Promise<PasswordChangeResult> {
  const user = await findUserById(db, input.userId)
  if (!user) return { ok: false, field: 'currentPassword', key: 'auth.password.currentWrong' }
  if (!(await verifyPassword(user.password_hash, input.currentPassword)))
    return { ok: false, field: 'currentPassword', key: 'auth.password.currentWrong' }
  const problem = passwordProblem(input.newPassword, {
    username: user.username,
    hasSecondFactor: !!user.totp_enabled_at,
  })
  if (problem) return { ok: false, field: 'newPassword', key: `auth.password.${problem}` }
  if (await verifyPassword(user.password_hash, input.newPassword))
    return { ok: false, field: 'newPassword', key: 'auth.password.sameAsOld' }
  const passwordHash = await hashPassword(input.newPassword)
  await db.transaction(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash, must_change_password: false })
    // Other sessions of this user end: whoever knew the old password is signed out everywhere else.
    await trx('sessions').where({ user_id: user.id }).whereNot({ sid: input.keepSessionId }).del()
    await recordAudit(trx, actor, { action: 'auth.passwordChanged', entityType: 'user', entityId: user.id })
  })
  return { ok: true }
}

export async function enableSecondFactor(
  db: Knex,
  config: Config,
  actor: Actor,
  input: { userId: number; secret: string; code: string; currentPassword: string },
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; field: string; key: string }> {
  const user = await findUserById(db, input.userId)
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword)))
    return { ok: false, field: 'currentPassword', key: 'auth.password.currentWrong' }
  const step = matchTotp(input.secret, input.code, null)
  if (step === null) return { ok: false, field: 'code', key: 'auth.totp.codeWrong' }
  const codes = newRecoveryCodes()
  await db.transaction(async (trx) => {
    await updateUser(trx, user.id, {
      totp_secret: sealer(config.fieldEncryptionKey).seal(input.secret),
      totp_enabled_at: new Date(),
      totp_last_step: step,
    })
    await trx('recovery_codes').where({ user_id: user.id }).del()
    await trx('recovery_codes').insert(
      codes.map((c) => ({ user_id: user.id, code_hash: hashRecoveryCode(c) })),
    )
    await recordAudit(trx, actor, {
      action: 'auth.secondFactorEnabled',
      entityType: 'user',
      entityId: user.id,
    })
  })
  return { ok: true, recoveryCodes: codes }
}

export async function regenerateRecoveryCodes(
  db: Knex,
  actor: Actor,
  input: { userId: number; currentPassword: string },
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; field: string; key: string }> {
  const user = await findUserById(db, input.userId)
  if (!user || !user.totp_enabled_at || !(await verifyPassword(user.password_hash, input.currentPassword)))
    return { ok: false, field: 'currentPassword', key: 'auth.password.currentWrong' }
  const codes = newRecoveryCodes()
  await db.transaction(async (trx) => {
    await trx('recovery_codes').where({ user_id: user.id }).del()
    await trx('recovery_codes').insert(
      codes.map((c) => ({ user_id: user.id, code_hash: hashRecoveryCode(c) })),
    )
    await recordAudit(trx, actor, {
      action: 'auth.recoveryCodesRegenerated',
      entityType: 'user',
      entityId: user.id,
    })
  })
  return { ok: true, recoveryCodes: codes }
}

export async function remainingRecoveryCodes(db: Knex, userId: number): Promise<number> {
  const row = await db('recovery_codes')
    .where({ user_id: userId })
    .whereNull('used_at')
    .count<{ count: string | number }>({ count: '*' })
    .first()
  return Number(row?.count ?? 0)
}

export { endUserSessions }
