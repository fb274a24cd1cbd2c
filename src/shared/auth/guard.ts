import type { RequestHandler } from 'express'
import { can, type Permission } from './permissions.js'
import { HttpError } from '../http/errors.js'
import { deferredCsrfMissing } from '../http/csrf.js'

export type GuardedHandler = RequestHandler & { permission: Permission | 'public' }

/** The first handler of every route: names the permission the route needs. */
export function permit(permission: Permission): GuardedHandler {
  const handler: RequestHandler = (req, _res, next) => {
    if (deferredCsrfMissing(req)) return next(new HttpError(403, 'errors.csrf'))
    if (!req.user) return next(new HttpError(401))
    if (!can(req.user.roles, permission)) return next(new HttpError(403))
    next()
  }
  return Object.assign(handler, { permission })
}

/** Marks a route as open to anyone (login, set-up, health). */
export const publicRoute: GuardedHandler = Object.assign<RequestHandler, { permission: 'public' }>(
  (req, _res, next) => (deferredCsrfMissing(req) ? next(new HttpError(403, 'errors.csrf')) : next()),
  { permission: 'public' },
)
