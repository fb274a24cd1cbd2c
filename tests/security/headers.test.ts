import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import request from 'supertest'
import { createTestApp, createUser, signIn, signInAs, type TestContext } from '../helpers/app.js'
import { appWithCapturedLog, collectRoutes, fillPath } from './helpers.js'

/** ASVS 3.4.x, 3.3.x, 14.3.2, 16.5.1: response headers, cookies and error pages. */
let ctx: TestContext
let https: TestContext
beforeAll(async () => {
  ctx = await createTestApp()
  https = await createTestApp({ PUBLIC_URL: 'https://bok.example.gov.pl' })
})
afterAll(async () => {
  await ctx.close()
  await https.close()
})

function cspOf(res: request.Response): Map<string, string> {
  const csp = String(res.headers['content-security-policy'] ?? '')
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/)
        return [name!, values.join(' ')] as [string, string]
      }),
  )
}

/** Strings that would tell an attacker about the code or the database behind an error page. */
const leaks = [
  /\bat \S+ \(/,
  /node_modules/,
  /\/work\//,
  /\.ts:\d+/,
  /relation "/i,
  /select |insert into/i,
  /Error:/,
]

describe('security headers', () => {
  it('a strict CSP: no inline script or style, no framing, nothing from elsewhere', async () => {
    for (const res of [await request(ctx.app).get('/login'), await request(ctx.app).get('/nope')]) {
      const csp = cspOf(res)
      expect(csp.get('default-src')).toBe("'self'")
      expect(csp.get('script-src')).toBe("'self'")
      expect(csp.get('style-src')).toBe("'self'")
      expect(csp.get('frame-ancestors')).toBe("'none'")
      expect(csp.get('object-src')).toBe("'none'")
      expect(csp.get('base-uri')).toBe("'none'")
      expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['referrer-policy']).toMatch(/^(same-origin|no-referrer|strict-origin)/)
      expect(res.headers['x-powered-by']).toBeUndefined()
    }
  })

  it('every page (signed in, every GET route) is no-store and served with the CSP', async () => {
    const s = await signInAs(ctx, ['admin', 'auditor'])
    // /healthz and /readyz are JSON probes for the load balancer, not pages.
    const gets = collectRoutes(ctx.app).filter(
      (r) => r.method === 'get' && !/^\/(healthz|readyz)$/.test(r.path),
    )
    expect(gets.length).toBeGreaterThan(10)
    const failures: string[] = []
    for (const r of gets) {
      const res = await s.agent.get(fillPath(r.path))
      if (!/no-store/.test(String(res.headers['cache-control']))) failures.push(`${r.path}: cache-control`)
      if (!res.headers['content-security-policy']) failures.push(`${r.path}: no CSP`)
    }
    expect(failures).toEqual([])
  })

  it('no HSTS over plain http (a local install); HSTS and __Host- Secure cookies when PUBLIC_URL is https', async () => {
    const plain = await request(ctx.app).get('/login')
    expect(plain.headers['strict-transport-security']).toBeUndefined()
    // The login form's CSRF cookie; no session is made before signing in.
    expect(String(plain.headers['set-cookie'])).toMatch(/^bok\.csrf=/)
    expect(String(plain.headers['set-cookie'])).not.toMatch(/bok\.sid=/)

    const res = await request(https.app).get('/login').set('X-Forwarded-Proto', 'https')
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{8,}/)
    expect(cspOf(res).has('upgrade-insecure-requests')).toBe(true)
    const csrfCookie = String((res.headers['set-cookie'] as unknown as string[])[0])
    const user = await createUser(https.db, { roles: ['archivist'] })
    const login = await request(https.app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', csrfCookie.split(';')[0]!)
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(res.text)![1],
        username: user.username,
        password: user.password,
      })
    expect(login.status).toBe(303)
    const sessionCookie = String(
      (login.headers['set-cookie'] as unknown as string[]).find((c) => c.includes('bok.sid')),
    )
    for (const [cookie, name] of [
      [csrfCookie, '__Host-bok.csrf'],
      [sessionCookie, '__Host-bok.sid'],
    ] as const) {
      expect(cookie).toMatch(new RegExp(`^${name.replace('.', '\\.')}=`))
      expect(cookie).toMatch(/; Secure/)
      expect(cookie).toMatch(/; HttpOnly/)
      expect(cookie).toMatch(/; SameSite=Lax/)
      expect(cookie).toMatch(/; Path=\//)
      expect(cookie).not.toMatch(/Domain=/i)
    }
  })

  it('the language cookie is HttpOnly and Secure over https too', async () => {
    // The test client speaks plain http, so it would not send a Secure cookie back by itself.
    const page = await request(https.app).get('/login').set('X-Forwarded-Proto', 'https')
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!
    const session = String((page.headers['set-cookie'] as unknown as string[])[0]).split(';')[0]!
    const res = await request(https.app)
      .post('/language')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', session)
      .type('form')
      .send({ _csrf: csrf, lang: 'en', back: '/login' })
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('bok_lang'))
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; HttpOnly/)
  })
})

describe('error pages leak nothing', () => {
  it('404 for an unknown page and for an unknown id, with no details', async () => {
    const s = await signInAs(ctx, ['admin'])
    for (const path of ['/no/such/page', '/admin/users/999999', '/admin/users/1%27%20OR%201=1']) {
      const res = await s.agent.get(path)
      expect(res.status, path).toBe(404)
      expect(res.text).toContain('Nie znaleziono strony')
      for (const leak of leaks) expect(res.text, `${path} ${leak}`).not.toMatch(leak)
    }
  })

  it('403 says only that access is refused', async () => {
    const s = await signInAs(ctx, ['archivist'])
    const res = await s.agent.get('/admin/users')
    expect(res.status).toBe(403)
    expect(res.text).toContain('Brak dostępu')
    expect(res.text).not.toMatch(/admin\.users|permission|uprawnienie admin/)
  })

  it('500 shows a reference id that is in the log, and nothing of the error itself', async () => {
    const { app, log } = await appWithCapturedLog(ctx)
    const user = await createUser(ctx.db, { roles: ['auditor'] })
    const s = await signIn(app, user)
    // A database fault the code cannot foresee: the audit chain head is gone.
    await ctx.db.raw('ALTER TABLE audit_head RENAME TO audit_head_away')
    let res: request.Response
    try {
      res = await s.agent.get('/audit')
    } finally {
      await ctx.db.raw('ALTER TABLE audit_head_away RENAME TO audit_head')
    }
    expect(res.status).toBe(500)
    expect(res.text).toContain('Wystąpił błąd systemu')
    const reference = /<code>([0-9a-f-]{36})<\/code>/.exec(res.text)?.[1]
    expect(reference).toBeTruthy()
    for (const leak of leaks) expect(res.text, String(leak)).not.toMatch(leak)
    expect(res.text).not.toContain('audit_head')
    const errorLine = log.lines
      .map((l) => JSON.parse(l) as { level: number; reference?: string; err?: { message?: string } })
      .find((l) => l.level >= 50 && l.reference === reference)
    expect(errorLine?.err?.message).toMatch(/audit_head/)
  })
})
