import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { fileURLToPath } from 'node:url'
import express, { type ErrorRequestHandler, type RequestHandler } from 'express'
import session from 'express-session'
import helmet from 'helmet'
import { pinoHttp } from 'pino-http'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createI18n, fixedT, type Language } from './shared/i18n/index.js'
import { sharedLocales } from './shared/i18n/locales.js'
import { KnexSessionStore } from './shared/auth/session-store.js'
import { createPassport } from './shared/auth/passport.js'
import { selectSessionUser } from './modules/admin/users-repository.js'
import { setHashConcurrency } from './shared/auth/passwords.js'
import { can, type Permission } from './shared/auth/permissions.js'
import { csrfProtection, csrfToken, useAnonymousCsrf } from './shared/http/csrf.js'
import { takeFlash } from './shared/http/flash.js'
import { rateLimitBulk } from './shared/http/rate-limit.js'
import { HttpError, isBadInput, isDatabaseUnavailable } from './shared/http/errors.js'
import { safeUrl } from './shared/logger.js'
import { formatDate, formatDateTime } from './shared/forms/index.js'
import { FileStore } from './shared/files/store.js'
import { publicRoute } from './shared/auth/guard.js'
import { viewEngine } from './shared/http/views.js'
import { scopedRouter } from './shared/http/scoped-router.js'
import { modules } from './modules/index.js'
import type { AppDeps } from './modules/types.js'

/** The project folder (views, public, package.json), whether BOK runs from src/ or compiled in dist/src/. */
export const rootDir = projectRoot(path.dirname(fileURLToPath(import.meta.url)))

function projectRoot(dir: string): string {
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir)
    if (up === dir) throw new Error('package.json not found above ' + dir)
    dir = up
  }
  return dir
}

export interface AppOptions {
  db: Knex
  config: Config
  logger: Logger
}

