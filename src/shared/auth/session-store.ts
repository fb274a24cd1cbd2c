import session from 'express-session'
import type { Knex } from 'knex'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Callback = (err?: any, value?: any) => void

/** How the store reads the signed-in user together with the session (one round trip per request). */
export interface SessionUserJoin {
  /** Adds the user's columns to a query over `sessions as s` (left joins; the row may have no user). */
  select(q: Knex.QueryBuilder): Knex.QueryBuilder
}

/** Sessions this process keeps notes on (last touch, a prefetched user) before it forgets the oldest. */
const sessionsRemembered = 50_000

/**
 * Sessions in the database, through the same Knex instance as everything else (on the embedded
 * database a second client would share PGlite's one session and could be rolled back with
 * another transaction). Several app instances can share it behind a load balancer.
 *
 * Every page reads its session, and the passport user behind it: with a `userJoin` both come in one
 * query, and `takeUserRow` hands the row to the deserializer of the same request (a fresh read, so a
 * deactivated user or changed roles take effect at the next request, as with a separate query).
 */
export class KnexSessionStore extends session.Store {
  private prefetched = new Map<string, Record<string, unknown>>()
  private touched = new Map<string, number>()

  constructor(
    private knex: Knex,
    private idleMs: number,
    private userJoin?: SessionUserJoin,
  ) {
    super()
  }

  /** The user row read with this session in the current request, if it is the user asked for. */
  takeUserRow(sid: string, userId: number): Record<string, unknown> | undefined {
    const row = this.prefetched.get(sid)
    this.prefetched.delete(sid)
    return row && Number(row.id) === Number(userId) ? row : undefined
  }

  private expiry(sess: session.SessionData): Date {
    const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires) : null
    return cookieExpiry ?? new Date(Date.now() + this.idleMs)
  }

  override get(sid: string, cb: Callback): void {
    const q = this.knex('sessions as s')
      .where('s.sid', sid)
      .andWhere('s.expires_at', '>', new Date())
      .first('s.sess')
    ;(this.userJoin ? this.userJoin.select(q) : q).then((row: Record<string, unknown> | undefined) => {
      if (!row) return cb(null, null)
      const { sess, ...user } = row
      if (this.userJoin && user.id !== null && user.id !== undefined) {
        if (this.prefetched.size > sessionsRemembered) this.prefetched.clear()
        this.prefetched.set(sid, user)
      }
      cb(null, typeof sess === 'string' ? JSON.parse(sess) : sess)
    }, cb)
  }

  private remember(sid: string, at: number): void {
    this.touched.delete(sid)
    this.touched.set(sid, at)
    if (this.touched.size > sessionsRemembered) this.touched.delete(this.touched.keys().next().value!)
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    const userId = (sess as { passport?: { user?: number } }).passport?.user ?? null
    this.knex('sessions')
      .insert({ sid, sess: JSON.stringify(sess), user_id: userId, expires_at: this.expiry(sess) })
      .onConflict('sid')
      .merge(['sess', 'user_id', 'expires_at'])
      .then(
        () => {
          this.remember(sid, Date.now())
          cb?.()
        },
        (err) => cb?.(err),
      )
  }

  /**
   * Extends the idle deadline; writes only when it moved by more than a minute, to spare the database,
   * and asks the database at most once a minute per session from this process (a page view is then
   * no write and no extra round trip). The idle timeout is therefore kept to about two minutes.
   */
  override touch(sid: string, sess: session.SessionData, cb?: Callback): void {
    const now = Date.now()
    const last = this.touched.get(sid)
    if (last !== undefined && now - last < 60_000) return cb?.()
    this.remember(sid, now)
    const expires = this.expiry(sess)
    this.knex('sessions')
      .where({ sid })
      .andWhere('expires_at', '<', new Date(expires.getTime() - 60_000))
      .update({ expires_at: expires })
      .then(
        () => cb?.(),
        (err) => cb?.(err),
      )
  }

  override destroy(sid: string, cb?: Callback): void {
    this.touched.delete(sid)
    this.prefetched.delete(sid)
    this.knex('sessions')
      .where({ sid })
      .del()
      .then(
        () => cb?.(),
        (err) => cb?.(err),
      )
  }
}

export async function endUserSessions(db: Knex | Knex.Transaction, userId: number): Promise<number> {
  return db('sessions').where({ user_id: userId }).del()
}

export async function pruneExpiredSessions(db: Knex): Promise<number> {
  return db('sessions').where('expires_at', '<', new Date()).del()
}
