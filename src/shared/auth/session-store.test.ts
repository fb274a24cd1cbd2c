import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type session from 'express-session'
import { createTestApp, signInAs, type TestContext } from '../../../tests/helpers/app.js'
import { KnexSessionStore } from './session-store.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestApp()
})
afterAll(() => ctx.close())

/** Counts the SQL statements `work` sends that match `pattern`. */
async function statements(pattern: RegExp, work: () => Promise<unknown>): Promise<number> {
  let n = 0
  const listener = (q: { sql: string }) => {
    if (pattern.test(q.sql)) n += 1
  }
  ctx.db.on('query', listener)
  try {
    await work()
  } finally {
    ctx.db.removeListener('query', listener)
  }
  return n
}

const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())))

describe('session store', () => {
  it('reads the signed-in user with the session: one query for both', async () => {
    const s = await signInAs(ctx, ['registry_clerk'])
    const reads = await statements(/from "(sessions|users)"/, () => s.agent.get('/').expect(200))
    expect(reads).toBe(1)
  })

  it('a role taken away applies at the next request, without a new login', async () => {
    const s = await signInAs(ctx, ['registry_clerk'])
    expect((await s.agent.get('/registry/incoming')).status).toBe(200)
    await ctx
      .db('users')
      .where({ id: s.userId })
      .update({ roles: ['archivist'] })
    expect((await s.agent.get('/registry/incoming')).status).toBe(403)
  })

  it('touches a session in the database at most once a minute per process', async () => {
    const store = new KnexSessionStore(ctx.db, 30 * 60_000)
    const sess = { cookie: { expires: new Date(Date.now() + 30 * 60_000) } } as unknown as session.SessionData
    await call((cb) => store.set('sid-touch-test', sess, cb))
    await ctx
      .db('sessions')
      .where({ sid: 'sid-touch-test' })
      .update({ expires_at: new Date(Date.now() + 60_000) })
    // Saved just now: the next minute's touches stay in memory.
    expect(
      await statements(/update "sessions"/, () => call((cb) => store.touch('sid-touch-test', sess, cb))),
    ).toBe(0)
    const fresh = new KnexSessionStore(ctx.db, 30 * 60_000)
    const later = {
      cookie: { expires: new Date(Date.now() + 30 * 60_000) },
    } as unknown as session.SessionData
    expect(
      await statements(/update "sessions"/, () => call((cb) => fresh.touch('sid-touch-test', later, cb))),
    ).toBe(1)
    expect(
      await statements(/update "sessions"/, () => call((cb) => fresh.touch('sid-touch-test', later, cb))),
    ).toBe(0)
    const row = await ctx.db('sessions').where({ sid: 'sid-touch-test' }).first('expires_at')
    expect(new Date(row.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 60_000)
  })
})
