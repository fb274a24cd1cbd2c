import { Router, type Request } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { loadSearch, saveSearch } from '../../shared/lists/saved-search.js'
import type { Db } from '../../shared/db/index.js'
import * as service from './service.js'
import * as repo from './repository.js'
import { caseStatusForm, foreignerForm, nameSearchForm } from './schemas.js'
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
    const foreigner = await service.viewForeigner(db, req.actor, idParam(req))
    if (!foreigner) throw new HttpError(404)
    res.render('foreigners/views/show', { ...helpers, foreigner })
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
