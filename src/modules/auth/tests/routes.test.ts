import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import {
  createTestApp,
  createUser,
  csrfFrom,
  signIn,
  type TestContext,
} from '../../../../tests/helpers/app.js'
import { currentTotpCode } from '../../../shared/auth/totp.js'
import { issueSetupToken } from '../service.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestApp()
})
afterAll(() => ctx.close())

describe('first administrator set-up link', () => {
  it('creates the administrator once, then stops working', async () => {
    const token = await issueSetupToken(ctx.db)
    expect(token).toBeTruthy()
    const agent = request.agent(ctx.app)
    const page = await agent.get(`/setup/${token}`)
    expect(page.status).toBe(200)
    const weak = await agent
      .post(`/setup/${token}`)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        username: 'admin',
        displayName: 'Anna Admin',
        newPassword: 'short',
        confirmPassword: 'short',
      })
    expect(weak.status).toBe(422)
    expect(weak.text).toContain('Hasło jest za krótkie')
    expect(weak.text).toContain('value="Anna Admin"')
    const ok = await agent
      .post(`/setup/${token}`)
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        username: 'admin',
        displayName: 'Anna Admin',
        newPassword: 'zielone jabłka spadają jesienią',
        confirmPassword: 'zielone jabłka spadają jesienią',
      })
    expect(ok.status).toBe(303)
    const home = await agent.get('/')
    expect(home.text).toContain('Anna Admin')
    expect((await request(ctx.app).get(`/setup/${token}`)).status).toBe(404)
    expect(await issueSetupToken(ctx.db)).toBeNull()
  })
})

describe('login', () => {
  it('showing the login form makes no session', async () => {
    const before = Number((await ctx.db('sessions').count<{ n: string }[]>('* as n'))[0]!.n)
    const page = await request(ctx.app).get('/login')
    expect(page.status).toBe(200)
    expect(String(page.headers['set-cookie'])).not.toMatch(/bok\.sid=/)
    expect(Number((await ctx.db('sessions').count<{ n: string }[]>('* as n'))[0]!.n)).toBe(before)
  })

  it('refuses a login form token that belongs to another browser cookie', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const mine = await request(ctx.app).get('/login')
    const theirs = await request(ctx.app).get('/login')
    const res = await request(ctx.app)
      .post('/login')
      .set('Cookie', String((mine.headers['set-cookie'] as unknown as string[])[0]).split(';')[0]!)
      .type('form')
      .send({ _csrf: csrfFrom(theirs.text), username: user.username, password: user.password })
    expect(res.status).toBe(403)
  })

  it('regenerates the session id at login (no fixation)', async () => {
    const user = await createUser(ctx.db, { roles: ['registry_clerk'] })
    // A session id planted in the browser before login (e.g. by an attacker), valid in the store.
    const planted = 'planted-session-id-0123456789abcdefghijklmno'
    await ctx.db('sessions').insert({
      sid: planted,
      sess: JSON.stringify({ cookie: { path: '/', httpOnly: true, originalMaxAge: 1800000 } }),
      expires_at: new Date(Date.now() + 1800000),
    })
    const signed =
      's:' +
      planted +
      '.' +
      crypto
        .createHmac('sha256', ctx.config.sessionSecret)
        .update(planted)
        .digest('base64')
        .replace(/=+$/, '')
    const agent = request.agent(ctx.app)
    agent.jar.setCookie(`bok.sid=${encodeURIComponent(signed)}; Path=/`)
    const page = await agent.get('/login')
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: user.username, password: user.password })
    expect(res.status).toBe(303)
    const after = /bok\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1]
    expect(after).toBeTruthy()
    expect(decodeURIComponent(after!)).not.toContain(planted)
    expect((await agent.get('/')).status).toBe(200)
    // The planted id does not carry the login.
    const stale = await request(ctx.app)
      .get('/')
      .set('Cookie', `bok.sid=${encodeURIComponent(signed)}`)
    expect(stale.status).toBe(303)
  })

  it('gives the same message for an unknown user and a wrong password', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const agent = request.agent(ctx.app)
    const page = await agent.get('/login')
    const csrf = csrfFrom(page.text)
    const wrong = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, username: user.username, password: 'not the password at all' })
    const unknown = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, username: 'nobody-here', password: 'not the password at all' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    const msg = (html: string) => /class="field-error">([\s\S]*?)<\/p>/.exec(html)?.[1]
    expect(msg(wrong.text)).toBe(msg(unknown.text))
    expect(wrong.text).toContain(`value="${user.username}"`)
  })

  it('locks the account after repeated failures, even for the right password', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const agent = request.agent(ctx.app)
    const csrf = csrfFrom((await agent.get('/login')).text)
    for (let i = 0; i < ctx.config.LOGIN_MAX_FAILURES_PER_ACCOUNT; i++) {
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrf, username: user.username, password: `wrong password ${i}` })
    }
    const right = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, username: user.username, password: user.password })
    expect(right.status).toBe(401)
    const row = await ctx.db('users').where({ id: user.id }).first('locked_until')
    expect(row.locked_until.getTime()).toBeGreaterThan(Date.now())
    const locked = await ctx
      .db('audit_log')
      .where({ action: 'auth.accountLocked', entity_id: String(user.id) })
      .first('id')
    expect(locked).toBeTruthy()
  })

  it('does not redirect off-site after login', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const agent = request.agent(ctx.app)
      const page = await agent.get('/login')
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), username: user.username, password: user.password, next })
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/')
    }
  })

  it('refuses a login form without the CSRF token', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const res = await request(ctx.app)
      .post('/login')
      .type('form')
      .send({ username: user.username, password: user.password })
    expect(res.status).toBe(403)
  })
})

