import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Test } from 'supertest'
import { roles } from '../../src/shared/auth/permissions.js'
import {
  createTestApp,
  createUnit,
  createUser,
  signIn,
  type SignedIn,
  type TestContext,
} from '../helpers/app.js'
import { collectRoutes, fillPath, stateChanging, type RouteInfo } from './helpers.js'

/**
 * ASVS 3.5.1 / 3.5.3: every state-changing route, found by walking the router (so routes of modules
 * that land later are covered too), refuses a request without the session's synchroniser token —
 * for a signed-in user who holds every permission, in both url-encoded and multipart form.
 */
const CSRF_MESSAGE = 'Formularz wygasł lub został wysłany spoza BOK'

let ctx: TestContext
let user: { id: number; username: string; password: string }
let victimUserId: number
let victimUnitId: number
let routes: RouteInfo[]

beforeAll(async () => {
  ctx = await createTestApp()
  const unit = await createUnit(ctx.db)
  user = await createUser(ctx.db, { roles: [...roles], orgUnitId: unit })
  victimUserId = (await createUser(ctx.db, { roles: ['archivist'], orgUnitId: unit })).id
  victimUnitId = await createUnit(ctx.db)
  routes = collectRoutes(ctx.app).filter(stateChanging)
})
afterAll(() => ctx.close())

const idFor = (path: string) => (path.startsWith('/admin/units') ? victimUnitId : victimUserId)
const urlOf = (r: RouteInfo) => fillPath(r.path, { id: idFor(r.path), token: 'x'.repeat(43) })
const send = (s: SignedIn, r: RouteInfo): Test => s.agent[r.method](urlOf(r))

async function auditHead(): Promise<number> {
  const head = await ctx.db('audit_head').where({ id: 1 }).first('seq')
  return Number(head.seq)
}

describe('CSRF on every state-changing route', () => {
  it('finds the foundation routes (and so will find the modules)', () => {
    const paths = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`)
    expect(paths).toContain('POST /admin/users/:id/deactivate')
    expect(paths).toContain('POST /logout')
    expect(routes.length).toBeGreaterThan(15)
  })

  it(
    'refuses a url-encoded form without a token, with a wrong token, and as multipart without one',
    { timeout: 300_000 },
    async () => {
      const failures: string[] = []
      // Refused requests change nothing, the session included: one sign-in serves every route.
      const s = await signIn(ctx.app, user)
      for (const r of routes) {
        const label = `${r.method.toUpperCase()} ${r.path}`
        const before = await auditHead()
        const attempts: Array<[string, Test]> = [
          ['no token', send(s, r).type('form').send({ lang: 'en', displayName: 'Zmieniona' })],
          [
            'wrong token',
            send(s, r)
              .type('form')
              .send({ _csrf: s.csrf.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }),
          ],
          ['multipart, no token', send(s, r).field('lang', 'en').field('displayName', 'Zmieniona')],
          ['multipart, wrong token', send(s, r).field('_csrf', 'x'.repeat(s.csrf.length))],
          [
            'header token of another session',
            send(s, r).set('X-CSRF-Token', 'y'.repeat(43)).type('form').send({}),
          ],
        ]
        for (const [kind, attempt] of attempts) {
          const res = await attempt
          if (res.status !== 403 || !res.text.includes(CSRF_MESSAGE))
            failures.push(`${label} (${kind}): ${res.status}`)
        }
        if ((await auditHead()) !== before) failures.push(`${label}: something was recorded as done`)
      }
      expect(failures).toEqual([])
    },
  )

  it(
    'accepts the same requests with the valid token (the refusals above were for the token alone)',
    { timeout: 300_000 },
    async () => {
      const failures: string[] = []
      let s = await signIn(ctx.app, user)
      for (const r of routes) {
        // An accepted request may end the session (logout, end own sessions): sign in again when it did.
        if ((await s.agent.get('/account/password')).status !== 200) s = await signIn(ctx.app, user)
        const res = r.multipart
          ? await send(s, r).field('_csrf', s.csrf)
          : await send(s, r).type('form').send({ _csrf: s.csrf })
        if (res.status === 403) failures.push(`${r.method.toUpperCase()} ${r.path}: 403 with a valid token`)
      }
      expect(failures).toEqual([])
    },
  )

  it('deactivating a user through a forged form leaves the user active', async () => {
    const s = await signIn(ctx.app, user)
    await s.agent.post(`/admin/users/${victimUserId}/deactivate`).field('confirm', 'yes')
    const victim = await ctx.db('users').where({ id: victimUserId }).first('active')
    expect(victim.active).toBe(true)
  })

  it('a GET never changes state: the GET routes record nothing but views', { timeout: 300_000 }, async () => {
    const s = await signIn(ctx.app, user)
    const gets = collectRoutes(ctx.app).filter((r) => r.method === 'get')
    const usersBefore = await ctx.db('users').orderBy('id').select('id', 'active', 'display_name', 'roles')
    const unitsBefore = await ctx.db('org_units').orderBy('id').select('id', 'status', 'name', 'symbol')
    for (const r of gets) await s.agent.get(urlOf(r))
    expect(await ctx.db('users').orderBy('id').select('id', 'active', 'display_name', 'roles')).toEqual(
      usersBefore,
    )
    expect(await ctx.db('org_units').orderBy('id').select('id', 'status', 'name', 'symbol')).toEqual(
      unitsBefore,
    )
  })
})
