import type { Knex } from 'knex'
import type { Request, RequestHandler } from 'express'
import { HttpError } from './errors.js'

/**
 * Bulk export and searches of personal data are rate-limited per user (ASVS 2.4.1): a member of staff
 * searches a few times a minute, a script that harvests the registers does it hundreds of times. The
 * counters live in the database, so the limit holds across several app instances.
 */
export type BulkKind = 'export' | 'search'

/** Which requests count: CSV exports, and the POSTed searches and look-ups of the modules. */
export function bulkKind(req: Request): BulkKind | null {
  if (req.method === 'GET' && /\.csv$/.test(req.path)) return 'export'
  if (req.method === 'POST' && /\/(search|lookup)$/.test(req.path)) return 'search'
  return null
}

export function rateLimitBulk(db: Knex, limits: Record<BulkKind, number>): RequestHandler {
  return async (req, _res, next) => {
    try {
      const kind = bulkKind(req)
      if (!kind || !req.user) return next()
      const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000)
      const [row] = await db('rate_limits')
        .insert({ key: `${kind}:${req.user.id}`, window_start: windowStart, count: 1 })
        .onConflict(['key', 'window_start'])
        .merge({ count: db.raw('rate_limits.count + 1') })
        .returning('count')
      if (Number(row.count) > limits[kind]) {
        req.log?.warn({ user: req.user.id, kind }, 'rate limit reached')
        return next(new HttpError(429, 'errors.429.body'))
      }
      next()
    } catch (err) {
      next(err)
    }
  }
}

export async function pruneRateLimits(db: Knex): Promise<number> {
  return db('rate_limits')
    .where('window_start', '<', new Date(Date.now() - 3600_000))
    .del()
}
