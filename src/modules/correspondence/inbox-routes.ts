import { Router, type Request, type Response } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, type FieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { contentDisposition } from '../../shared/files/upload.js'
import { recordAudit } from '../../shared/audit/audit.js'
import * as registry from './service.js'
import * as repo from './repository.js'
import * as routing from './routing-service.js'
import { caseForm, reasonForm } from './schemas.js'
import { fieldError, idParam } from './route-helpers.js'
import { officeDate } from '../../shared/clock/office.js'

/** A unit's inbox: staff see and act on items routed to their own unit only (record-level check). */
export function inboxRoutes(deps: AppDeps): Router {
  const { db } = deps
  const router = Router()

  router.get('/registry/inbox', permit('registry.inbox'), async (req, res) => {
    const unitId = req.user!.orgUnitId
    const rows = unitId ? await repo.inboxQuery(db, unitId).orderBy('i.id', 'desc').limit(500) : []
    await recordAudit(db, req.actor, {
      action: 'registry.inboxViewed',
      entityType: 'org_unit',
      entityId: unitId ?? undefined,
    })
    res.render('correspondence/views/inbox', { rows, today: officeDate(new Date()) })
  })

  const renderItem = async (
    req: Request,
    res: Response,
    status = 200,
    form?: { name: string; values: Record<string, unknown>; errors: FieldError[] },
  ) => {
    const item = await routing.inboxItem(db, req.user!, idParam(req))
    const [attachments, history, cases] = await Promise.all([
      repo.listAttachments(db, item.id),
      repo.routingHistory(db, item.id),
      repo.casesOfItem(db, item.id),
    ])
    if (status === 200)
      await registry.auditView(db, req.actor, 'incoming_item', item.id, 'registry.inboxItemViewed')
    res.status(status).render('correspondence/views/inbox-show', {
      item,
      attachments,
      history,
      cases,
      activeForm: form?.name ?? null,
      values: form?.values ?? {},
      errors: form?.errors ?? [],
    })
  }

  router.get('/registry/inbox/:id', permit('registry.inbox'), (req, res) => renderItem(req, res))

  router.get('/registry/inbox/:id/files/:fileId', permit('registry.inbox'), async (req, res) => {
    const item = await routing.inboxItem(db, req.user!, idParam(req))
    const inline = req.query.inline === '1'
    const file = await registry.openAttachment(
      deps,
      req.actor,
      item.id,
      idParam(req, 'fileId'),
      inline ? 'inline' : 'attachment',
    )
    if (!file) throw new HttpError(404)
    res.setHeader('Content-Type', file.att.mime)
    res.setHeader('Content-Disposition', contentDisposition(file.disposition, file.att.original_name))
    res.send(file.content)
  })

  router.post('/registry/inbox/:id/accept', permit('registry.inbox'), async (req, res) => {
    const id = idParam(req)
    if (!(await routing.acceptItem(db, req.actor, req.user!, id))) throw new HttpError(409)
    flash(req, 'success', 'registry.inbox.accepted')
    res.redirect(303, `/registry/inbox/${id}`)
  })

  router.post('/registry/inbox/:id/return', permit('registry.inbox'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(reasonForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'return', ...form })
    if (!(await routing.returnItem(db, req.actor, req.user!, id, form.data.reason))) throw new HttpError(409)
    flash(req, 'success', 'registry.inbox.returned')
    res.redirect(303, '/registry/inbox')
  })

  router.post('/registry/inbox/:id/case', permit('registry.inbox'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(caseForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'case', ...form })
    const result = await routing.openCase(db, req.actor, req.user!, id, form.data)
    if (!result.ok)
      return renderItem(req, res, 422, { name: 'case', values: form.values, errors: [fieldError(result)] })
    flash(req, 'success', 'registry.case.opened', { reference: result.value })
    res.redirect(303, `/registry/inbox/${id}`)
  })

  return router
}
