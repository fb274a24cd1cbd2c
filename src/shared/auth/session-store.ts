import session from 'express-session'
import type { Knex } from 'knex'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Callback = (err?: any, value?: any) => void

/**
 * Sessions in the database, through the same Knex instance as everything else (on the embedded
 * database a second client would share PGlite's one session and could be rolled back with
 * another transaction). Several app instances can share it behind a load balancer.
 */
export class KnexSessionStore extends session.Store {
  constructor(
    private knex: Knex,
    private idleMs: number,
  ) {
    super()
  }

  private expiry(sess: session.SessionData): Date {
    const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires) : null
    return cookieExpiry ?? new Date(Date.now() + this.idleMs)
  }

  override get(sid: string, cb: Callback): void {
    this.knex('sessions')
      .where({ sid })
      .andWhere('expires_at', '>', new Date())
      .first('sess')
      .then(
        (row) => cb(null, row ? (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) : null),
        cb,
      )
  }

  override set(sid: string, sess: session.SessionData, cb?: Callback): void {
    const userId = (sess as { passport?: { user?: number } }).passport?.user ?? null
    this.knex('sessions')
      .insert({ sid, sess: JSON.stringify(sess), user_id: userId, expires_at: this.expiry(sess) })
      .onConflict('sid')
      .merge(['sess', 'user_id', 'expires_at'])
      .then(
        () => cb?.(),
        (err) => cb?.(err),
      )
  }

  /** Extends the idle deadline; writes only when it moved by more than a minute, to spare the database. */
  override touch(sid: string, sess: session.SessionData, cb?: Callback): void {
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
