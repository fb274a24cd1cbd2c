import { Router, type Request, type Response, type NextFunction } from 'express'
import type { AppDeps } from '../types.js'
import { permit, publicRoute } from '../../shared/auth/guard.js'
import { parseForm, type FieldError, fieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { safeLocalPath } from '../../shared/http/safe-redirect.js'
import { passwordProblem } from '../../shared/auth/passwords.js'
import { newTotpSecret, totpQrSvg } from '../../shared/auth/totp.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { HttpError } from '../../shared/http/errors.js'
import { toSessionUser, type UserRow } from '../admin/users-repository.js'
import * as auth from './service.js'
import { enrolForm, loginForm, passwordForm, reauthForm, secondFactorForm, setupForm } from './schemas.js'

const MFA_PENDING_MS = 5 * 60_000

function logIn(req: Request, user: UserRow): Promise<void> {
  return new Promise((resolve, reject) => {
    // Passport regenerates the session id here (no session fixation).
    req.logIn(toSessionUser(user), (err) => {
      if (err) return reject(err)
      req.session.createdAt = Date.now()
      resolve()
    })
  })
}

export function authRoutes(deps: AppDeps): Router {
  const { db, config, passport } = deps
  const router = Router()

  router.get('/login', publicRoute, (req, res) => {
    if (req.user) return res.redirect(303, '/')
    res.render('auth/views/login', { values: { next: safeLocalPath(req.query.next, '') } })
  })

  router.post('/login', publicRoute, (req: Request, res: Response, next: NextFunction) => {
    const form = parseForm(loginForm, req.body)
    if (!form.ok) return res.status(422).render('auth/views/login', form)
    const target = safeLocalPath(form.data.next)
    passport.authenticate('local', (err: unknown, user: UserRow | false, info?: { message?: string }) => {
      if (err) return next(err)
      const address = req.ip ?? 'unknown'
      if (!user) {
        const throttled = info?.message === 'addressThrottled'
        return res.status(throttled ? 429 : 401).render('auth/views/login', {
          values: { username: form.data.username, next: form.data.next },
          errors: [fieldError('username', throttled ? 'auth.login.throttled' : 'auth.login.invalid')],
        })
      }
      const proceed = async () => {
        if (user.totp_enabled_at) {
          await new Promise<void>((resolve, reject) =>
            req.session.regenerate((e) => (e ? reject(e) : resolve())),
          )
          req.session.pendingMfa = { userId: user.id, next: target, createdAt: Date.now() }
          return res.redirect(303, '/login/second-factor')
        }
        await logIn(req, user)
        await auth.recordLogin(db, user, address, 'password')
        res.redirect(303, target)
      }
      proceed().catch(next)
    })(req, res, next)
  })

  router.get('/login/second-factor', publicRoute, (req, res) => {
    const pending = req.session.pendingMfa
    if (!pending || Date.now() - pending.createdAt > MFA_PENDING_MS) return res.redirect(303, '/login')
    res.render('auth/views/second-factor')
  })

  router.post('/login/second-factor', publicRoute, async (req, res) => {
    const pending = req.session.pendingMfa
    if (!pending || Date.now() - pending.createdAt > MFA_PENDING_MS) {
      flash(req, 'error', 'auth.totp.expired')
      return res.redirect(303, '/login')
    }
    const form = parseForm(secondFactorForm, req.body)
    if (!form.ok) return res.status(422).render('auth/views/second-factor', form)
    const address = req.ip ?? 'unknown'
    const result = await auth.checkSecondFactor(db, config, {
      userId: pending.userId,
      code: form.data.code,
      address,
    })
    if (!result.ok) {
      const key = result.reason === 'addressThrottled' ? 'auth.login.throttled' : 'auth.totp.codeWrong'
      return res.status(401).render('auth/views/second-factor', { errors: [fieldError('code', key)] })
    }
    await logIn(req, result.user)
    await auth.recordLogin(db, result.user, address, 'password+totp')
    if (result.usedRecoveryCode) flash(req, 'info', 'auth.totp.recoveryUsed')
    res.redirect(303, safeLocalPath(pending.next))
  })

  router.post('/logout', permit('account'), async (req, res, next) => {
    const actor = req.actor
    req.logout((err) => {
      if (err) return next(err)
      req.session.destroy(async () => {
        await recordAudit(db, actor, {
          action: 'auth.loggedOut',
          entityType: 'user',
          entityId: actor.id ?? undefined,
        })
        res.clearCookie(res.locals.sessionCookieName as string, { path: '/' })
        res.redirect(303, '/login')
      })
    })
  })

  // First administrator -------------------------------------------------------------------------
  router.get('/setup/:token', publicRoute, async (req, res) => {
    if (!(await auth.setupTokenValid(db, String(req.params.token)))) throw new HttpError(404)
    res.render('auth/views/setup', { token: req.params.token })
  })

  router.post('/setup/:token', publicRoute, async (req, res) => {
    const token = String(req.params.token)
    if (!(await auth.setupTokenValid(db, token))) throw new HttpError(404)
    const form = parseForm(setupForm, req.body)
    const render = (errors: FieldError[]) =>
      res.status(422).render('auth/views/setup', { token, values: form.values, errors })
    if (!form.ok) return render(form.errors)
    const problem = passwordProblem(form.data.newPassword, {
      username: form.data.username,
      hasSecondFactor: false,
    })
    if (problem) return render([fieldError('newPassword', `auth.password.${problem}`)])
    const user = await auth.createFirstAdministrator(db, {
      ...form.data,
      password: form.data.newPassword,
      token,
      address: req.ip ?? '',
    })
    if (!user) throw new HttpError(404)
    await logIn(req, user)
    flash(req, 'success', 'auth.setup.done')
    res.redirect(303, '/')
  })

  // Own account ---------------------------------------------------------------------------------
  router.get('/account/password', permit('account'), (req, res) => {
    res.render('auth/views/password')
  })

  router.post('/account/password', permit('account'), async (req, res) => {
    const form = parseForm(passwordForm, req.body)
    if (!form.ok) return res.status(422).render('auth/views/password', form)
    const result = await auth.changeOwnPassword(db, req.actor, {
      userId: req.user!.id,
      currentPassword: form.data.currentPassword,
      newPassword: form.data.newPassword,
      keepSessionId: req.sessionID,
    })
    if (!result.ok)
      return res.status(422).render('auth/views/password', { errors: [fieldError(result.field, result.key)] })
    flash(req, 'success', 'auth.password.changed')
    res.redirect(303, '/')
  })

  router.get('/account/second-factor', permit('account'), async (req, res) => {
    const user = req.user!
    if (user.totpEnabled) {
      return res.render('auth/views/second-factor-status', {
        remaining: await auth.remainingRecoveryCodes(db, user.id),
      })
    }
    const secret = newTotpSecret()
    res.render('auth/views/enrol', { secret, qrSvg: await totpQrSvg(secret, user.username) })
  })

  router.post('/account/second-factor', permit('account'), async (req, res) => {
    const user = req.user!
    const secret =
      typeof req.body.secret === 'string' && /^[A-Z2-7]{32}$/.test(req.body.secret) ? req.body.secret : null
    if (!secret || user.totpEnabled) throw new HttpError(400)
    const form = parseForm(enrolForm, req.body)
    const again = async (errors: FieldError[]) =>
      res
        .status(422)
        .render('auth/views/enrol', { secret, qrSvg: await totpQrSvg(secret, user.username), errors })
    if (!form.ok) return again(form.errors)
    const result = await auth.enableSecondFactor(db, config, req.actor, {
      userId: user.id,
      secret,
      ...form.data,
    })
    if (!result.ok) return again([fieldError(result.field, result.key)])
    res.render('auth/views/recovery-codes', { codes: result.recoveryCodes })
  })

  router.post('/account/recovery-codes', permit('account'), async (req, res) => {
    const form = parseForm(reauthForm, req.body)
    const remaining = await auth.remainingRecoveryCodes(db, req.user!.id)
    if (!form.ok) return res.status(422).render('auth/views/second-factor-status', { ...form, remaining })
    const result = await auth.regenerateRecoveryCodes(db, req.actor, { userId: req.user!.id, ...form.data })
    if (!result.ok)
      return res.status(422).render('auth/views/second-factor-status', {
        remaining,
        errors: [fieldError(result.field, result.key)],
      })
    res.render('auth/views/recovery-codes', { codes: result.recoveryCodes })
  })

  router.post('/language', publicRoute, (req, res) => {
    const lang = req.body.lang === 'en' ? 'en' : 'pl'
    res.cookie('bok_lang', lang, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      maxAge: 365 * 86400_000,
    })
    res.redirect(303, safeLocalPath(req.body.back))
  })

  return router
}
