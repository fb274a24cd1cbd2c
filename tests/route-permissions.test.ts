import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, createUnit, signInAs, type SignedIn, type TestContext } from './helpers/app.js'
import { concretePath, listRoutes } from './helpers/routes.js'
import { permissions, roleHas, roles, type Permission, type Role } from '../src/shared/auth/permissions.js'

/**
 * The route-by-role matrix: every route declares its permission, and every role is allowed exactly
 * where the permission table says (403 everywhere else). A new route without a declared permission
 * fails here.
 */
let ctx: TestContext
const agents = {} as Record<Role, SignedIn>

// Routes whose effect would end the signed-in test session itself.
const selfEnding = new Set(['POST /logout'])

beforeAll(async () => {
  ctx = await createTestApp()
  const unit = await createUnit(ctx.db, 'WOK', 'Wydział Obsługi Kancelaryjnej')
  for (const role of roles) agents[role] = await signInAs(ctx, [role], unit)
})
afterAll(() => ctx.close())

describe('route permissions', () => {
  it('every route declares a known permission or is marked public', () => {
    const routes = listRoutes(ctx.app)
    expect(routes.length).toBeGreaterThan(20)
    const undeclared = routes.filter(
      (r) => !r.permission || (r.permission !== 'public' && !(r.permission in permissions)),
    )
    expect(undeclared.map((r) => `${r.method} ${r.path}`)).toEqual([])
  })

  it('the walker notices a route without a declared permission', async () => {
    const { Router } = await import('express')
    const probe = await createTestApp()
    try {
      const r = Router()
      r.get('/undeclared-probe', (_req, res) => {
        res.send('x')
      })
      probe.app.use(r)
      expect(listRoutes(probe.app).find((x) => x.path === '/undeclared-probe')?.permission).toBeUndefined()
    } finally {
      await probe.close()
    }
  })

  it("each module's routes lie under the paths it declares (requests elsewhere pass its router by)", async () => {
    const { default: express } = await import('express')
    const { modules } = await import('../src/modules/index.js')
    const outside: string[] = []
    for (const m of modules) {
      const app = express()
      app.use(m.router(ctx.deps))
      const under = (path: string) =>
        m.paths.some((p) => path === p || (p !== '/' && path.startsWith(p + '/')))
      for (const r of listRoutes(app)) if (!under(r.path)) outside.push(`${m.name}: ${r.method} ${r.path}`)
    }
    expect(outside).toEqual([])
  })

  const guarded = () =>
    listRoutes(ctx.app).filter((r) => r.permission !== 'public' && !selfEnding.has(`${r.method} ${r.path}`))

  for (const role of roles) {
    it(`${role}: allowed exactly where the permission table says`, async () => {
      const mismatches: string[] = []
      for (const route of guarded()) {
        const allowed = roleHas(role, route.permission as Permission)
        const { agent, csrf } = agents[role]
        const url = concretePath(route.path)
        const res =
          route.method === 'GET'
            ? await agent.get(url)
            : await agent[route.method.toLowerCase() as 'post'](url).type('form').send({ _csrf: csrf })
        const refused = res.status === 403
        const signedOut = res.status === 303 && res.headers.location?.startsWith('/login')
        if (signedOut) mismatches.push(`${route.method} ${route.path}: session lost`)
        else if (allowed === refused)
          mismatches.push(`${route.method} ${route.path}: got ${res.status}, allowed=${allowed}`)
      }
      expect(mismatches).toEqual([])
    })
  }

  it('an anonymous request to a guarded page is sent to the login page, not served', async () => {
    const request = (await import('supertest')).default
    const res = await request(ctx.app).get('/admin/users')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fusers')
  })
})
