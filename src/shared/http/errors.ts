export class HttpError extends Error {
  constructor(
    public status: number,
    public key?: string,
  ) {
    super(`HTTP ${status}`)
  }
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
])

/** True when the database could not be reached: the request fails with 503 and the next one retries. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string }
  if (!e) return false
  if (e.code && connectionErrorCodes.has(e.code)) return true
  if (e.name === 'KnexTimeoutError') return true
  return /Connection terminated|terminating connection|Client has encountered a connection error/i.test(
    e.message ?? '',
  )
}

/**
 * PostgreSQL refused a value a user sent that no schema could type in advance (a keyset cursor holding
 * text where the sort column is a number or a date): the request was bad (400), not the server (500).
 */
const badInputCodes = new Set(['22P02', '22007', '22008', '22003'])
export function isBadInput(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return !!code && badInputCodes.has(code)
}
