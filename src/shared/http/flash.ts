import type { Request } from 'express'
import type { SessionData } from 'express-session'

type Flash = NonNullable<SessionData['flash']>[number]

/**
 * How many messages wait for the next page. Posts whose redirect is never followed (a script, a tab
 * closed) would otherwise grow the session with every save, and every request reads and writes it.
 */
export const flashLimit = 5

export function flash(req: Request, type: Flash['type'], key: string, params?: Flash['params']): void {
  const queued = [...(req.session.flash ?? []), { type, key, ...(params ? { params } : {}) }]
  req.session.flash = queued.slice(-flashLimit)
}

export function takeFlash(req: Request): Flash[] {
  const messages = req.session?.flash ?? []
  if (messages.length && req.session) delete req.session.flash
  return messages
}
