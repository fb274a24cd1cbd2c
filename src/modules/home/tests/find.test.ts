import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, createUnit, signInAs, type TestContext } from '../../../../tests/helpers/app.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestApp()
})
afterAll(() => ctx.close())

describe('header find box', () => {
  it('hands a clerk’s scan to the registry search and a hall clerk’s to the deposit look-up, body intact', async () => {
    const unit = await createUnit(ctx.db, 'WOK', 'Wydział Obsługi Kancelaryjnej')
    const clerk = await signInAs(ctx, ['registry_clerk'], unit)
    const page = await clerk.agent.get('/')
    expect(page.text).toContain('action="/find"')
    const res = await clerk.agent.post('/find').type('form').send({ _csrf: clerk.csrf, q: '2026/000001' })
    expect(res.status).toBe(307)
    expect(res.headers.location).toBe('/registry/search')
    const hall = await signInAs(ctx, ['hall_staff'], unit)
    const r2 = await hall.agent.post('/find').type('form').send({ _csrf: hall.csrf, q: 'DEP-2026-000001' })
    expect(r2.headers.location).toBe('/deposits/lookup')
  })

  it('is not offered to roles without a register, and refuses them', async () => {
    const auditor = await signInAs(ctx, ['auditor'])
    expect((await auditor.agent.get('/')).text).not.toContain('action="/find"')
    expect(
      (await auditor.agent.post('/find').type('form').send({ _csrf: auditor.csrf, q: 'x' })).status,
    ).toBe(404)
  })
})
