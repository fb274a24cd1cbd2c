import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import {
  emptyToUndefined,
  formatDate,
  optionalDateField,
  parseDate,
  parseForm,
  type FieldError,
} from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { contentDisposition } from '../../shared/files/upload.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { applyKeyset, pageOf, parseListQuery, sendCsv } from '../../shared/lists/index.js'
import * as outgoing from './outgoing.js'
import { deliveryForm, outgoingChannels, outgoingForm, reasonForm } from './schemas.js'
import { fieldError, idParam, queryValues, registryOptions } from './route-helpers.js'
import { officeDate } from '../../shared/clock/office.js'
import { dispatchBookPdf, dispatchKind } from './pdf.js'

const outgoingFilters = z.object({
  from: optionalDateField(),
  to: optionalDateField(),
  channel: z.preprocess(emptyToUndefined, z.enum(outgoingChannels).optional()),
  status: z.preprocess(emptyToUndefined, z.enum(['registered', 'annulled']).optional()),
})
const sorts = { registered: { column: 'g.id' } }

export function outgoingRoutes({ db }: AppDeps): Router {
  const router = Router()

  router.get('/registry/outgoing', permit('registry.read'), async (req, res) => {
    const parsed = parseForm(outgoingFilters, req.query)
    if (!parsed.ok) throw new HttpError(400)
    const f = parsed.data
    const q = outgoing.outgoingBase(db)
    if (f.from) q.where('g.dispatch_date', '>=', f.from)
    if (f.to) q.where('g.dispatch_date', '<=', f.to)
    if (f.channel) q.where('g.channel', f.channel)
    if (f.status) q.where('g.status', f.status)
    const list = parseListQuery(req.query, sorts, { sort: 'registered', dir: 'desc' })
    const rows = (await applyKeyset(q, list, sorts, 'g.id')) as outgoing.OutgoingRow[]
    await recordAudit(db, req.actor, {
      action: 'registry.outgoingListed',
      entityType: 'outgoing_item',
      details: { criteria: f },
    })
    res.render('correspondence/views/outgoing-list', {
      page: pageOf(rows, list, '/registry/outgoing', req.query, (r) => [r.id, r.id]),
      filters: queryValues(req.query),
      today: officeDate(new Date()),
      ...(await registryOptions(db, req)),
    })
  })

  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    values: Record<string, unknown>,
    errors: FieldError[],
  ) =>
    res
      .status(status)
      .render('correspondence/views/outgoing-form', { values, errors, ...(await registryOptions(db, req)) })

  router.get('/registry/outgoing/new', permit('registry.write'), async (req, res) => {
    const q = queryValues(req.query)
    await renderForm(
      req,
      res,
      200,
      {
        dispatchDate: formatDate(officeDate(new Date())),
        channel: 'post',
        postKind: 'registered',
        relatedIncoming: q.related ?? '',
        ...(q.related ? { isAnswer: q.answer === '1' ? 'on' : '' } : {}),
      },
      [],
    )
  })

  router.post('/registry/outgoing', permit('registry.write'), async (req, res) => {
    const form = parseForm(outgoingForm, req.body)
    if (!form.ok) return renderForm(req, res, 422, form.values, form.errors)
    const result = await outgoing.registerOutgoing(db, req.actor, form.data)
    if (!result.ok) return renderForm(req, res, 422, form.values, [fieldError(result)])
    flash(req, 'success', 'registry.outgoing.registered', { number: result.value.registerNumber })
    res.redirect(303, `/registry/outgoing/${result.value.id}`)
  })

  // --- Postal dispatch book --------------------------------------------------------------------
  const bookDay = (req: Request) => {
    const raw = typeof req.query.day === 'string' && req.query.day ? req.query.day : officeDate(new Date())
    const day = parseDate(raw)
    if (!day) throw new HttpError(400)
    return day
  }

  router.get('/registry/outgoing/dispatch-book', permit('registry.read'), async (req, res) => {
    const day = bookDay(req)
    const rows = await outgoing.dispatchBook(db, day)
    res.render('correspondence/views/dispatch-book', {
      day,
      rows: rows.map((r) => ({ ...r, kind: dispatchKind(r, req.t) })),
    })
  })

  router.get('/registry/outgoing/dispatch-book.pdf', permit('registry.read'), async (req, res) => {
    const day = bookDay(req)
    const rows = await outgoing.dispatchBook(db, day)
    const pdf = await dispatchBookPdf(day, rows, req.t)
    await recordAudit(db, req.actor, {
      action: 'registry.dispatchBookPrinted',
      entityType: 'outgoing_item',
      details: { day, count: rows.length },
    })
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', contentDisposition('inline', `ksiazka-nadawcza-${day}.pdf`))
    res.send(pdf)
  })

  router.get('/registry/outgoing/dispatch-book.csv', permit('registry.read'), async (req, res) => {
    const day = bookDay(req)
    const rows = await outgoing.dispatchBook(db, day)
    await recordAudit(db, req.actor, {
      action: 'registry.dispatchBookExported',
      entityType: 'outgoing_item',
      details: { day, count: rows.length },
    })
    sendCsv(
      res,
      `ksiazka-nadawcza-${day}.csv`,
      ['lp', 'number', 'addressee', 'address', 'trackingNumber', 'kind'].map((k) =>
        req.t(`registry.dispatch.csv.${k}`),
      ),
      rows.map((r, i) => [
        i + 1,
        formatRegisterNumber(r.year, r.number),
        r.addressee_name,
        r.addressee_address,
        r.tracking_number,
        dispatchKind(r, req.t),
      ]),
    )
  })

  // --- One outgoing item -----------------------------------------------------------------------
  const renderItem = async (
    req: Request,
    res: Response,
    status = 200,
    form?: { name: string; values: Record<string, unknown>; errors: FieldError[] },
  ) => {
    const item = await outgoing.findOutgoing(db, idParam(req))
    if (!item) throw new HttpError(404)
    if (status === 200)
      await recordAudit(db, req.actor, {
        action: 'registry.outgoingViewed',
        entityType: 'outgoing_item',
        entityId: item.id,
      })
    res.status(status).render('correspondence/views/outgoing-show', {
      item,
      activeForm: form?.name ?? null,
      values: form?.values ?? {},
      errors: form?.errors ?? [],
    })
  }

  router.get('/registry/outgoing/:id', permit('registry.read'), (req, res) => renderItem(req, res))

  router.post('/registry/outgoing/:id/delivery', permit('registry.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(deliveryForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'delivery', ...form })
    const result = await outgoing.recordDelivery(db, req.actor, id, form.data.deliveredOn)
    if (!result.ok)
      return renderItem(req, res, 422, {
        name: 'delivery',
        values: form.values,
        errors: [fieldError(result)],
      })
    flash(req, 'success', 'registry.outgoing.deliveryRecorded')
    res.redirect(303, `/registry/outgoing/${id}`)
  })

  router.post('/registry/outgoing/:id/annul', permit('registry.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(reasonForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'annul', ...form })
    if (!(await outgoing.annulOutgoing(db, req.actor, id, form.data.reason))) throw new HttpError(409)
    flash(req, 'success', 'registry.outgoing.annulled')
    res.redirect(303, `/registry/outgoing/${id}`)
  })

  return router
}
