import { Router, type Request, type Response } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { loadSearch, saveSearch } from '../../shared/lists/saved-search.js'
import type { Db } from '../../shared/db/index.js'
import * as service from './service.js'
import * as repo from './repository.js'
import { caseStatusForm, foreignerEditForm, foreignerForm, nameSearchForm } from './schemas.js'
import { formatPartialDate } from './identifiers.js'

export const idParam = (req: Request, name = 'id') => {
  const id = Number(req.params[name])
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404)
  return id
}

/** Country options for a select, in the user's language, with the code (as in the MRZ). */
export async function countryOptions(db: Db, lang: 'pl' | 'en') {
  const rows = await repo.listCountries(db)
  return rows
    .map((c) => ({ value: c.code, text: `${lang === 'pl' ? c.name_pl : c.name_en} (${c.code})` }))
    .sort((a, b) => a.text.localeCompare(b.text, lang))
}

export function foreignersRoutes({ db }: AppDeps): Router {
  const router = Router()
  const helpers = { formatPartialDate }

  router.get('/foreigners', permit('foreigners.read'), (_req, res) => {
    res.render('foreigners/views/index', helpers)
  })

  router.post('/foreigners/search', permit('foreigners.read'), async (req, res) => {
    const form = parseForm(nameSearchForm, req.body)
    if (!form.ok) return res.status(422).render('foreigners/views/index', { ...form, ...helpers })
    const id = await saveSearch(db, req.user!.id, 'foreigners.name', {
      name: form.data.name,
      birthYear: form.data.birthYear ?? null,
    })
    res.redirect(303, `/foreigners/search/${id}`)
  })

  router.get('/foreigners/search/:searchId', permit('foreigners.read'), async (req, res) => {
    const criteria = await loadSearch<{ name: string; birthYear?: number | null }>(
      db,
      String(req.params.searchId),
      req.user!.id,
      'foreigners.name',
    )
    const results = await service.searchByName(db, req.actor, criteria.name, criteria.birthYear ?? undefined)
    res.render('foreigners/views/index', { ...helpers, results, values: criteria })
  })

  const renderForm = async (req: Request, status: number, locals: Record<string, unknown>) => ({
    status,
    locals: { ...helpers, countryOptions: await countryOptions(db, req.lang), duplicates: [], ...locals },
  })

  router.get('/foreigners/new', permit('foreigners.write'), async (req, res) => {
    const { locals } = await renderForm(req, 200, {})
    res.render('foreigners/views/form', locals)
  })

  router.post('/foreigners/new', permit('foreigners.write'), async (req, res) => {
    const form = parseForm(foreignerForm, req.body)
    if (!form.ok) {
      const { locals } = await renderForm(req, 422, form)
      return res.status(422).render('foreigners/views/form', locals)
    }
    if (form.data.confirmedNotDuplicate !== 'yes') {
      const duplicates = await service.checkDuplicates(db, req.actor, service.criteriaOf(form.data))
      if (duplicates.length) {
        const { locals } = await renderForm(req, 200, { values: form.values, duplicates })
        return res.render('foreigners/views/form', locals)
      }
    }
    const result = await service.createForeigner(db, req.actor, form.data)
    if (!result.ok) {
      const { locals } = await renderForm(req, 422, { values: form.values, errors: result.errors })
      return res.status(422).render('foreigners/views/form', locals)
    }
    flash(req, 'success', 'foreigners.created')
    res.redirect(303, `/foreigners/${result.value}`)
  })

  router.get('/foreigners/:id', permit('foreigners.read'), async (req, res) => {
    const id = idParam(req)
    const foreigner = await service.viewForeigner(db, req.actor, id)
    if (!foreigner) throw new HttpError(404)
    res.render('foreigners/views/show', { ...helpers, foreigner, history: await service.history(db, id) })
  })

  // --- Correcting a record -----------------------------------------------------------------------
  const renderEdit = async (
    req: Request,
    res: Response,
    status: number,
    foreigner: repo.ForeignerRow,
    locals: Record<string, unknown>,
  ) => {
    const { locals: all } = await renderForm(req, status, {
      foreigner,
      conflict: null,
      caseStatusOptions: (['open', 'ended'] as const).map((v) => ({
        value: v,
        text: req.t(`foreigners.caseStatus.${v}`),
      })),
      ...locals,
    })
    res.status(status).render('foreigners/views/edit', all)
  }

  router.get('/foreigners/:id/edit', permit('foreigners.write'), async (req, res) => {
    const foreigner = await service.viewForEdit(db, req.actor, idParam(req))
    if (!foreigner) throw new HttpError(404)
    await renderEdit(req, res, 200, foreigner, { values: service.formValuesOf(foreigner) })
  })

  router.post('/foreigners/:id/edit', permit('foreigners.write'), async (req, res) => {
    const id = idParam(req)
    const current = await repo.findForeigner(db, id)
    if (!current) throw new HttpError(404)
    const form = parseForm(foreignerEditForm, req.body)
    // The version travels in a hidden field: a form without one is refused like a stale one.
    const showConflict = async (now: repo.ForeignerRow) => {
      await service.viewForEdit(db, req.actor, id)
      const mine = form.values
      const values = service.formValuesOf(now)
      const differing = Object.keys(values).filter(
        (k) => k !== 'version' && String(mine[k] ?? '').trim() !== String(values[k] ?? ''),
      )
      await renderEdit(req, res, 409, now, {
        values,
        conflict: { yours: differing.map((field) => ({ field, value: String(mine[field] ?? '') })) },
      })
    }
    if (!form.ok) {
      if (form.errors.some((e) => e.field === 'version')) return showConflict(current)
      return renderEdit(req, res, 422, current, form)
    }
    if (form.data.version !== current.version) return showConflict(current)
    if (form.data.confirmedNotDuplicate !== 'yes' && service.identityChanged(current, form.data)) {
      const duplicates = await service.checkDuplicates(db, req.actor, service.criteriaOf(form.data), {
        excludeId: id,
      })
      if (duplicates.length) return renderEdit(req, res, 200, current, { values: form.values, duplicates })
    }
    const result = await service.updateForeigner(db, req.actor, id, form.data)
    if (result.status === 'notFound') throw new HttpError(404)
    if (result.status === 'conflict') return showConflict(result.current)
    if (result.status === 'invalid')
      return renderEdit(req, res, 422, current, { values: form.values, errors: result.errors })
    flash(req, 'success', result.changed.length ? 'foreigners.edit.saved' : 'foreigners.edit.unchanged')
    res.redirect(303, `/foreigners/${id}`)
  })

  router.post('/foreigners/:id/case-status', permit('foreigners.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(caseStatusForm, req.body)
    if (!form.ok) throw new HttpError(400)
    if (!(await service.setCaseStatus(db, req.actor, id, form.data.caseStatus))) throw new HttpError(404)
    flash(req, 'success', 'foreigners.caseStatus.saved')
    res.redirect(303, `/foreigners/${id}`)
  })

  return router
}
