import { Router, type Request } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, toFieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { roles } from '../../shared/auth/permissions.js'
import * as admin from './service.js'
import * as users from './users-repository.js'
import * as units from './units-repository.js'
import { mergeForm, unitForm, userEditForm, userForm } from './schemas.js'

const idParam = (req: Request) => {
  const id = Number(req.params.id)
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404)
  return id
}

export function adminRoutes({ db }: AppDeps): Router {
  const router = Router()

  const formOptions = async (req: Request) => ({
    roleOptions: roles.map((r) => ({ value: r, text: req.t(`roles.${r}`) })),
    unitOptions: (await units.listUnits(db, { activeOnly: true })).map((u) => ({
      value: u.id,
      text: `${u.symbol} – ${u.name}`,
    })),
  })

  router.get('/admin/users', permit('admin.users'), async (_req, res) => {
    res.render('admin/views/users', { users: await users.listUsers(db) })
  })

  router.get('/admin/users/new', permit('admin.users'), async (req, res) => {
    res.render('admin/views/user-form', { ...(await formOptions(req)), mode: 'new' })
  })

  router.post('/admin/users', permit('admin.users'), async (req, res) => {
    const form = parseForm(userForm, req.body)
    if (!form.ok)
      return res
        .status(422)
        .render('admin/views/user-form', { ...form, ...(await formOptions(req)), mode: 'new' })
    const result = await admin.createUser(db, req.actor, form.data)
    if (!result.ok)
      return res.status(422).render('admin/views/user-form', {
        values: form.values,
        errors: [toFieldError(result)],
        ...(await formOptions(req)),
        mode: 'new',
      })
    res.render('admin/views/temporary-password', {
      username: form.data.username,
      password: result.value.password,
      userId: result.value.id,
    })
  })

  router.get('/admin/users/:id', permit('admin.users'), async (req, res) => {
    const user = await users.findUserById(db, idParam(req))
    if (!user) throw new HttpError(404)
    res.render('admin/views/user-form', {
      ...(await formOptions(req)),
      mode: 'edit',
      subject: user,
      sessions: await admin.activeSessionCount(db, user.id),
      values: {
        displayName: user.display_name,
        email: user.email ?? '',
        roles: user.roles,
        orgUnitId: user.org_unit_id ?? '',
      },
    })
  })

  router.post('/admin/users/:id', permit('admin.users'), async (req, res) => {
    const id = idParam(req)
    const subject = await users.findUserById(db, id)
    if (!subject) throw new HttpError(404)
    const form = parseForm(userEditForm, req.body)
    if (!form.ok)
      return res.status(422).render('admin/views/user-form', {
        ...form,
        ...(await formOptions(req)),
        mode: 'edit',
        subject,
        sessions: await admin.activeSessionCount(db, id),
      })
    await admin.updateUserProfile(db, req.actor, id, form.data)
    flash(req, 'success', 'admin.users.saved')
    res.redirect(303, `/admin/users/${id}`)
  })

  router.post('/admin/users/:id/deactivate', permit('admin.users'), async (req, res) => {
    const id = idParam(req)
    if (id === req.user!.id) throw new HttpError(400)
    await admin.setUserActive(db, req.actor, id, false)
    flash(req, 'success', 'admin.users.deactivated')
    res.redirect(303, `/admin/users/${id}`)
  })

  router.post('/admin/users/:id/reactivate', permit('admin.users'), async (req, res) => {
    const id = idParam(req)
    await admin.setUserActive(db, req.actor, id, true)
    flash(req, 'success', 'admin.users.reactivated')
    res.redirect(303, `/admin/users/${id}`)
  })

  router.post('/admin/users/:id/reset-password', permit('admin.users'), async (req, res) => {
    const id = idParam(req)
    const subject = await users.findUserById(db, id)
    if (!subject) throw new HttpError(404)
    const password = await admin.resetPassword(db, req.actor, id)
    res.render('admin/views/temporary-password', { username: subject.username, password, userId: id })
  })

  router.post('/admin/users/:id/end-sessions', permit('admin.users'), async (req, res) => {
    const id = idParam(req)
    const count = await admin.endSessions(db, req.actor, id)
    flash(req, 'success', 'admin.users.sessionsEnded', { count })
    res.redirect(303, `/admin/users/${id}`)
  })

  // Units ----------------------------------------------------------------------------------------
  const unitOptions = async (exclude?: number) =>
    (await units.listUnits(db, { activeOnly: true }))
      .filter((u) => u.id !== exclude)
      .map((u) => ({ value: u.id, text: `${u.symbol} – ${u.name}` }))

  router.get('/admin/units', permit('admin.units'), async (_req, res) => {
    res.render('admin/views/units', { units: await units.listUnits(db) })
  })

  router.get('/admin/units/new', permit('admin.units'), async (_req, res) => {
    res.render('admin/views/unit-form', { mode: 'new', parentOptions: await unitOptions() })
  })

  router.post('/admin/units', permit('admin.units'), async (req, res) => {
    const form = parseForm(unitForm, req.body)
    const again = async (errors: typeof form.errors) =>
      res.status(422).render('admin/views/unit-form', {
        values: form.values,
        errors,
        mode: 'new',
        parentOptions: await unitOptions(),
      })
    if (!form.ok) return again(form.errors)
    const result = await admin.createUnit(db, req.actor, form.data)
    if (!result.ok) return again([toFieldError(result)])
    flash(req, 'success', 'admin.units.saved')
    res.redirect(303, '/admin/units')
  })

  router.get('/admin/units/:id', permit('admin.units'), async (req, res) => {
    const unit = await units.findUnit(db, idParam(req))
    if (!unit) throw new HttpError(404)
    res.render('admin/views/unit-form', {
      mode: 'edit',
      unit,
      history: await units.unitHistory(db, unit.id),
      parentOptions: await unitOptions(unit.id),
      values: { symbol: unit.symbol, name: unit.name, parentId: unit.parent_id ?? '' },
    })
  })

  router.post('/admin/units/:id', permit('admin.units'), async (req, res) => {
    const id = idParam(req)
    const unit = await units.findUnit(db, id)
    if (!unit || unit.status !== 'active') throw new HttpError(404)
    const form = parseForm(unitForm, req.body)
    const again = async (errors: typeof form.errors) =>
      res.status(422).render('admin/views/unit-form', {
        values: form.values,
        errors,
        mode: 'edit',
        unit,
        history: await units.unitHistory(db, id),
        parentOptions: await unitOptions(id),
      })
    if (!form.ok) return again(form.errors)
    const result = await admin.updateUnit(db, req.actor, id, form.data)
    if (!result.ok) return again([toFieldError(result)])
    flash(req, 'success', 'admin.units.saved')
    res.redirect(303, `/admin/units/${id}`)
  })

  router.post('/admin/units/:id/close', permit('admin.units'), async (req, res) => {
    const id = idParam(req)
    const merge = req.body.targetId ? parseForm(mergeForm, req.body) : null
    if (merge && !merge.ok) throw new HttpError(400)
    const result = await admin.closeUnit(db, req.actor, id, merge?.ok ? merge.data.targetId : null)
    if (!result.ok) throw new HttpError(400)
    flash(req, 'success', 'admin.units.closed')
    res.redirect(303, `/admin/units/${id}`)
  })

  return router
}
