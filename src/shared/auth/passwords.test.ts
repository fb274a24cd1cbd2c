import { describe, expect, it } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js'

describe('password hashing', () => {
  it('uses argon2id with at least OWASP parameters (19 MiB, 2 iterations, 1 lane)', async () => {
    const hash = await hashPassword('zielone jabłka spadają jesienią')
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true)
    expect(await verifyPassword(hash, 'zielone jabłka spadają jesienią')).toBe(true)
    expect(await verifyPassword(hash, 'zielone jabłka spadają jesienia')).toBe(false)
  })

  it('handles many logins at once without failing (hashing is queued)', async () => {
    const hashes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => hashPassword(`passphrase number ${i} here`)),
    )
    expect(new Set(hashes).size).toBe(12)
  })
})

describe('password rules (NIST SP 800-63B)', () => {
  const noMfa = { hasSecondFactor: false }
  it('needs 15 characters without a second factor and 8 with one', () => {
    expect(passwordProblem('krótkie hasło', noMfa)).toBe('tooShort')
    expect(passwordProblem('krótkie hasło', { hasSecondFactor: true })).toBeNull()
    expect(passwordProblem('kot na płocie śpi', noMfa)).toBeNull()
  })
  it('accepts long passphrases of 64+ characters and has no composition rules', () => {
    expect(passwordProblem('a'.repeat(3) + ' very long passphrase '.repeat(4), noMfa)).toBeNull()
    expect(passwordProblem('alllowercaseletterswithoutdigits', noMfa)).toBeNull()
  })
  it('refuses common and breached passwords from the local list', () => {
    expect(passwordProblem('passwordpassword', noMfa)).toBe('common')
    expect(passwordProblem('1234567890123456', noMfa)).not.toBeNull()
    expect(passwordProblem('qwertyuiop', { hasSecondFactor: true })).toBe('common')
    expect(passwordProblem('1qaz2wsx', { hasSecondFactor: true })).toBe('common')
  })
  it('refuses a password containing the username and repetitive ones', () => {
    expect(
      passwordProblem('jan.kowalski-2026-haslo', { hasSecondFactor: false, username: 'jan.kowalski' }),
    ).toBe('containsUsername')
    expect(passwordProblem('aaaaaaaaaaaaaaaaaaaa', noMfa)).toBe('repetitive')
  })
  it('refuses more than 256 characters rather than truncating', () => {
    expect(passwordProblem('x y z '.repeat(50), noMfa)).toBe('tooLong')
  })
})
