import crypto from 'node:crypto'
import * as OTPAuth from 'otpauth'
import QRCode from 'qrcode'

const PERIOD = 30

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32
}

function totp(secret: string, label = 'BOK') {
  return new OTPAuth.TOTP({
    issuer: 'BOK',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: OTPAuth.Secret.fromBase32(secret),
  })
}

export function totpUri(secret: string, username: string): string {
  return totp(secret, username).toString()
}

/** QR code as SVG markup generated on the server (no external service, no inline script). */
export async function totpQrSvg(secret: string, username: string): Promise<string> {
  return QRCode.toString(totpUri(secret, username), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
}

/**
 * Checks a code within ±1 step of clock drift. Returns the time step it matched, which the caller
 * stores so the same code cannot be used twice.
 */
export function matchTotp(
  secret: string,
  code: string,
  lastStep: number | null,
  now = Date.now(),
): number | null {
  const token = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const delta = totp(secret).validate({ token, window: 1, timestamp: now })
  if (delta === null) return null
  const step = Math.floor(now / 1000 / PERIOD) + delta
  if (lastStep !== null && step <= lastStep) return null
  return step
}

export function currentTotpCode(secret: string, now = Date.now()): string {
  return totp(secret).generate({ timestamp: now })
}

const recoveryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789'

/** Ten one-time recovery codes like `k7m2-q9xp-4d`, each with 50+ bits of entropy. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from(
      crypto.randomBytes(10),
      (b) => recoveryAlphabet[b % recoveryAlphabet.length],
    ).join('')
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 10)}`
  })
}

export function hashRecoveryCode(code: string): string {
  return crypto.createHash('sha256').update(code.trim().toLowerCase().replace(/\s/g, '')).digest('hex')
}
