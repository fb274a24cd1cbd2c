import crypto from 'node:crypto'
import type { Express, Request, RequestHandler } from 'express'
import { HttpError } from './errors.js'

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Set on the app by `useAnonymousCsrf`: the key and cookie of the tokens given to visitors not signed in. */
interface AnonymousCsrf {
  secret: string
  cookieName: string
  secure: boolean
}

export function useAnonymousCsrf(app: Express, options: AnonymousCsrf): void {
  app.set('anonymous csrf', options)
}

const nonceOf = new WeakMap<Request, string>()
const cookiePatterns = new Map<string, RegExp>()

function cookieNonce(req: Request, name: string): string | null {
  let pattern = cookiePatterns.get(name)
  if (!pattern)
    cookiePatterns.set(
      name,
      (pattern = new RegExp(`(?:^|;\\s*)${name.replace(/\./g, '\\.')}=([A-Za-z0-9_-]{43})(?:;|$)`)),
    )
  return pattern.exec(req.headers.cookie ?? '')?.[1] ?? null
}

const sign = (secret: string, nonce: string) =>
  crypto.createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url')

/**
 * The token a form carries. Signed in: the session's synchroniser token, created the first time a form
 * needs it. Not signed in (the login form, first-run setup): a signed double-submit token, an HMAC of a
 * random value kept in its own cookie, so that showing the login page writes no session to the database.
 */
export function csrfToken(req: Request): string {
  if (req.session?.csrfToken) return req.session.csrfToken
  const anonymous = req.app.get('anonymous csrf') as AnonymousCsrf | undefined
  if (req.user || !anonymous) {
    req.session.csrfToken = crypto.randomBytes(32).toString('base64url')
    return req.session.csrfToken
  }
  let nonce = nonceOf.get(req) ?? cookieNonce(req, anonymous.cookieName)
  if (!nonce) {
    nonce = crypto.randomBytes(32).toString('base64url')
    req.res?.cookie(anonymous.cookieName, nonce, {
      httpOnly: true,
      secure: anonymous.secure,
      sameSite: 'lax',
      path: '/',
    })
  }
  nonceOf.set(req, nonce)
  return sign(anonymous.secret, nonce)
}

const same = (expected: string, sent: string) => {
  const a = Buffer.from(expected)
  const b = Buffer.from(sent)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

function tokenMatches(req: Request): boolean {
  const sent = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token')
  if (typeof sent !== 'string') return false
  const expected = req.session?.csrfToken
  if (expected && same(expected, sent)) return true
  // A visitor not yet signed in posts the token bound to their cookie (the login form).
  const anonymous = req.app.get('anonymous csrf') as AnonymousCsrf | undefined
  if (req.user || !anonymous) return false
  const nonce = cookieNonce(req, anonymous.cookieName)
  return !!nonce && same(sign(anonymous.secret, nonce), sent)
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
