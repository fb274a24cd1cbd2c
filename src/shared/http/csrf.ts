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
 * upload handler, which checks the token itself right after parsing (see files/upload.ts); a multipart
 * request to a route without that handler is refused by the route guard (`deferredCsrfMissing`).
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

/**
 * A multipart state-changing request skips `csrfProtection` because only the route's upload handler
 * can read its token. A route without one would otherwise run with no token checked at all (a forged
 * `enctype="multipart/form-data"` form could deactivate a user): the route guard refuses it.
 */
export function deferredCsrfMissing(req: Request): boolean {
  if (!unsafeMethods.has(req.method) || !req.is('multipart/form-data')) return false
  const stack = (req.route as { stack?: Array<{ handle: unknown }> } | undefined)?.stack ?? []
  return !stack.some((layer) => layer.handle === verifyCsrfAfterUpload)
}
