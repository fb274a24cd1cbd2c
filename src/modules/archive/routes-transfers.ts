import type { Request, Response, Router } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, type FieldError, toFieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { acceptTextFile } from '../../shared/files/upload.js'
import { transferYears } from './domain.js'
import { csvDelimiter } from './jrwa.js'
import * as jrwa from './jrwa-repository.js'
import * as repo from './transfers-repository.js'
import * as transfers from './transfers-service.js'
import { acceptListForm, attachFoldersForm, returnListForm, unitFolderForm } from './schemas.js'
import { labelsPdf, transferListPdf } from './pdf.js'
import { idParam } from './http.js'

/** The signed-in user's unit: unit staff see and change only their own unit's folders and lists. */
function ownUnit(req: Request): number {
  const unitId = req.user!.orgUnitId
  if (!unitId) throw new HttpError(404, 'archive.unit.noUnit')
  return unitId
}

/** A JRWA is a few hundred lines: 2 MB is far more than any real one. */
const jrwaMaxBytes = 2 * 1024 * 1024

function buildTree<T extends { symbol: string; parent_symbol: string | null }>(rows: T[]) {
  type Node = T & { children: Node[] }
  const bySymbol = new Map<string, Node>()
  const roots: Node[] = []
  for (const r of rows) bySymbol.set(r.symbol, { ...r, children: [] })
  for (const node of bySymbol.values()) {
    const parent = node.parent_symbol ? bySymbol.get(node.parent_symbol) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

export function transferRoutes(router: Router, { db }: AppDeps): void {
  // --- File plan --------------------------------------------------------------------------------
  router.get('/archive/jrwa', permit('archive.transfer'), async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : ''
    const rows = await jrwa.listClasses(db, q || undefined)
    res.render('archive/views/jrwa', { q, rows, tree: q ? null : buildTree(rows) })
  })

  router.get('/archive/jrwa/import', permit('archive.write'), (_req, res) => {
    res.render('archive/views/jrwa-import', { report: [] })
  })

  // A CSV file uploaded (multipart; checked as UTF-8 text, BOM dropped, `;` or `,`) or its content
  // pasted. The file is read, never stored; a file with bad rows is put into the text box with the
  // report, so it can be corrected there and imported without choosing the file again.
  router.post(
    '/archive/jrwa/import',
    permit('archive.write'),
    ...acceptTextFile('csvFile', {
      maxBytes: jrwaMaxBytes,
      keys: { notText: 'archive.jrwa.import.notCsv', notUtf8: 'archive.jrwa.import.notUtf8' },
      looksRight: (text) => csvDelimiter(text) !== null,
    }),
    async (req, res) => {
      const pasted = typeof req.body?.csv === 'string' ? req.body.csv : ''
      const file = req.uploadedText
      const text = file ? file.text : pasted
      const values = { csv: text }
      const fail = (errors: FieldError[], report: unknown[] = []) =>
        res.status(422).render('archive/views/jrwa-import', { values, errors, report })
      if (req.uploadErrors?.length) return fail(req.uploadErrors)
      if (text.trim() === '')
        return fail([{ field: 'csv', href: '#csv', key: 'archive.jrwa.import.required' }])
      const result = await transfers.importJrwa(
        db,
        req.actor,
        text,
        file ? { source: 'file', fileName: file.originalName, size: file.size } : { source: 'pasted' },
      )
      if (!result.ok)
        return fail(
          [
            {
              field: 'csv',
              href: '#report',
              key: 'archive.jrwa.import.badRows',
              params: { count: result.errors.length },
            },
          ],
          result.errors,
        )
      flash(req, 'success', 'archive.jrwa.import.done', { added: result.added, updated: result.updated })
      res.redirect(303, '/archive/jrwa')
    },
  )

  // --- Unit side: its folders and transfer lists -------------------------------------------------
  const unitPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const unitId = ownUnit(req)
    const years = transferYears(new Date())
    const [folders, lists, supervision, leaves] = await Promise.all([
      repo.unitFolders(db, unitId),
      repo.listLists(db, { unitId }),
      repo.transferSupervision(db, years, unitId),
      jrwa.leafClasses(db),
    ])
    res.status(status).render('archive/views/unit-transfers', {
      folders,
      lists,
      years,
      summary: supervision[0] ?? { due: 0, overdue: 0 },
      leaves,
      ...extra,
    })
  }

  router.get('/archive/transfers', permit('archive.transfer'), async (req, res) => {
    if (!req.user!.orgUnitId) return res.render('archive/views/no-unit')
    await unitPage(req, res)
  })

  router.post('/archive/transfers/folders', permit('archive.transfer'), async (req, res) => {
    const unitId = ownUnit(req)
    const form = parseForm(unitFolderForm, req.body)
    if (!form.ok) return unitPage(req, res, form, 422)
    const result = await transfers.registerUnitFolder(db, req.actor, unitId, form.data, null)
    if (!result.ok) return unitPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.folder.registered')
    res.redirect(303, '/archive/transfers')
  })

  const folderEditPage = async (
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const folder = await repo.findFolder(db, idParam(req))
    if (!folder || folder.unit_id !== ownUnit(req) || folder.status !== 'unit') throw new HttpError(404)
    res.status(status).render('archive/views/unit-folder', {
      folder,
      leaves: await jrwa.leafClasses(db),
      values: {
        jrwaSymbol: folder.jrwa_symbol,
        title: folder.title,
        yearFrom: folder.year_from,
        yearTo: folder.year_to ?? '',
        volumes: folder.volumes,
        notes: folder.notes ?? '',
      },
      ...extra,
    })
  }

  router.get('/archive/transfers/folders/:id', permit('archive.transfer'), async (req, res) => {
    await folderEditPage(req, res)
  })

  router.post('/archive/transfers/folders/:id', permit('archive.transfer'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(unitFolderForm, req.body)
    if (!form.ok) return folderEditPage(req, res, form, 422)
    const result = await transfers.updateUnitFolder(db, req.actor, ownUnit(req), id, form.data)
    if (!result.ok)
      return folderEditPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.folder.corrected')
    const folder = await repo.findFolder(db, id)
    res.redirect(
      303,
      folder?.transfer_list_id ? `/archive/transfers/lists/${folder.transfer_list_id}` : '/archive/transfers',
    )
  })

  router.post('/archive/transfers/lists', permit('archive.transfer'), async (req, res) => {
    const id = await transfers.createTransferList(db, req.actor, ownUnit(req))
    res.redirect(303, `/archive/transfers/lists/${id}`)
  })

  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const unitId = ownUnit(req)
    const list = await repo.findList(db, idParam(req))
    if (!list || list.unit_id !== unitId) throw new HttpError(404)
    const [items, available, leaves] = await Promise.all([
      repo.listFolders(db, list.id),
      repo.unitFolders(db, unitId),
      jrwa.leafClasses(db),
    ])
    res.status(status).render('archive/views/unit-list', {
      list,
      items,
      available: available.filter((f) => f.year_to !== null && f.transfer_list_id === null),
      leaves,
      ...extra,
    })
  }

  router.get('/archive/transfers/lists/:id', permit('archive.transfer'), async (req, res) => {
    await listPage(req, res)
  })

  router.post('/archive/transfers/lists/:id/folders/new', permit('archive.transfer'), async (req, res) => {
    const listId = idParam(req)
    const form = parseForm(unitFolderForm, req.body)
    if (!form.ok) return listPage(req, res, form, 422)
    const result = await transfers.registerUnitFolder(db, req.actor, ownUnit(req), form.data, listId)
    if (!result.ok) return listPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.folder.registered')
    res.redirect(303, `/archive/transfers/lists/${listId}`)
  })

  router.post('/archive/transfers/lists/:id/folders', permit('archive.transfer'), async (req, res) => {
    const listId = idParam(req)
    const form = parseForm(attachFoldersForm, req.body)
    if (!form.ok) return listPage(req, res, form, 422)
    const n = await transfers.attachFolders(db, req.actor, ownUnit(req), listId, form.data.folderIds)
    flash(req, 'success', 'archive.transfer.attached', { count: n })
    res.redirect(303, `/archive/transfers/lists/${listId}`)
  })

  router.post(
    '/archive/transfers/lists/:id/folders/:folderId/remove',
    permit('archive.transfer'),
    async (req, res) => {
      const listId = idParam(req)
      await transfers.detachFolder(db, req.actor, ownUnit(req), listId, idParam(req, 'folderId'))
      flash(req, 'success', 'archive.transfer.detached')
      res.redirect(303, `/archive/transfers/lists/${listId}`)
    },
  )

  router.post('/archive/transfers/lists/:id/submit', permit('archive.transfer'), async (req, res) => {
    const listId = idParam(req)
    const result = await transfers.submitList(db, req.actor, ownUnit(req), listId)
    if (!result.ok)
      return listPage(req, res, { errors: [{ field: 'form', href: '#items', key: result.key }] }, 422)
    flash(req, 'success', 'archive.transfer.submitted')
    res.redirect(303, `/archive/transfers/lists/${listId}`)
  })

  const printList = async (req: Request, res: Response, list: repo.TransferListRow) => {
    const items = await repo.listFolders(db, list.id)
    const title = list.number
      ? `nr ${formatRegisterNumber(list.year!, list.number)}`
      : req.t('archive.transfer.draftNo', { id: list.id })
    const pdf = await transferListPdf({
      title,
      unit: `${list.unit_symbol} – ${list.unit_name}`,
      rows: items.map((f) => ({ ...f, unit_symbol: list.unit_symbol, linear_metres: null })),
    })
    await recordAudit(db, req.actor, {
      action: 'archive.transferListPrinted',
      entityType: 'archive_transfer_list',
      entityId: list.id,
    })
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="spis-zdawczo-odbiorczy-${list.id}.pdf"`)
    res.send(pdf)
  }

  router.get('/archive/transfers/lists/:id/print.pdf', permit('archive.transfer'), async (req, res) => {
    const list = await repo.findList(db, idParam(req))
    if (!list || list.unit_id !== ownUnit(req)) throw new HttpError(404)
    await printList(req, res, list)
  })

  // --- Archivist side: register of transfer lists, check, return or accept -----------------------
  router.get('/archive/lists', permit('archive.read'), async (req, res) => {
    const status = ['draft', 'submitted', 'returned', 'accepted'].includes(String(req.query.status))
      ? (String(req.query.status) as repo.TransferStatus)
      : undefined
    res.render('archive/views/lists', { lists: await repo.listLists(db, { status }), status: status ?? '' })
  })

  const checkPage = async (
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const list = await repo.findList(db, idParam(req))
    if (!list || list.status === 'draft') throw new HttpError(404)
    const items = await repo.listFolders(db, list.id)
    res.status(status).render('archive/views/list-check', { list, items, ...extra })
  }

  router.get('/archive/lists/:id', permit('archive.read'), async (req, res) => {
    await checkPage(req, res)
  })

  router.post('/archive/lists/:id/return', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(returnListForm, req.body)
    if (!form.ok) return checkPage(req, res, form, 422)
    await transfers.returnList(db, req.actor, id, form.data.remarks)
    flash(req, 'success', 'archive.transfer.returned')
    res.redirect(303, `/archive/lists/${id}`)
  })

  router.post('/archive/lists/:id/accept', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const items = await repo.listFolders(db, id)
    const form = parseForm(acceptListForm(items.map((f) => f.id)), req.body)
    if (!form.ok) return checkPage(req, res, form, 422)
    const data = form.data as Record<string, unknown>
    const places = new Map(
      items.map((f) => [
        f.id,
        {
          room: String(data[`room_${f.id}`]),
          rack: String(data[`rack_${f.id}`]),
          shelf: Number(data[`shelf_${f.id}`]),
          box: (data[`box_${f.id}`] as string | undefined) ?? null,
        },
      ]),
    )
    const { number } = await transfers.acceptList(db, req.actor, id, {
      linearMetres: String(data.linearMetres),
      places,
    })
    flash(req, 'success', 'archive.transfer.accepted', { number })
    res.redirect(303, `/archive/lists/${id}`)
  })

  router.get('/archive/lists/:id/print.pdf', permit('archive.read'), async (req, res) => {
    const list = await repo.findList(db, idParam(req))
    if (!list) throw new HttpError(404)
    await printList(req, res, list)
  })

  router.get('/archive/lists/:id/labels.pdf', permit('archive.read'), async (req, res) => {
    const list = await repo.findList(db, idParam(req))
    if (!list || list.status !== 'accepted') throw new HttpError(404)
    const items = await repo.listFolders(db, list.id)
    const pdf = await labelsPdf(items)
    await recordAudit(db, req.actor, {
      action: 'archive.labelsPrinted',
      entityType: 'archive_transfer_list',
      entityId: list.id,
      details: { folders: items.length },
    })
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="etykiety-${list.id}.pdf"`)
    res.send(pdf)
  })
}
