import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roles } from '../../src/shared/auth/permissions.js'
import { recordAudit, systemActor } from '../../src/shared/audit/audit.js'
import {
  createTestApp,
  createUnit,
  createUser,
  signIn,
  type SignedIn,
  type TestContext,
} from '../helpers/app.js'
import { collectRoutes, fillPath } from './helpers.js'

/**
 * ASVS 1.2.4, 2.2.1: sort columns from an allowlist (unknown ones refused with 400), filter parameters
 * validated, and SQL metacharacters in search terms matched literally.
 */
let ctx: TestContext
let s: SignedIn
beforeAll(async () => {
  ctx = await createTestApp()
  const unit = await createUnit(ctx.db)
  s = await signIn(ctx.app, await createUser(ctx.db, { roles: [...roles], orgUnitId: unit }))
})
afterAll(() => ctx.close())

const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const hostile = ["' OR 1=1 --", '%', '_', '\\', '"; DROP TABLE users; --', 'id desc', '(select 1)']

const pages = () =>
  collectRoutes(ctx.app).filter(
    (r) => r.method === 'get' && !/^\/(healthz|readyz)$/.test(r.path) && !r.path.includes(':'),
  )

describe('sort and filter parameters', () => {
  it(
    'an unknown sort column or direction is refused (400) on every list that offers sorting',
    { timeout: 180_000 },
    async () => {
      const failures: string[] = []
      let lists = 0
      for (const r of pages()) {
        const plain = await s.agent.get(fillPath(r.path))
        const sortable = /[?&;]sort=|name="sort"/.test(plain.text) || r.path === '/audit'
        if (!sortable) continue
        lists += 1
        for (const q of [
          ...hostile.map((h) => ({ sort: h })),
          { sort: 'password_hash' },
          { dir: 'sideways' },
        ]) {
          const res = await s.agent.get(fillPath(r.path)).query(q)
          if (res.status !== 400) failures.push(`${r.path} ${JSON.stringify(q)}: ${res.status}`)
        }
      }
      expect(lists).toBeGreaterThanOrEqual(1)
      expect(failures).toEqual([])
    },
  )

  it('no page answers garbage parameters with a server error', { timeout: 300_000 }, async () => {
    const failures: string[] = []
    const garbage = [
      { sort: "' OR 1=1 --", dir: 'up', after: '%%%' },
      { after: cursor([1, { a: 1 }]) },
      { after: cursor(['x', 'not-a-number']) },
      { after: 'x'.repeat(2000), from: '31.02.2026', to: "2026-13-45' --", actor: '1 OR 1=1' },
      {
        page: '-1',
        limit: '1000000',
        unit: "1'",
        status: '<x>',
        year: 'abc',
        'sort[]': 'id',
        'dir[$ne]': 'x',
      },
    ]
    for (const r of pages()) {
      for (const q of garbage) {
        const res = await s.agent.get(fillPath(r.path)).query(q)
        if (res.status >= 500) failures.push(`${r.path} ${JSON.stringify(q)}: ${res.status}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('audit filters: typed values validated, bad ones refused', async () => {
    for (const q of [
      { actor: 'abc' },
      { actor: '1 OR 1=1' },
      { action: "' OR 1=1 --" },
      { entityType: 'a b' },
    ]) {
      expect((await s.agent.get('/audit').query(q)).status, JSON.stringify(q)).toBe(400)
    }
    expect((await s.agent.get('/audit').query({ actor: String(s.userId) })).status).toBe(200)
  })
})

describe('SQL metacharacters in search terms match literally', () => {
  it('audit entity id: %, _, \\ and quotes find only the row that has exactly that text', async () => {
    const ids = ["x' OR 1=1 --", 'a%b', 'a_b', 'axb', 'a\\b', 'plain']
    for (const id of ids)
      await recordAudit(ctx.db, systemActor, { action: 'test.literal', entityType: 'probe', entityId: id })
    for (const id of ids) {
      const res = await s.agent.get('/audit').query({ entityType: 'probe', entityId: id })
      expect(res.status, id).toBe(200)
      const shown = [...res.text.matchAll(/<td>probe (.*?)<\/td>/g)].map((m) =>
        m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
      )
      expect(shown, id).toEqual([id])
    }
    for (const wildcard of ['%', '_', 'a%', 'a_', "' OR '1'='1"]) {
      const res = await s.agent.get('/audit').query({ entityType: 'probe', entityId: wildcard })
      expect(res.status).toBe(200)
      expect(res.text, wildcard).not.toMatch(/<td>probe /)
    }
  })
})
