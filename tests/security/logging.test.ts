import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { issueSetupToken } from '../../src/modules/auth/service.js'
import { createTestApp, createUnit, createUser, csrfFrom, signIn, type TestContext } from '../helpers/app.js'
import { appWithCapturedLog, collectRoutes, fillPath } from './helpers.js'

/**
 * ASVS 16.2.1, 16.3.x, 16.4.1, 14.2.1 and SECURITY.md: never log passwords, tokens, session ids or
 * personal data; structured lines only; denied access is logged; no personal data in URLs.
 */
let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestApp()
})
afterAll(() => ctx.close())

const sessionIdOf = (res: request.Response) => {
  const cookie = ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) =>
    c.startsWith('bok.sid='),
  )
  const value = decodeURIComponent(cookie?.split(';')[0]?.slice('bok.sid='.length) ?? '')
  return value.replace(/^s:/, '').split('.')[0] ?? ''
}

describe('the log', () => {
  it('holds no password, setup token, session id or CSRF token after login, set-up and a failed login', async () => {
    // The set-up link works only while no user exists: use a database of its own.
    const fresh = await createTestApp()
    try {
      const { app, log } = await appWithCapturedLog(fresh)
      const secrets: string[] = []

      const token = await issueSetupToken(fresh.db)
      secrets.push(token!)
      const agent = request.agent(app)
      const setupPage = await agent.get(`/setup/${token}?lang=pl`)
      expect(setupPage.status).toBe(200)
      const adminPassword = 'zielone jabłka spadają jesienią w sadzie'
      secrets.push(adminPassword, csrfFrom(setupPage.text), sessionIdOf(setupPage))
      const created = await agent
        .post(`/setup/${token}`)
        .type('form')
        .send({
          _csrf: csrfFrom(setupPage.text),
          username: 'admin',
          displayName: 'Zofia Źdźbło-Administrator',
          newPassword: adminPassword,
          confirmPassword: adminPassword,
        })
      expect(created.status).toBe(303)
      secrets.push(sessionIdOf(created))

      const user = await createUser(fresh.db, {
        roles: ['registry_clerk'],
        password: 'to jest moje tajne hasło logowania',
      })
      const loginAgent = request.agent(app)
      const page = await loginAgent.get('/login')
      const wrong = await loginAgent
        .post('/login')
        .type('form')
        .send({
          _csrf: csrfFrom(page.text),
          username: user.username,
          password: 'złe hasło, ale też tajne 123',
        })
      expect(wrong.status).toBe(401)
      const ok = await loginAgent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), username: user.username, password: user.password })
      expect(ok.status).toBe(303)
      secrets.push(user.password, 'złe hasło, ale też tajne 123', sessionIdOf(page), sessionIdOf(ok))

      const text = log.text()
      expect(log.lines.length).toBeGreaterThan(3)
      for (const secret of secrets.filter((s) => s.length > 8)) expect(text).not.toContain(secret)
      expect(text).not.toContain('Zofia')
      expect(text).toContain('/setup/[redacted]')
    } finally {
      await fresh.close()
    }
  })

  it('writes one JSON object per line even when the request tries to forge a line', async () => {
    const { app, log } = await appWithCapturedLog(ctx)
    await request(app).get('/login?next=%0A%7B%22level%22%3A60%2C%22msg%22%3A%22forged%22%7D')
    await request(app).get('/nope%0A%7B%22msg%22%3A%22forged%22%7D')
    expect(log.lines.length).toBeGreaterThan(0)
    for (const line of log.lines) {
      const entry = JSON.parse(line) as { msg?: string; req?: { url?: string } }
      expect(entry.msg).not.toBe('forged')
    }
    expect(log.text()).not.toContain('forged"}')
  })

  it('records denied access with the user and a request id on every request line', async () => {
    const { app, log } = await appWithCapturedLog(ctx)
    const user = await createUser(ctx.db, { roles: ['archivist'] })
    const s = await signIn(app, user)
    const res = await s.agent.get('/admin/users')
    expect(res.status).toBe(403)
    const entries = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    const refused = entries.find((e) => e.msg === 'request refused' && e.status === 403)
    expect(refused).toMatchObject({ user: user.id })
    const completed = entries.filter((e) => e.msg === 'request completed')
    expect(completed.length).toBeGreaterThan(0)
    for (const e of completed) expect((e.req as { id?: string }).id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('redacts personal data passed to the logger by hand', async () => {
    const { app, log } = await appWithCapturedLog(ctx)
    void app
    const { createLogger } = await import('../../src/shared/logger.js')
    const logger = createLogger('info', log.stream)
    logger.info(
      {
        person: {
          surname: 'Kowalczyk',
          givenNames: 'Anna',
          pesel: '90010112345',
          documentNumber: 'ABC123456',
        },
      },
      'x',
    )
    logger.info({ password: 'hasło-w-logu', token: 'tok-123456789' }, 'y')
    const text = log.text()
    for (const s of ['Kowalczyk', 'Anna', '90010112345', 'ABC123456', 'hasło-w-logu', 'tok-123456789'])
      expect(text).not.toContain(s)
  })
})

describe('personal data never in a URL (ASVS 14.2.1)', () => {
  it('no link, form action or GET form field on any page carries a name or a document number', async () => {
    const unit = await createUnit(ctx.db, 'PDU', 'Wydział Testowy')
    const marker = 'Przybyszewska'
    const user = await createUser(ctx.db, { roles: ['admin', 'auditor'], orgUnitId: unit })
    await ctx
      .db('users')
      .where({ id: user.id })
      .update({ display_name: `Ewa ${marker}` })
    const s = await signIn(ctx.app, user)
    const failures: string[] = []
    const personalField =
      /^(name|surname|givenNames|firstName|lastName|pesel|documentNumber|document|q|term)$/i
    for (const r of collectRoutes(ctx.app).filter((x) => x.method === 'get')) {
      const res = await s.agent.get(fillPath(r.path, { id: user.id }))
      const html = res.text
      for (const [, url] of html.matchAll(/(?:href|action|src)="([^"]*)"/g))
        if (url!.includes(marker) || /\b\d{11}\b/.test(url!)) failures.push(`${r.path}: ${url}`)
      for (const [form] of html.matchAll(/<form(?![^>]*method="post")[^>]*>[\s\S]*?<\/form>/gi))
        for (const [, field] of form.matchAll(/name="([^"]+)"/g))
          if (personalField.test(field!)) failures.push(`${r.path}: GET form field ${field}`)
    }
    expect(failures).toEqual([])
  })

  it('search routes of the modules (POST …/search) answer with an opaque id, not the terms', async () => {
    const searches = collectRoutes(ctx.app).filter((r) => r.method === 'post' && /\/search$/.test(r.path))
    const { roles } = await import('../../src/shared/auth/permissions.js')
    const unit = await createUnit(ctx.db)
    const s = await signIn(ctx.app, await createUser(ctx.db, { roles: [...roles], orgUnitId: unit }))
    const term = 'Wiśniewska'
    const failures: string[] = []
    for (const r of searches) {
      const res = await s.agent
        .post(fillPath(r.path))
        .type('form')
        .send({ _csrf: s.csrf, q: term, name: term, surname: term, query: term, term })
      const location = String(res.headers.location ?? '')
      if (res.status !== 303 || location.includes(term) || !/[0-9a-f-]{36}/.test(location))
        failures.push(`${r.path}: ${res.status} ${location}`)
    }
    expect(searches.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/registry/search', '/foreigners/search']),
    )
    expect(failures).toEqual([])
  })
})
