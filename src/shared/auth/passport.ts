import type { IncomingMessage } from 'node:http'
import passport, { type PassportStatic } from 'passport'
import { Strategy as LocalStrategy } from 'passport-local'
import type { Knex } from 'knex'
import type { Config } from '../../config.js'
import { checkCredentials } from '../../modules/auth/service.js'
import { findUserById, toSessionUser, type UserRow } from '../../modules/admin/users-repository.js'
import type { KnexSessionStore } from './session-store.js'

/**
 * Passport with the local (username + password) strategy. Another strategy (an office directory
 * over LDAP) can be added beside it: it must resolve to the same user row, and the login route
 * stays the same.
 */
export function createPassport(db: Knex, config: Config, store?: KnexSessionStore): PassportStatic {
  const instance = new passport.Passport() as unknown as PassportStatic
  instance.use(
    'local',
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      checkCredentials(db, config, { username, password, address: req.ip ?? 'unknown' }).then(
        (result) =>
          result.ok
            ? done(null, result.user as unknown as Express.User)
            : done(null, false, { message: result.reason }),
        (err) => done(err),
      )
    }),
  )
  instance.serializeUser((user, done) => done(null, (user as { id: number }).id))
  instance.deserializeUser(
    (req: IncomingMessage, id: number, done: (err: unknown, user?: Express.User | false) => void) => {
      // Normally read together with the session (see KnexSessionStore); otherwise on its own.
      const sid = (req as unknown as { sessionID: string }).sessionID
      const prefetched = store?.takeUserRow(sid, Number(id)) as UserRow | undefined
      ;(prefetched ? Promise.resolve(prefetched) : findUserById(db, Number(id))).then(
        (row) => done(null, row && row.active ? toSessionUser(row) : false),
        (err) => done(err),
      )
    },
  )
  return instance
}
