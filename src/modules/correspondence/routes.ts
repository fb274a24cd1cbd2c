import { Router, type Request, type Response } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, type FieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { acceptFiles, contentDisposition } from '../../shared/files/upload.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { applyKeyset, pageOf, parseListQuery, sendCsv } from '../../shared/lists/index.js'
import * as registry from './service.js'
import * as repo from './repository.js'
import * as routing from './routing-service.js'
import * as inquiries from './inquiries.js'
import { delayForm, incomingForm, inquiryForm, listFilters, reasonForm, routeForm } from './schemas.js'
import {
  csvHeader,
  csvRow,
  fieldError,
  idParam,
  incomingSorts,
  inquiryTypeOptions,
  queryValues,
  registryOptions,
} from './route-helpers.js'
import { officeDate, officeTime } from '../../shared/clock/office.js'
import { receiptConfirmationPdf, receiptLabelPdf } from './pdf.js'
import { parseRegisterNumber } from './validators.js'
import { takeImport } from './email-import.js'
import { parseImport, type ParsedImport } from './message-import.js'
import { formatDate } from '../../shared/forms/index.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import {
  claimPending,
  discardPending,
  findPending,
  holdPending,
  pendingRefused,
  pendingTokens,
  PendingGoneError,
  type PendingFile,
} from '../../shared/files/pending.js'
import { inboxRoutes } from './inbox-routes.js'
import { outgoingRoutes } from './outgoing-routes.js'
import { searchRoutes } from './search-routes.js'

/** Pending uploads of the registration form's files field. */
const filesPurpose = 'registry.incoming.files'