describe('second factor', () => {
  it('enrols with a code, then requires it at login; a recovery code works once', async () => {
    const user = await createUser(ctx.db, { roles: ['hall_staff'] })
    const s = await signIn(ctx.app, user)
    const enrol = await s.agent.get('/account/second-factor')
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(enrol.text)![1]!
    expect(enrol.text).toContain('<svg')
    const bad = await s.agent
      .post('/account/second-factor')
      .type('form')
      .send({ _csrf: s.csrf, secret, code: '000000', currentPassword: user.password })
    expect(bad.status).toBe(422)
    // the same code again later (even in the next 30-second step) must be refused as a replay
    const enrolCode = currentTotpCode(secret)
    const done = await s.agent
      .post('/account/second-factor')
      .type('form')
      .send({ _csrf: s.csrf, secret, code: enrolCode, currentPassword: user.password })
    expect(done.status).toBe(200)
    const codes = [...done.text.matchAll(/<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{2})<\/code>/g)].map(
      (m) => m[1]!,
    )
    expect(codes).toHaveLength(10)

    const agent = request.agent(ctx.app)
    let page = await agent.get('/login')
    const step1 = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: user.username, password: user.password })
    expect(step1.headers.location).toBe('/login/second-factor')
    expect((await agent.get('/')).status).toBe(303) // not signed in yet
    page = await agent.get('/login/second-factor')
    // the code used at enrolment cannot be replayed
    const replay = await agent
      .post('/login/second-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: enrolCode })
    expect(replay.status).toBe(401)
    const viaRecovery = await agent
      .post('/login/second-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: codes[0] })
    expect(viaRecovery.status).toBe(303)
    expect((await agent.get('/')).status).toBe(200)

    const again = request.agent(ctx.app)
    page = await again.get('/login')
    await again
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: user.username, password: user.password })
    page = await again.get('/login/second-factor')
    const reused = await again
      .post('/login/second-factor')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: codes[0] })
    expect(reused.status).toBe(401)
  })

  it('sends a user whose role requires a second factor to enrol first', async () => {
    const strict = await createTestApp({ MFA_REQUIRED_ROLES: 'auditor' })
    try {
      const user = await createUser(strict.db, { roles: ['auditor'] })
      const s = await signIn(strict.app, user)
      const res = await s.agent.get('/audit')
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/account/second-factor')
    } finally {
      await strict.close()
    }
  })
})

describe('sessions', () => {
  it('logout ends the session on the server', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const s = await signIn(ctx.app, user)
    const cookie = /bok\.sid=[^;]+/.exec(String((await s.agent.get('/')).request.cookies ?? ''))
    const out = await s.agent.post('/logout').type('form').send({ _csrf: s.csrf })
    expect(out.status).toBe(303)
    expect((await s.agent.get('/')).status).toBe(303)
    const rows = await ctx.db('sessions').where({ user_id: user.id })
    expect(rows).toHaveLength(0)
    void cookie
  })

  it('an idle session expires', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const s = await signIn(ctx.app, user)
    await ctx
      .db('sessions')
      .where({ user_id: user.id })
      .update({ expires_at: new Date(Date.now() - 1000) })
    expect((await s.agent.get('/')).status).toBe(303)
  })

  it('a session older than the absolute limit ends even when active', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const s = await signIn(ctx.app, user)
    const row = await ctx.db('sessions').where({ user_id: user.id }).first('sid', 'sess')
    const sess = typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess
    sess.createdAt = Date.now() - 11 * 3600_000
    await ctx
      .db('sessions')
      .where({ sid: row.sid })
      .update({ sess: JSON.stringify(sess) })
    const res = await s.agent.get('/')
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')
  })

  it('changing the password needs the current one and ends other sessions', async () => {
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const first = await signIn(ctx.app, user)
    const second = await signIn(ctx.app, user)
    const wrong = await first.agent.post('/account/password').type('form').send({
      _csrf: first.csrf,
      currentPassword: 'nope',
      newPassword: 'a brand new passphrase here',
      confirmPassword: 'a brand new passphrase here',
    })
    expect(wrong.status).toBe(422)
    const common = await first.agent.post('/account/password').type('form').send({
      _csrf: first.csrf,
      currentPassword: user.password,
      newPassword: 'passwordpassword',
      confirmPassword: 'passwordpassword',
    })
    expect(common.status).toBe(422)
    expect(common.text).toContain('zbyt popularne')
    const ok = await first.agent.post('/account/password').type('form').send({
      _csrf: first.csrf,
      currentPassword: user.password,
      newPassword: 'a brand new passphrase here',
      confirmPassword: 'a brand new passphrase here',
    })
    expect(ok.status).toBe(303)
    expect((await first.agent.get('/')).status).toBe(200)
    expect((await second.agent.get('/')).status).toBe(303)
  })
})
