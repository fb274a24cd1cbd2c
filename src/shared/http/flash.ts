import type { Request } from 'express'
import type { SessionData } from 'express-session'

type Flash = NonNullable<SessionData['flash']>[number]

export function flash(req: Request, type: Flash['type'], key: string, params?: Flash['params']): void {
  req.session.flash = [...(req.session.flash ?? []), { type, key, ...(params ? { params } : {}) }]
}

export function takeFlash(req: Request): Flash[] {
  const messages = req.session?.flash ?? []
  if (messages.length && req.session) delete req.session.flash
  return messages
}