export function correspondenceRoutes(deps: AppDeps): Router {
  const { db, config, files } = deps
  const router = Router()
  const maxBytes = config.UPLOAD_MAX_MB * 1048576

  // --- Register --------------------------------------------------------------------------------
  const listPage = async (req: Request, res: Response, csv: boolean) => {
    const parsed = parseForm(listFilters, req.query)
    if (!parsed.ok) throw new HttpError(400)
    const today = officeDate(new Date())
    const q = repo.incomingQuery(db, { ...parsed.data, today })
    const year = Number(today.slice(0, 4))
    if (csv) {
      const rows = (await q.orderBy('i.id', 'desc').limit(10_000)) as repo.IncomingListRow[]
      await recordAudit(db, req.actor, {
        action: 'registry.exported',
        entityType: 'incoming_item',
        details: { criteria: parsed.data, count: rows.length },
      })
      return sendCsv(res, `rejestr-wplywow-${today}.csv`, csvHeader(req), rows.map(csvRow(req)))
    }
    // Newest receipt first by default: the (received_at, id) indexes serve date ranges and units alike,
    // where ordering by id would walk the whole table back to an old date range.
    const list = parseListQuery(req.query, incomingSorts, { sort: 'received', dir: 'desc' })
    // The page's reads and its audit row go out together (the row records the criteria, not the
    // result); nothing is sent before the audit row is committed.
    const [rows, summary, options] = await Promise.all([
      applyKeyset(q, list, incomingSorts, 'i.id') as Promise<repo.IncomingListRow[]>,
      repo.registerHeadline(db, year),
      registryOptions(db, req),
      recordAudit(db, req.actor, {
        action: 'registry.listed',
        entityType: 'incoming_item',
        details: { criteria: parsed.data },
      }),
    ])
    const page = pageOf(rows, list, '/registry/incoming', req.query, (r) => [
      list.sort === 'received' ? r.received_at : r.id,
      r.id,
    ])
    res.render('correspondence/views/incoming-list', {
      page,
      list,
      today,
      filters: queryValues(req.query),
      summary,
      year,
      ...options,
    })
  }
  router.get('/registry/incoming', permit('registry.read'), (req, res) => listPage(req, res, false))
  router.get('/registry/incoming/export.csv', permit('registry.read'), (req, res) => listPage(req, res, true))

  // A register number typed or scanned (keyboard-wedge barcode reader) opens the item.
  router.get('/registry/find', permit('registry.read'), async (req, res) => {
    const ref = typeof req.query.number === 'string' ? parseRegisterNumber(req.query.number) : null
    const id = ref ? await repo.findIncomingIdByNumber(db, ref.year, ref.number) : null
    if (id) return res.redirect(303, `/registry/incoming/${id}`)
    flash(req, 'error', 'registry.find.notFound')
    res.redirect(303, '/registry/incoming')
  })

  router.get('/registry/annulments', permit('registry.read'), async (req, res) => {
    const year = Number(req.query.year ?? officeDate(new Date()).slice(0, 4))
    if (!Number.isInteger(year) || year < 1900 || year > 2200) throw new HttpError(400)
    res.render('correspondence/views/annulments', {
      year,
      rows: await repo.listAnnulments(db, year),
      summary: await repo.registerSummary(db, year),
    })
  })

  // --- New item ----------------------------------------------------------------------------------
  /** A loaded message was read once when it was imported; should it fail now, the form still opens. */
  const readImport = (content: Buffer): Promise<ParsedImport | null> => parseImport(content).catch(() => null)

  const renderForm = async (
    req: Request,
    res: Response,
    status: number,
    values: Record<string, unknown>,
    errors: FieldError[],
    lastItem: { id: number; registerNumber: string } | null = null,
    heldFiles: PendingFile[] = [],
  ) => {
    const importId = typeof values.importId === 'string' ? values.importId : undefined
    const pending = importId ? await takeImport(db, importId, req.user!.id) : undefined
    res.status(status).render('correspondence/views/incoming-form', {
      values,
      errors,
      messageImport: pending ? await readImport(pending.content) : null,
      lastItem,
      pending: heldFiles,
      ...(await registryOptions(db, req)),
    })
  }

  router.get('/registry/incoming/new', permit('registry.write'), async (req, res) => {
    const now = new Date()
    const q = queryValues(req.query)
    const values: Record<string, unknown> = {
      receivedDate: q.receivedDate ?? formatDate(officeDate(now)),
      receivedTime: officeTime(now),
      channel: q.channel ?? 'post',
      form: q.form ?? 'paper',
      senderKind: 'person',
      enclosuresCount: '0',
    }
    const senderId = Number(q.senderId)
    if (Number.isSafeInteger(senderId) && senderId > 0) {
      const s = await repo.findSender(db, senderId)
      if (s)
        Object.assign(values, {
          senderId: s.id,
          senderKind: s.kind,
          senderName: s.name,
          senderAddress: s.address ?? '',
          senderEmail: s.email ?? '',
          senderEpuap: s.epuap_address ?? '',
          senderEdelivery: s.edelivery_address ?? '',
        })
    }
    if (q.importId && /^[0-9a-f-]{36}$/i.test(q.importId)) {
      const pending = await takeImport(db, q.importId, req.user!.id)
      const message = pending ? await readImport(pending.content) : null
      if (message) {
        // Only what the message says replaces the defaults (a date without a time keeps the clock).
        const given = (v: string | null) => (v ? v : undefined)
        const prefill = {
          importId: q.importId,
          channel: message.channel,
          form: 'electronic',
          senderKind: message.senderKind,
          senderName: message.senderName,
          senderAddress: given(message.senderAddress),
          senderEmail: given(message.senderEmail),
          senderEpuap: given(message.senderEpuap),
          senderEdelivery: given(message.senderEdelivery),
          subject: message.subject,
          letterDate: message.letterDate ? formatDate(message.letterDate) : undefined,
          receivedDate: message.receivedDate ? formatDate(message.receivedDate) : undefined,
          receivedTime: message.receivedDate ? given(message.receivedTime) : undefined,
        }
        for (const [k, v] of Object.entries(prefill)) if (v !== undefined) values[k] = v
      }
    }
    const lastId = Number(q.last)
    const last = Number.isSafeInteger(lastId) && lastId > 0 ? await repo.findIncoming(db, lastId) : undefined
    await renderForm(
      req,
      res,
      200,
      values,
      [],
      last ? { id: last.id, registerNumber: formatRegisterNumber(last.year, last.number) } : null,
    )
  })

  /**
   * Files chosen with a post that does not save (a validation error, "remove") are held as pending
   * uploads and the form carries their tokens, so the clerk need not choose them again; on save they
   * are claimed in the registration's transaction, beside any newly chosen ones.
   */
  router.post(
    '/registry/incoming',
    permit('registry.write'),
    ...acceptFiles('files', { maxBytes }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>
      const owner = { userId: req.user!.id, sessionId: req.sessionID }
      const uploads = req.uploaded ?? []
      const held = await findPending(db, owner, filesPurpose, pendingTokens(body.filesPending))
      let pending = held.files
      const form = parseForm(incomingForm, body)
      const values: Record<string, unknown> = { ...form.values }
      for (const k of ['_csrf', 'filesPending', 'removeFiles']) delete values[k]
      const again = async (status: number, errors: FieldError[]) => {
        if (uploads.length)
          pending = [...pending, ...(await holdPending(db, files, owner, filesPurpose, uploads))]
        return renderForm(req, res, status, values, errors, null, pending)
      }
      const fileErrors = [
        ...(req.uploadErrors ?? []),
        ...(held.refused.length ? [pendingRefused('files')] : []),
      ]
      if (typeof body.removeFiles === 'string') {
        await discardPending(db, files, owner, filesPurpose, [body.removeFiles])
        pending = pending.filter((p) => p.token !== body.removeFiles)
        return again(fileErrors.length ? 422 : 200, fileErrors)
      }
      if (!form.ok || fileErrors.length) return again(422, [...(form.ok ? [] : form.errors), ...fileErrors])
      const tokens = pending.map((p) => p.token)
      let result: Awaited<ReturnType<typeof registry.registerIncoming>>
      try {
        result = await registry.registerIncoming(deps, req.actor, form.data, uploads, (trx) =>
          claimPending(trx, owner, filesPurpose, tokens),
        )
      } catch (err) {
        if (!(err instanceof PendingGoneError)) throw err
        pending = (await findPending(db, owner, filesPurpose, tokens)).files
        return again(422, [pendingRefused('files')])
      }
      if (!result.ok) return again(422, [fieldError(result)])
      flash(req, 'success', 'registry.incoming.registered', { number: result.value.registerNumber })
      if (body.then === 'next') {
        // Register and next: the sticky fields (date of receipt, channel, form) carry over.
        const sticky = new URLSearchParams({
          receivedDate: String(form.values.receivedDate ?? ''),
          channel: form.data.channel,
          form: form.data.form,
        })
        return res.redirect(303, `/registry/incoming/new?${sticky.toString()}&last=${result.value.id}`)
      }
      res.redirect(303, `/registry/incoming/${result.value.id}`)
    },
  )

  // --- One item ----------------------------------------------------------------------------------
  const loadItem = async (req: Request) => {
    const item = await repo.findIncoming(db, idParam(req))
    if (!item) throw new HttpError(404)
    return item
  }

  const renderItem = async (
    req: Request,
    res: Response,
    status = 200,
    form?: { name: string; values: Record<string, unknown>; errors: FieldError[] },
  ) => {
    const item = await loadItem(req)
    const types = await inquiries.inquiryTypes(db)
    const [attachments, history, delays, cases] = await Promise.all([
      repo.listAttachments(db, item.id),
      repo.routingHistory(db, item.id),
      inquiries.delaysOf(db, item.id),
      repo.casesOfItem(db, item.id),
    ])
    if (status === 200) await registry.auditView(db, req.actor, 'incoming_item', item.id)
    res.status(status).render('correspondence/views/incoming-show', {
      item,
      attachments,
      history,
      delays,
      cases,
      activeForm: form?.name ?? null,
      values: form?.values ?? {},
      errors: form?.errors ?? [],
      inquiryType: types.find((t) => t.id === item.inquiry_type_id) ?? null,
      inquiryTypeOptions: inquiryTypeOptions(types, req),
      today: officeDate(new Date()),
      ...(await registryOptions(db, req)),
    })
  }

  router.get('/registry/incoming/:id', permit('registry.read'), (req, res) => renderItem(req, res))

  router.get('/registry/incoming/:id/files/:fileId', permit('registry.read'), async (req, res) => {
    const inline = req.query.inline === '1'
    const file = await registry.openAttachment(
      deps,
      req.actor,
      idParam(req),
      idParam(req, 'fileId'),
      inline ? 'inline' : 'attachment',
    )
    if (!file) throw new HttpError(404)
    res.setHeader('Content-Type', file.att.mime)
    res.setHeader('Content-Disposition', contentDisposition(file.disposition, file.att.original_name))
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.send(file.content)
  })

  router.post(
    '/registry/incoming/:id/files',
    permit('registry.write'),
    ...acceptFiles('files', { maxBytes }),
    async (req, res) => {
      const id = idParam(req)
      const errors = req.uploadErrors ?? []
      if (!errors.length && !req.uploaded?.length)
        errors.push({ field: 'files', href: '#files', key: 'registry.files.required' })
      if (errors.length) {
        // The files are refused before the item is looked at; the page says why, next to the field.
        if (await repo.findIncoming(db, id))
          return renderItem(req, res, 422, { name: 'files', values: {}, errors })
        return res.status(422).render('correspondence/views/files-refused', { errors })
      }
      await registry.addFiles(deps, req.actor, id, req.uploaded!)
      flash(req, 'success', 'registry.files.added')
      res.redirect(303, `/registry/incoming/${id}`)
    },
  )

  router.post('/registry/incoming/:id/annul', permit('registry.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(reasonForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'annul', ...form })
    if (!(await registry.annulIncoming(db, req.actor, id, form.data.reason))) throw new HttpError(409)
    flash(req, 'success', 'registry.incoming.annulled')
    res.redirect(303, `/registry/incoming/${id}`)
  })

  router.post('/registry/incoming/:id/route', permit('registry.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(routeForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'route', ...form })
    const result = await routing.routeItem(db, req.actor, id, form.data)
    if (!result.ok)
      return renderItem(req, res, 422, { name: 'route', values: form.values, errors: [fieldError(result)] })
    flash(req, 'success', 'registry.routing.done')
    res.redirect(303, `/registry/incoming/${id}`)
  })

  router.post('/registry/incoming/:id/inquiry', permit('registry.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(inquiryForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'inquiry', ...form })
    const result = await inquiries.markInquiry(db, req.actor, id, form.data)
    if (!result.ok)
      return renderItem(req, res, 422, { name: 'inquiry', values: form.values, errors: [fieldError(result)] })
    flash(req, 'success', 'registry.inquiry.marked', { due: formatDate(result.value) })
    res.redirect(303, `/registry/incoming/${id}`)
  })

  router.post('/registry/incoming/:id/delay', permit('registry.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(delayForm, req.body)
    if (!form.ok) return renderItem(req, res, 422, { name: 'delay', ...form })
    const result = await inquiries.recordDelay(db, req.actor, id, form.data)
    if (!result.ok)
      return renderItem(req, res, 422, { name: 'delay', values: form.values, errors: [fieldError(result)] })
    flash(req, 'success', 'registry.delay.recorded')
    res.redirect(303, `/registry/incoming/${id}`)
  })

  router.get('/registry/incoming/:id/label.pdf', permit('registry.read'), async (req, res) => {
    const item = await loadItem(req)
    const size = req.query.size === 'a4' ? 'a4' : 'label'
    const pdf = await receiptLabelPdf(item, req.t, size)
    await recordAudit(db, req.actor, {
      action: 'registry.labelPrinted',
      entityType: 'incoming_item',
      entityId: item.id,
      details: { size },
    })
    res
      .type('application/pdf')
      .setHeader(
        'Content-Disposition',
        contentDisposition('inline', `etykieta-${item.year}-${item.number}.pdf`),
      )
    res.send(pdf)
  })

  router.get('/registry/incoming/:id/confirmation.pdf', permit('registry.read'), async (req, res) => {
    const item = await loadItem(req)
    const attachments = await repo.listAttachments(db, item.id)
    const pdf = await receiptConfirmationPdf(item, attachments.length, req.t)
    await recordAudit(db, req.actor, {
      action: 'registry.confirmationPrinted',
      entityType: 'incoming_item',
      entityId: item.id,
    })
    res
      .type('application/pdf')
      .setHeader(
        'Content-Disposition',
        contentDisposition('inline', `potwierdzenie-${item.year}-${item.number}.pdf`),
      )
    res.send(pdf)
  })

  router.use(inboxRoutes(deps))
  router.use(outgoingRoutes(deps))
  router.use(searchRoutes(deps))
  return router
}
