import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roles } from '../../src/shared/auth/permissions.js'
import {
  createTestApp,
  createUnit,
  createUser,
  signIn,
  type SignedIn,
  type TestContext,
} from '../helpers/app.js'
import { assertEscaped, collectRoutes, fillPath, XSS_PAYLOAD } from './helpers.js'
import { errorFields, postForms, textKinds, type HtmlForm } from './forms.js'

/**
 * ASVS 1.2.1 / 1.1.2 / 1.3.7: a script payload stored through every text field of every form shows
 * up escaped on every page. The forms are found on the pages themselves, so a module's forms are
 * covered as soon as it lands; the foundation's (user display name, unit name) are named as well.
 */
let ctx: TestContext
let s: SignedIn
let unitId: number
let userId: number

beforeAll(async () => {
  ctx = await createTestApp()
  unitId = await createUnit(ctx.db, 'ESC', 'Wydział Ucieczek')
  const user = await createUser(ctx.db, { roles: [...roles], orgUnitId: unitId })
  userId = user.id
  s = await signIn(ctx.app, user)
})
afterAll(() => ctx.close())

const getRoutes = () =>
  collectRoutes(ctx.app).filter((r) => r.method === 'get' && !/^\/(healthz|readyz)$/.test(r.path))

async function everyPageEscaped(agent: SignedIn['agent'], ids: Record<string, number>): Promise<string[]> {
  const failures: string[] = []
  for (const r of getRoutes()) {
    for (const id of new Set(Object.values(ids))) {
      const path = fillPath(r.path, { id })
      const res = await agent.get(path)
      if (!String(res.headers['content-type']).startsWith('text/html')) continue
      for (const p of assertEscaped(res.text)) failures.push(`${path}: ${p}`)
    }
  }
  return failures
}

const candidates = ['Tekst próbny', 'ABC', '24.11.2026', '1', 'test@example.com', 'A1']
const skipActions = /^\/(logout|language|account\/password|login)/

/** Fills a form: payload in text fields, a plausible value elsewhere; `fallback` for fields marked wrong. */
function fill(
  form: HtmlForm,
  csrf: string,
  fallback: Map<string, string>,
): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {}
  for (const f of form.fields) {
    if (f.name === '_csrf') body[f.name] = csrf
    else if (fallback.has(f.name)) body[f.name] = fallback.get(f.name)!
    else if (textKinds.has(f.kind))
      body[f.name] = /date|On$|At$|day|month|year/i.test(f.name) ? '24.11.2026' : XSS_PAYLOAD
    else if (f.kind === 'checkbox') body[f.name] = [f.options[0]!]
    else if (f.kind === 'radio' || f.kind === 'select') body[f.name] = f.options.find((o) => o !== '') ?? ''
    else if (f.kind === 'hidden') body[f.name] = f.value
  }
  return body
}

describe('output escaping', () => {
  it(
    'the foundation forms: user display name and unit name, stored and shown escaped',
    { timeout: 180_000 },
    async () => {
      const created = await s.agent
        .post('/admin/users')
        .type('form')
        .send({
          _csrf: s.csrf,
          username: 'xss.user',
          displayName: XSS_PAYLOAD,
          roles: ['archivist'],
          orgUnitId: String(unitId),
        })
      expect(created.status).toBe(200)
      expect(assertEscaped(created.text)).toEqual([])
      const unit = await s.agent
        .post('/admin/units')
        .type('form')
        .send({ _csrf: s.csrf, symbol: 'XSS', name: XSS_PAYLOAD, parentId: '' })
      expect(unit.status).toBe(303)
      const stored = await ctx.db('users').where({ username: 'xss.user' }).first('id', 'display_name')
      expect(stored.display_name).toBe(XSS_PAYLOAD)
      const storedUnit = await ctx.db('org_units').where({ symbol: 'XSS' }).first('id', 'name')
      expect(storedUnit.name).toBe(XSS_PAYLOAD)

      const list = await s.agent.get('/admin/users')
      expect(list.text).toContain(
        '&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;',
      )
      expect(await everyPageEscaped(s.agent, { user: stored.id, unit: storedUnit.id })).toEqual([])
    },
  )

  it('a rejected form (422) shows the typed payload back escaped', async () => {
    const res = await s.agent
      .post('/admin/units')
      .type('form')
      .send({ _csrf: s.csrf, symbol: '"><img src=x onerror=alert(1)>', name: XSS_PAYLOAD })
    expect(res.status).toBe(422)
    expect(res.text).toContain('value="&lt;script&gt;')
    expect(assertEscaped(res.text)).toEqual([])
  })

  it(
    'a user whose name is the payload sees it escaped in the header of every page',
    { timeout: 180_000 },
    async () => {
      const victim = await createUser(ctx.db, { roles: [...roles], orgUnitId: unitId })
      await ctx.db('users').where({ id: victim.id }).update({ display_name: XSS_PAYLOAD })
      const v = await signIn(ctx.app, victim)
      const home = await v.agent.get('/')
      expect(home.text).toContain('&lt;script&gt;')
      expect(await everyPageEscaped(v.agent, { self: victim.id })).toEqual([])
    },
  )

  it(
    'every text field of every form on every page, stored and shown back escaped',
    { timeout: 300_000 },
    async () => {
      const submitted: string[] = []
      const failures: string[] = []
      const seen = new Set<string>()
      for (const r of getRoutes()) {
        const path = fillPath(r.path, { id: r.path.startsWith('/admin/units') ? unitId : userId })
        const page = await s.agent.get(path)
        if (!String(page.headers['content-type']).startsWith('text/html')) continue
        for (const form of postForms(page.text, path)) {
          if (skipActions.test(form.action) || seen.has(form.action)) continue
          if (
            !form.fields.some((f) => textKinds.has(f.kind)) ||
            form.fields.some((f) => f.kind === 'password')
          )
            continue
          seen.add(form.action)
          const fallback = new Map<string, string>()
          for (let round = 0; round < candidates.length; round += 1) {
            const body = fill(form, s.csrf, fallback)
            const req = s.agent.post(form.action)
            const res = form.multipart
              ? await Object.entries(body).reduce((q, [k, v]) => q.field(k, v as string), req)
              : await req.type('form').send(body)
            for (const p of assertEscaped(res.text ?? '')) failures.push(`POST ${form.action}: ${p}`)
            if (process.env.DEBUG_FORMS) console.log(form.action, res.status, errorFields(res.text), body)
            if (res.status !== 422) {
              submitted.push(`${form.action} → ${res.status}`)
              break
            }
            for (const field of errorFields(res.text)) fallback.set(field, candidates[round]!)
          }
        }
      }
      expect(submitted.length).toBeGreaterThanOrEqual(2)
      expect(failures).toEqual([])
      expect(await everyPageEscaped(s.agent, { user: userId, unit: unitId, first: 1 })).toEqual([])
    },
  )

  it('the audit log shows the stored payloads (actor names, details) escaped', async () => {
    const auditor = await createUser(ctx.db, { roles: ['auditor'] })
    const a = await signIn(ctx.app, auditor)
    const res = await a.agent.get('/audit')
    expect(res.status).toBe(200)
    expect(res.text).toContain('&lt;script&gt;')
    expect(assertEscaped(res.text)).toEqual([])
  })
})
