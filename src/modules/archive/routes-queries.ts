import type { Request, Response, Router } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, toFieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { listUnits } from '../admin/units-repository.js'
import { holdingsByIds } from './holdings-repository.js'
import * as records from './records-repository.js'
import * as service from './records-service.js'
import { answerForm, attachByBarcodeForm, queryForm } from './schemas.js'
import { idParam } from './http.js'

export function queryRoutes(router: Router, { db }: AppDeps): void {
  const formOptions = async () => ({
    unitOptions: (await listUnits(db, { activeOnly: true })).map((u) => ({
      value: u.id,
      text: `${u.symbol} – ${u.name}`,
    })),
    assigneeOptions: (
      await db('users')
        .where({ active: true })
        .whereRaw("'archivist' = ANY(roles)")
        .orderBy('display_name')
        .select('id', 'display_name')
    ).map((u: { id: number; display_name: string }) => ({ value: u.id, text: u.display_name })),
  })

  router.get('/archive/queries', permit('archive.read'), async (req, res) => {
    const status = ['open', 'answered'].includes(String(req.query.status))
      ? String(req.query.status)
      : undefined
    const queries = await records.listQueries(db, { status })
    // The list shows requesters' names (personal data): the view is logged with the ids shown.
    await recordAudit(db, req.actor, {
      action: 'archive.queriesListed',
      entityType: 'archive_query',
      details: { criteria: { status: status ?? null }, ids: queries.map((q) => q.id) },
    })
    res.render('archive/views/queries', { queries, status: status ?? '', registerNo: formatRegisterNumber })
  })

  router.get('/archive/queries/new', permit('archive.write'), async (_req, res) => {
    res.render('archive/views/query-new', await formOptions())
  })

  router.post('/archive/queries', permit('archive.write'), async (req, res) => {
    const form = parseForm(queryForm, req.body)
    if (!form.ok)
      return res.status(422).render('archive/views/query-new', { ...form, ...(await formOptions()) })
    const id = await service.registerQuery(db, req.actor, form.data)
    flash(req, 'success', 'archive.query.registered')
    res.redirect(303, `/archive/queries/${id}`)
  })

  const queryPage = async (
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const id = idParam(req)
    const query = await service.viewQuery(db, req.actor, id)
    const folders = await holdingsByIds(db, await records.queryFolderIds(db, id))
    res
      .status(status)
      .render('archive/views/query', { query, folders, registerNo: formatRegisterNumber, ...extra })
  }

  router.get('/archive/queries/:id', permit('archive.read'), async (req, res) => {
    await queryPage(req, res)
  })

  router.post('/archive/queries/:id/folders', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(attachByBarcodeForm, req.body)
    if (!form.ok) return queryPage(req, res, form, 422)
    const result = await service.attachFolderToQuery(db, req.actor, id, form.data.barcode)
    if (!result.ok) return queryPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.query.folderAttached')
    res.redirect(303, `/archive/queries/${id}`)
  })

  router.post('/archive/queries/:id/answer', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(answerForm, req.body)
    if (!form.ok) return queryPage(req, res, form, 422)
    await service.answerQuery(db, req.actor, id, form.data)
    flash(req, 'success', 'archive.query.answered')
    res.redirect(303, `/archive/queries/${id}`)
  })
}
