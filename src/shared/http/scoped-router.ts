import type { RequestHandler, Router } from 'express'

/**
 * A module's router that only requests under its paths enter. Every module's router is mounted at the
 * root with its full paths, so without this a request would be matched against the routes of every
 * module before it (some 90 route patterns before the archive's). Matching stays as Express's:
 * case-insensitive, with or without a trailing slash. `stack` lets route listings see through.
 */
export function scopedRouter(paths: string[], router: Router): RequestHandler & { stack: unknown } {
  const exact = new Set(paths.map((p) => p.toLowerCase()))
  const prefixes = paths.filter((p) => p !== '/').map((p) => p.toLowerCase() + '/')
  const handler: RequestHandler = (req, res, next) => {
    const path = req.path.toLowerCase()
    if (exact.has(path) || prefixes.some((p) => path.startsWith(p))) return router(req, res, next)
    next()
  }
  return Object.assign(handler, { stack: router.stack })
}