export async function createApp({ db, config, logger }: AppOptions) {
  const app = express()
  const i18n = await createI18n([sharedLocales, ...modules.map((m) => m.locales)])
  const sessionStore = new KnexSessionStore(db, config.SESSION_IDLE_MINUTES * 60_000, {
    select: selectSessionUser,
  })
  const passport = createPassport(db, config, sessionStore)
  const files = new FileStore(config.filesDir)
  const deps: AppDeps = { db, config, logger, i18n, files, passport }
  setHashConcurrency(config.ARGON2_MAX_CONCURRENCY)

  app.set('trust proxy', config.TRUST_PROXY)
  const views = [path.join(rootDir, 'views'), path.join(rootDir, 'src', 'modules')]
  app.set('views', views)
  app.engine('ejs', viewEngine(views))
  app.set('view engine', 'ejs')
  if (config.NODE_ENV === 'production') app.set('view cache', true)
  app.disable('x-powered-by')

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = crypto.randomUUID()
        res.setHeader('X-Request-Id', id)
        return id
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: safeUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || !!req.url?.startsWith('/static/'),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  )
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          baseUri: ["'none'"],
          ...(config.cookieSecure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.cookieSecure ? { maxAge: 31536000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
      xFrameOptions: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
    }),
  )
  app.use(
    '/static',
    express.static(path.join(rootDir, 'public'), {
      maxAge: config.NODE_ENV === 'production' ? '1d' : 0,
      index: false,
    }),
  )

  app.get('/healthz', publicRoute, (_req, res) => {
    res.json({ status: 'ok' })
  })
  app.get('/readyz', publicRoute, async (_req, res) => {
    try {
      await db.raw('select 1')
      res.json({ status: 'ready' })
    } catch {
      res.status(503).json({ status: 'database unavailable' })
    }
  })

  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }))
  app.use(express.json({ limit: '200kb' }))

  const cookieName = config.cookieSecure ? '__Host-bok.sid' : 'bok.sid'
  useAnonymousCsrf(app, {
    secret: config.sessionSecret,
    cookieName: config.cookieSecure ? '__Host-bok.csrf' : 'bok.csrf',
    secure: config.cookieSecure,
  })
  app.use(
    session({
      name: cookieName,
      secret: config.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      genid: () => crypto.randomBytes(32).toString('base64url'),
      cookie: {
        httpOnly: true,
        secure: config.cookieSecure,
        sameSite: 'lax',
        path: '/',
        maxAge: config.SESSION_IDLE_MINUTES * 60_000,
      },
    }),
  )
  // express-session saves a changed session while the response is already going out, so after a POST
  // the browser can follow the 303 before the save lands (a lost flash message, or a lost half-finished
  // second-factor login). Save first, then redirect.
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next()
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void
    res.redirect = ((...args: unknown[]) => {
      if (!req.session) return redirect(...args)
      req.session.save((err) => (err ? next(err) : redirect(...args)))
    }) as typeof res.redirect
    next()
  })
  app.use(passport.initialize())
  app.use(passport.session())

  // Absolute session lifetime: an office day, whatever the activity.
  const absoluteMs = config.SESSION_ABSOLUTE_HOURS * 3600_000
  app.use((req, res, next) => {
    if (req.user && req.session.createdAt && Date.now() - req.session.createdAt > absoluteMs) {
      return req.session.destroy(() => {
        res.clearCookie(cookieName, { path: '/' })
        res.redirect(303, '/login')
      })
    }
    next()
  })

  const languageOf: RequestHandler = (req, _res, next) => {
    const cookie = /(?:^|;\s*)bok_lang=(pl|en)\b/.exec(req.headers.cookie ?? '')
    req.lang = (cookie?.[1] as Language | undefined) ?? config.DEFAULT_LANGUAGE
    req.t = fixedT(i18n, req.lang)
    const user = req.user
    req.actor = user
      ? {
          id: user.id,
          name: user.displayName,
          unit: user.unitSymbol,
          ip: req.ip ?? null,
          requestId: String(req.id),
        }
      : { id: null, name: 'anonymous', unit: null, ip: req.ip ?? null, requestId: String(req.id) }
    next()
  }
  app.use(languageOf)

  app.use((req, res, next) => {
    const user = req.user
    res.setHeader('Cache-Control', 'no-store')
    Object.assign(res.locals, {
      t: req.t,
      lang: req.lang,
      user,
      can: (p: Permission) => can(user?.roles, p),
      nav: user ? modules.flatMap((m) => m.nav ?? []).filter((n) => can(user.roles, n.permission)) : [],
      csrfToken: () => csrfToken(req),
      errors: [],
      values: {},
      breadcrumbs: [],
      currentPath: req.path,
      requestId: req.id,
      formatDate,
      formatDateTime,
      sessionCookieName: cookieName,
    })
    // Flash messages are taken only by a page that shows them: a JSON request (the sender look-up the
    // form fires while the clerk types) arriving between a save and its redirect must not eat them.
    let flashed: ReturnType<typeof takeFlash> | undefined
    Object.defineProperty(res.locals, 'flash', {
      configurable: true,
      enumerable: true,
      get: () => (flashed ??= takeFlash(req)),
      set: (value: ReturnType<typeof takeFlash>) => {
        flashed = value
      },
    })
    next()
  })
  app.use(csrfProtection)

  // A user who must change their password, or whose role requires a second factor they have not
  // set up yet, can do only that until it is done.
  const accountGates: RequestHandler = (req, res, next) => {
    const user = req.user
    if (!user || req.method !== 'GET') return next()
    const allowed = ['/account/password', '/account/second-factor', '/logout', '/language']
    if (allowed.includes(req.path)) return next()
    if (user.mustChangePassword) return res.redirect(303, '/account/password')
    if (!user.totpEnabled && user.roles.some((r) => config.MFA_REQUIRED_ROLES.includes(r)))
      return res.redirect(303, '/account/second-factor')
    next()
  }
  app.use(accountGates)
  app.use(rateLimitBulk(db, { search: config.SEARCHES_PER_MINUTE, export: config.EXPORTS_PER_MINUTE }))

  for (const m of modules) app.use(scopedRouter(m.paths, m.router(deps)))

  app.use((_req, _res, next) => next(new HttpError(404)))

  const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
    let status = err instanceof HttpError ? err.status : Number((err as { status?: number }).status) || 500
    if (isDatabaseUnavailable(err)) status = 503
    else if (isBadInput(err)) status = 400
    if (status === 401 && req.method === 'GET' && !req.xhr) {
      return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`)
    }
    if (status >= 500) req.log?.error({ err, reference: req.id }, 'request failed')
    else req.log?.warn({ status, reference: req.id, user: req.user?.id }, 'request refused')
    if (res.headersSent) return
    const view = [403, 404, 429, 503].includes(status)
      ? String(status)
      : status === 401
        ? '403'
        : status >= 500
          ? '500'
          : '400'
    res.locals.t ??= fixedT(i18n, config.DEFAULT_LANGUAGE)
    res.locals.errors ??= []
    res.locals.values ??= {}
    res.locals.nav ??= []
    res.locals.flash ??= []
    res.locals.breadcrumbs ??= []
    res.locals.formatDate ??= formatDate
    res.locals.can ??= () => false
    res.locals.csrfToken ??= () => (req.session ? csrfToken(req) : '')
    res.locals.lang ??= config.DEFAULT_LANGUAGE
    res.locals.currentPath ??= req.path
    // When the session could not be loaded (database down), the locals middleware never ran: the
    // layout still needs every name it reads, or the error page itself fails.
    res.locals.user ??= null
    res.locals.formatDateTime ??= formatDateTime
    res.locals.requestId ??= req.id
    res.locals.sessionCookieName ??= cookieName
    res
      .status(status)
      .render(
        `errors/${view}`,
        { reference: req.id, messageKey: (err as HttpError).key },
        (renderErr, html) => {
          if (renderErr) {
            req.log?.error({ err: renderErr }, 'error page failed')
            return res.type('text').send(`Error ${status}. Reference: ${String(req.id)}`)
          }
          res.send(html)
        },
      )
  }
  app.use(errorHandler)

  return { app, deps }
}
