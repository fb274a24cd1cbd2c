import type { Request, Response, Router } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, toFieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import * as disposal from './disposal-service.js'
import { consentForm, destroyForm } from './schemas.js'
import { disposalListPdf } from './pdf.js'
import { idParam } from './http.js'
import { officeToday } from '../../shared/clock/office.js'

export function disposalRoutes(router: Router, { db }: AppDeps): void {
  const lists = () =>
    db('archive_disposal_lists as d')
      .orderBy('d.id', 'desc')
      .select(
        'd.id',
        'd.year',
        'd.number',
        'd.status',
        'd.consent_reference',
        'd.destroyed_on',
        db.raw(
          '(SELECT count(*)::int FROM archive_disposal_items i WHERE i.disposal_list_id = d.id) AS folders',
        ),
      )

  const listsPage = async (
    _req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const eligible = await disposal
      .eligibleForDisposal(db, officeToday())
      .count<{ c: number }>({ c: '*' })
      .first()
    res.status(status).render('archive/views/disposals', {
      lists: await lists(),
      eligible: Number(eligible?.c ?? 0),
      registerNo: formatRegisterNumber,
      ...extra,
    })
  }

  router.get('/archive/disposals', permit('archive.read'), async (req, res) => {
    await listsPage(req, res)
  })

  router.post('/archive/disposals', permit('archive.write'), async (req, res) => {
    const result = await disposal.buildDisposalList(db, req.actor, officeToday())
    if (!result.ok)
      return listsPage(req, res, { errors: [{ field: 'form', href: '#build', key: result.key }] }, 422)
    flash(req, 'success', 'archive.disposal.built')
    res.redirect(303, `/archive/disposals/${result.value}`)
  })

  const items = (id: number) =>
    db('archive_disposal_items as i')
      .join('archive_folders as f', 'f.id', 'i.folder_id')
      .join('org_units as u', 'u.id', 'f.unit_id')
      .where('i.disposal_list_id', id)
      .orderBy('f.sign')
      .select(
        'f.id',
        'f.sign',
        'f.title',
        'f.year_from',
        'f.year_to',
        'f.category',
        'f.volumes',
        'f.status',
        'f.linear_metres',
        'u.symbol as unit_symbol',
      )

  const findList = async (id: number) => {
    const list = await db('archive_disposal_lists')
      .where({ id })
      .first(
        'id',
        'year',
        'number',
        'status',
        'consent_reference',
        'consent_on',
        'protocol_reference',
        'destroyed_on',
      )
    if (!list) throw new HttpError(404)
    return list
  }

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const list = await findList(idParam(req))
    res.status(status).render('archive/views/disposal', {
      list,
      rows: await items(list.id),
      registerNo: formatRegisterNumber,
      ...extra,
    })
  }

  router.get('/archive/disposals/:id', permit('archive.read'), async (req, res) => {
    await listPage(req, res)
  })

  router.get('/archive/disposals/:id/print.pdf', permit('archive.read'), async (req, res) => {
    const list = await findList(idParam(req))
    const pdf = await disposalListPdf({
      number: formatRegisterNumber(list.year, list.number),
      rows: await items(list.id),
    })
    await recordAudit(db, req.actor, {
      action: 'archive.disposalListPrinted',
      entityType: 'archive_disposal_list',
      entityId: list.id,
    })
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="spis-brakowania-${list.id}.pdf"`)
    res.send(pdf)
  })

  router.post('/archive/disposals/:id/consent', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(consentForm, req.body)
    if (!form.ok) return listPage(req, res, form, 422)
    await disposal.recordConsent(db, req.actor, id, form.data)
    flash(req, 'success', 'archive.disposal.consentRecorded')
    res.redirect(303, `/archive/disposals/${id}`)
  })

  router.post('/archive/disposals/:id/destroy', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(destroyForm, req.body)
    if (!form.ok) return listPage(req, res, form, 422)
    const result = await disposal.markDestroyed(db, req.actor, id, form.data)
    if (!result.ok) return listPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.disposal.completed', { count: result.value })
    res.redirect(303, `/archive/disposals/${id}`)
  })
}
