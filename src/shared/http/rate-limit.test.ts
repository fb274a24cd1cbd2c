import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signInAs, type SignedIn, type TestContext } from '../../../tests/helpers/app.js'

let ctx: TestContext
let auditor: SignedIn
beforeAll(async () => {
  ctx = await createTestApp({ EXPORTS_PER_MINUTE: '3' })
  auditor = await signInAs(ctx, ['auditor'])
})
afterAll(() => ctx.close())

describe('rate limit on bulk export and searches', () => {
  it('refuses the export after the per-minute limit with a 429 page, per user', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await auditor.agent.get('/audit/export.csv')).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await auditor.agent.get('/audit/export.csv')
    expect(refused.text).toContain('Zbyt wiele żądań')
    const other = await signInAs(ctx, ['auditor'])
    expect((await other.agent.get('/audit/export.csv')).status).toBe(200)
    // ordinary pages are not limited
    expect((await auditor.agent.get('/audit')).status).toBe(200)
  })
})
