import pino, { type Logger, type DestinationStream } from 'pino'

/**
 * Never written to the log: passwords, tokens, session ids, names, document numbers, PESEL.
 * Request bodies are not logged at all; these paths cover objects passed to the logger by hand.
 */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.code',
  '*.sid',
  '*.sessionId',
  '*.pesel',
  '*.surname',
  '*.givenNames',
  '*.name',
  '*.displayName',
  '*.documentNumber',
  '*.mrz',
  'password',
  'token',
  'pesel',
]

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { app: 'bok' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}

/** Path with secrets in it (the setup token) reduced before logging. */
export function safeUrl(url: string | undefined): string {
  if (!url) return ''
  return url
    .replace(/^\/setup\/[^/?#]+/, '/setup/[redacted]')
    .replace(/\?.*$/, (q) => (q.length > 1 ? '?…' : ''))
}
