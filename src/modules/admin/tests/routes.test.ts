import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import {
  createTestApp,
  createUnit,
  createUser,
  csrfFrom,
  signIn,
  signInAs,
  type SignedIn,
  type TestContext,
} from '../../../../tests/helpers/app.js'
import { unitsEverNamed } from '../units-repository.js'

let ctx: TestContext
let admin: SignedIn
beforeAll(async () => {
  ctx = await createTestApp()
  admin = await signInAs(ctx, ['admin'])
})
afterAll(() => ctx.close())

describe('users', () => {
  it('when the form is incomplete, shows each error next to its field and keeps the answers', async () => {
    const res = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: admin.csrf, username: 'bad name!', displayName: 'Zofia Żak', email: 'not-an-email' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('href="#username"')
    expect(res.text).toContain('id="username-error"')
    expect(res.text).toContain('id="email-error"')
    expect(res.text).toContain('Wybierz co najmniej jedną rolę')
    expect(res.text).toContain('value="Zofia Żak"')
  })

  it('creates a user with a temporary password they must change, and audits it', async () => {
    const unit = await createUnit(ctx.db, 'ZOK', 'Zespół Obsługi Klienta')
    const res = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: admin.csrf,
        username: 'h.nowak',
        displayName: 'Halina Nowak',
        roles: ['hall_staff', 'document_officer'],
        orgUnitId: String(unit),
      })
    expect(res.status).toBe(200)
    const password = /data-testid="temporary-password">([^<]+)</.exec(res.text)![1]!
    const row = await ctx
      .db('users')
      .where({ username: 'h.nowak' })
      .first('id', 'roles', 'must_change_password', 'org_unit_id')
    expect(row).toMatchObject({
      roles: ['hall_staff', 'document_officer'],
      must_change_password: true,
      org_unit_id: unit,
    })
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'admin.userCreated', entity_id: String(row.id) })
      .first('details')
    expect(audit.details.after.username).toBe('h.nowak')
    expect(JSON.stringify(audit.details)).not.toContain(password)

    const s = await signIn(ctx.app, { id: row.id, username: 'h.nowak', password })
    const home = await s.agent.get('/')
    expect(home.status).toBe(303)
    expect(home.headers.location).toBe('/account/password')
  })

  it('refuses a username already taken, whatever its case', async () => {
    await createUser(ctx.db, { roles: ['archivist'], username: 'marek.lis' })
    const res = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: admin.csrf, username: 'Marek.Lis', displayName: 'Marek Lis', roles: 'archivist' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('Ta nazwa użytkownika jest już zajęta')
  })

  it('deactivating a user ends their sessions at once and they cannot log in', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const s = await signIn(ctx.app, user)
    expect((await s.agent.get('/')).status).toBe(200)
    const res = await admin.agent
      .post(`/admin/users/${user.id}/deactivate`)
      .type('form')
      .send({ _csrf: admin.csrf })
    expect(res.status).toBe(303)
    expect((await s.agent.get('/')).status).toBe(303)
    await expect(signIn(ctx.app, user)).rejects.toThrow(/401/)
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'admin.userDeactivated', entity_id: String(user.id) })
        .first('id'),
    ).toBeTruthy()
  })

  it('an administrator can end all sessions of a user', async () => {
    const user = await createUser(ctx.db, { roles: ['auditor'] })
    const s = await signIn(ctx.app, user)
    await admin.agent.post(`/admin/users/${user.id}/end-sessions`).type('form').send({ _csrf: admin.csrf })
    expect((await s.agent.get('/')).status).toBe(303)
  })

  it('a password reset does not remove the second factor', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    await ctx
      .db('users')
      .where({ id: user.id })
      .update({ totp_secret: 'sealed', totp_enabled_at: new Date() })
    const res = await admin.agent
      .post(`/admin/users/${user.id}/reset-password`)
      .type('form')
      .send({ _csrf: admin.csrf })
    expect(res.status).toBe(200)
    const row = await ctx.db('users').where({ id: user.id }).first('totp_enabled_at', 'must_change_password')
    expect(row.totp_enabled_at).not.toBeNull()
    expect(row.must_change_password).toBe(true)
  })
})

describe('organisational units', () => {
  it('a renamed and merged unit keeps its history, so its old symbol still resolves', async () => {
    let page = await admin.agent.get('/admin/units/new')
    let res = await admin.agent
      .post('/admin/units')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), symbol: 'WPK', name: 'Wydział Pomocy Kancelaryjnej' })
    expect(res.status).toBe(303)
    const unit = await ctx.db('org_units').where({ symbol: 'WPK' }).first('id')
    res = await admin.agent
      .post(`/admin/units/${unit.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, symbol: 'WOK2', name: 'Wydział Obsługi Kancelaryjnej II' })
    expect(res.status).toBe(303)
    const target = await createUnit(ctx.db, 'WOKN', 'Wydział Obsługi Kancelaryjnej (nowy)')
    res = await admin.agent
      .post(`/admin/units/${unit.id}/close`)
      .type('form')
      .send({ _csrf: admin.csrf, targetId: String(target) })
    expect(res.status).toBe(303)
    const resolved = await unitsEverNamed(ctx.db, 'WPK')
    expect(resolved.map((u) => u.id)).toContain(unit.id)
    expect(resolved[0]).toMatchObject({ status: 'merged', merged_into_id: target })
    page = await admin.agent.get(`/admin/units/${unit.id}`)
    expect(page.text).toContain('WPK – Wydział Pomocy Kancelaryjnej')
    expect(page.text).toContain('połączenie')
  })

  it('refuses a symbol that breaks the case-reference format', async () => {
    const res = await admin.agent
      .post('/admin/units')
      .type('form')
      .send({ _csrf: admin.csrf, symbol: '123', name: 'Bez litery' })
    expect(res.status).toBe(422)
    expect(res.text).toContain('co najmniej jedną literę')
  })

  it('other roles get the 403 page', async () => {
    const clerk = await signInAs(ctx, ['registry_clerk'])
    const res = await clerk.agent.get('/admin/units')
    expect(res.status).toBe(403)
    expect(res.text).toContain('Brak dostępu')
    expect((await request(ctx.app).get('/admin/units')).status).toBe(303)
  })
})
