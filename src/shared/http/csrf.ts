import crypto from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import { HttpError } from './errors.js'

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The session's synchroniser token, created the first time a form needs it. */
export function csrfToken(req: Request): string {
  req.session.csrfToken ??= crypto.randomBytes(32).toString('base64url')
  return req.session.csrfToken
}

function tokenMatches(req: Request): boolean {
  const expected = req.session?.csrfToken
  const sent = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token')
  if (!expected || typeof sent !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(sent)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

/**
 * Every state-changing request carries the session's token. Multipart bodies are parsed by the route's
 * upload handler, which checks the token itself right after parsing (see files/upload.ts).
 */
export const csrfProtection: RequestHandler = (req, _res, next) => {
  if (!unsafeMethods.has(req.method)) return next()
  if (req.is('multipart/form-data')) return next()
  if (!tokenMatches(req)) return next(new HttpError(403, 'errors.csrf'))
  next()
}

export const verifyCsrfAfterUpload: RequestHandler = (req, _res, next) => {
  if (!tokenMatches(req)) return next(new HttpError(403, 'errors.csrf'))
  next()
}
