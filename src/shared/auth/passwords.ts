import { hash, verify } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * argon2id with the library defaults, which are OWASP's minimum: m=19456 KiB, t=2, p=1
 * (a test checks the prefix). Hashing is capped to a few at once so the 8:00 login peak
 * cannot exhaust memory: the rest wait in line.
 */
let maxConcurrent = 4
let running = 0
const waiting: Array<() => void> = []

export function setHashConcurrency(n: number): void {
  maxConcurrent = n
}

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= maxConcurrent) await new Promise<void>((resolve) => waiting.push(resolve))
  running += 1
  try {
    return await work()
  } finally {
    running -= 1
    waiting.shift()?.()
  }
}

export const hashPassword = (password: string) => limited(() => hash(password))

export const verifyPassword = (storedHash: string, password: string) =>
  limited(() => verify(storedHash, password).catch(() => false))

/** Verified against when the user does not exist, so timing does not reveal which usernames exist. */
let dummyHash: Promise<string> | null = null
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('bok-dummy-password-for-timing')
  return dummyHash
}

const blocklist = new Set(dictionary['passwords-common'] as string[])
const contextWords = ['bok', 'udsc', 'cudzoziemcy', 'cudzoziemcow', 'haslo', 'password', 'qwerty']

export const PASSWORD_MAX = 256

/** 1234567890…, abcdef…, 987654…: consecutive characters (digits wrap 9→0). */
function isSequential(s: string): boolean {
  let up = 0
  let down = 0
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1)
    if (d === 1 || (s[i - 1] === '9' && s[i] === '0')) up += 1
    else if (d === -1 || (s[i - 1] === '0' && s[i] === '9')) down += 1
  }
  return Math.max(up, down) >= (s.length - 1) * 0.9
}

export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'containsUsername' | 'repetitive'

/**
 * NIST SP 800-63B rules: a minimum length (15 without a second factor, 8 with one), long passphrases
 * accepted, no composition rules, and a check against a local list of common and breached passwords.
 */
export function passwordProblem(
  password: string,
  opts: { username?: string; hasSecondFactor: boolean },
): PasswordProblem | null {
  const min = opts.hasSecondFactor ? 8 : 15
  const length = [...password].length
  if (length < min) return 'tooShort'
  if (length > PASSWORD_MAX) return 'tooLong'
  const lower = password.toLowerCase()
  const squashed = lower.replace(/[\s\d!@#$%^&*._-]+$/u, '')
  if (blocklist.has(lower) || blocklist.has(squashed)) return 'common'
  const lettersOnly = lower.replace(/[^a-z]/g, '')
  if (lettersOnly && contextWords.some((w) => lettersOnly.replaceAll(w, '') === '')) return 'common'
  if (opts.username && opts.username.length >= 3 && lower.includes(opts.username.toLowerCase()))
    return 'containsUsername'
  if (new Set(password).size <= 2 || isSequential(lower)) return 'repetitive'
  return null
}
