import type { Request, Response, Router } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, toFieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { sendCsv } from '../../shared/lists/index.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { listUnits } from '../admin/units-repository.js'
import { referenceList } from '../../shared/db/reference-lists.js'
import { transferYears } from './domain.js'
import { searchHoldings, holdingsByIds, type HoldingsCriteria } from './holdings-repository.js'
import * as transfersRepo from './transfers-repository.js'
import * as records from './records-repository.js'
import * as service from './records-service.js'
import { runStocktake } from './disposal-service.js'
import * as dashboard from './dashboard-repository.js'
import { barChart } from './charts.js'
import { expertForm, holdForm, holdingsQuery, stocktakeForm } from './schemas.js'
import { labelsPdf } from './pdf.js'
import { idParam } from './http.js'

const csvLimit = 100_000

function criteriaFrom(req: Request): {
  criteria: HoldingsCriteria
  after?: number
  values: Record<string, unknown>
} {
  const parsed = holdingsQuery.safeParse(req.query)
  if (!parsed.success) throw new HttpError(400)
  const d = parsed.data
  return {
    criteria: {
      q: d.q,
      unitId: d.unit,
      jrwa: d.jrwa,
      category: d.category,
      yearFrom: d.yearFrom,
      yearTo: d.yearTo,
      room: d.room,
      rack: d.rack,
      shelf: d.shelf,
      status: d.status,
    },
    after: d.after,
    values: { ...req.query },
  }
}

const everyUnit = referenceList((db) => listUnits(db))

export function holdingsRoutes(router: Router, { db }: AppDeps): void {
  const unitOptions = async () =>
    (await everyUnit(db)).map((u) => ({ value: u.id, text: `${u.symbol} – ${u.name}` }))

  router.get('/archive', permit('archive.read'), async (_req, res) => {
    const now = new Date()
    const years = transferYears(now)
    const [counts, supervision] = await Promise.all([
      dashboard.archivistCounts(db, now),
      transfersRepo.transferSupervision(db, years),
    ])
    res.render('archive/views/dashboard', { counts, supervision, years })
  })

  // --- Holdings search ----------------------------------------------------------------------------
  router.get('/archive/holdings', permit('archive.read'), async (req, res) => {
    const { criteria, after, values } = criteriaFrom(req)
    const searched = Object.values(criteria).some((v) => v !== undefined)
    const [result, units] = await Promise.all([
      searched ? searchHoldings(db, criteria, { after }) : { rows: [], next: null },
      unitOptions(),
    ])
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(values))
      if (k !== 'after' && typeof v === 'string' && v !== '') params.set(k, v)
    const base = params.toString()
    res.render('archive/views/holdings', {
      values,
      searched,
      rows: result.rows,
      page: {
        next: result.next !== null,
        nextHref: `/archive/holdings?${base}${base ? '&' : ''}after=${result.next}`,
        isFirst: !after,
        firstHref: `/archive/holdings?${base}`,
      },
      csvHref: `/archive/holdings.csv?${base}`,
      unitOptions: units,
    })
  })

  router.get('/archive/holdings.csv', permit('archive.read'), async (req, res) => {
    const { criteria } = criteriaFrom(req)
    const rows = []
    let after: number | undefined
    do {
      const page = await searchHoldings(db, criteria, { after, limit: 5000 })
      rows.push(...page.rows)
      after = page.next ?? undefined
    } while (after && rows.length < csvLimit)
    await recordAudit(db, req.actor, {
      action: 'archive.holdingsExported',
      details: { criteria, rows: rows.length },
    })
    const t = req.t
    sendCsv(
      res,
      'zasob-archiwum.csv',
      [
        t('archive.folder.sign'),
        t('archive.folder.title'),
        t('archive.folder.yearFrom'),
        t('archive.folder.yearTo'),
        t('archive.folder.category'),
        t('archive.folder.volumes'),
        t('archive.folder.unit'),
        t('archive.place.room'),
        t('archive.place.rack'),
        t('archive.place.shelf'),
        t('archive.place.box'),
        t('archive.folder.barcode'),
        t('archive.folder.status'),
      ],
      rows.map((r) => [
        r.sign,
        r.title,
        r.year_from,
        r.year_to,
        r.category,
        r.volumes,
        r.unit_symbol,
        r.room,
        r.rack,
        r.shelf,
        r.box,
        r.barcode,
        t(`archive.folder.statuses.${r.status}`),
      ]),
    )
  })

  // --- One folder: place, loans, holds, queries, expert decision ------------------------------------
  const folderPage = async (
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const id = idParam(req)
    const [folder] = await holdingsByIds(db, [id])
    if (!folder) throw new HttpError(404)
    const detail = await db('archive_folders')
      .where({ id })
      .first(
        'disposable_from',
        'state_archive_from',
        'expert_decision',
        'expert_reference',
        'expert_decided_on',
        'destroyed_on',
        'disposal_protocol',
        'notes',
      )
    const [loans, holds, queries] = await Promise.all([
      records.listLoans(db, { folderId: id }),
      records.folderHolds(db, id),
      records.folderQueries(db, id),
    ])
    // The page names the borrowers (personal data): every view is logged.
    await recordAudit(db, req.actor, {
      action: 'archive.folderViewed',
      entityType: 'archive_folder',
      entityId: id,
    })
    res.status(status).render('archive/views/folder', { folder, detail, loans, holds, queries, ...extra })
  }

  router.get('/archive/folders/:id', permit('archive.read'), async (req, res) => {
    await folderPage(req, res)
  })

  router.get('/archive/folders/:id/label.pdf', permit('archive.read'), async (req, res) => {
    const id = idParam(req)
    const folder = await transfersRepo.findFolder(db, id)
    if (!folder || !folder.barcode) throw new HttpError(404)
    const pdf = await labelsPdf([folder])
    await recordAudit(db, req.actor, {
      action: 'archive.labelsPrinted',
      entityType: 'archive_folder',
      entityId: id,
    })
    res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="etykieta-${id}.pdf"`)
    res.send(pdf)
  })

  router.post('/archive/folders/:id/holds', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(holdForm, req.body)
    if (!form.ok) return folderPage(req, res, form, 422)
    await service.placeHold(db, req.actor, id, form.data.reason)
    flash(req, 'success', 'archive.hold.placed')
    res.redirect(303, `/archive/folders/${id}`)
  })

  router.post('/archive/folders/:id/holds/:holdId/lift', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    await service.liftHold(db, req.actor, id, idParam(req, 'holdId'))
    flash(req, 'success', 'archive.hold.lifted')
    res.redirect(303, `/archive/folders/${id}`)
  })

  router.post('/archive/folders/:id/expert', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(expertForm, req.body)
    if (!form.ok) return folderPage(req, res, form, 422)
    const result = await service.recordExpertDecision(db, req.actor, id, form.data)
    if (!result.ok) return folderPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.expert.recorded')
    res.redirect(303, `/archive/folders/${id}`)
  })

  // --- Shelf stocktake -----------------------------------------------------------------------------
  const stocktakeList = () =>
    db('archive_stocktakes as s')
      .leftJoin('users as u', 'u.id', 's.created_by')
      .orderBy('s.id', 'desc')
      .limit(50)
      .select(
        's.id',
        's.room',
        's.rack',
        's.shelf_from',
        's.shelf_to',
        's.missing_count',
        's.misplaced_count',
        's.unexpected_count',
        's.created_at',
        'u.display_name as by_name',
      )

  router.get('/archive/stocktakes', permit('archive.read'), async (_req, res) => {
    res.render('archive/views/stocktakes', { stocktakes: await stocktakeList() })
  })

  router.post('/archive/stocktakes', permit('archive.write'), async (req, res) => {
    const form = parseForm(stocktakeForm, req.body)
    if (!form.ok)
      return res
        .status(422)
        .render('archive/views/stocktakes', { ...form, stocktakes: await stocktakeList() })
    const id = await runStocktake(db, req.actor, form.data)
    res.redirect(303, `/archive/stocktakes/${id}`)
  })

  router.get('/archive/stocktakes/:id', permit('archive.read'), async (req, res) => {
    const s = await db('archive_stocktakes')
      .where({ id: idParam(req) })
      .first('id', 'room', 'rack', 'shelf_from', 'shelf_to', 'scanned', 'result', 'created_at')
    if (!s) throw new HttpError(404)
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
    res.render('archive/views/stocktake', { s, scanned: parse(s.scanned), result: parse(s.result) })
  })

  // --- Reports ------------------------------------------------------------------------------------
  const reportData = async () => {
    const [holdings, transfers, queries] = await Promise.all([
      dashboard.holdingsByUnitAndCategory(db),
      dashboard.transfersPerYear(db),
      dashboard.queriesPerYear(db),
    ])
    return { holdings, transfers, queries }
  }

  router.get('/archive/reports', permit('archive.read'), async (req, res) => {
    const data = await reportData()
    const sumBy = (key: 'unit_symbol' | 'category') => {
      const m = new Map<string, { folders: number; metres: number }>()
      for (const r of data.holdings) {
        const e = m.get(r[key]) ?? { folders: 0, metres: 0 }
        e.folders += r.folders
        e.metres += Number(r.linear_metres)
        m.set(r[key], e)
      }
      return [...m.entries()].map(([label, v]) => ({ label, ...v }))
    }
    const byUnit = sumBy('unit_symbol')
    const byCategory = sumBy('category')
    const t = req.t
    res.render('archive/views/reports', {
      ...data,
      byUnit,
      byCategory,
      charts: [
        barChart(
          t('archive.reports.metresByUnit'),
          byUnit.map((u) => ({ label: u.label, value: u.metres, display: u.metres.toFixed(2) })),
        ),
        barChart(
          t('archive.reports.foldersByCategory'),
          byCategory.map((c) => ({ label: c.label, value: c.folders })),
        ),
        barChart(
          t('archive.reports.transfersPerYear'),
          data.transfers.map((r) => ({ label: String(r.year), value: r.folders })),
        ),
        barChart(
          t('archive.reports.queriesPerYear'),
          data.queries.map((r) => ({ label: String(r.year), value: r.total })),
        ),
      ],
    })
  })

  router.get('/archive/reports/:name.csv', permit('archive.read'), async (req, res) => {
    const data = await reportData()
    const t = req.t
    const name = req.params.name
    await recordAudit(db, req.actor, { action: 'archive.reportExported', details: { report: name } })
    if (name === 'holdings')
      return sendCsv(
        res,
        'zasob.csv',
        [
          t('archive.folder.unit'),
          t('archive.folder.category'),
          t('archive.reports.folders'),
          t('archive.reports.metres'),
        ],
        data.holdings.map((r) => [r.unit_symbol, r.category, r.folders, r.linear_metres.replace('.', ',')]),
      )
    if (name === 'transfers')
      return sendCsv(
        res,
        'przejecia.csv',
        [
          t('archive.reports.year'),
          t('archive.reports.lists'),
          t('archive.reports.folders'),
          t('archive.reports.metres'),
        ],
        data.transfers.map((r) => [r.year, r.lists, r.folders, r.linear_metres.replace('.', ',')]),
      )
    if (name === 'queries')
      return sendCsv(
        res,
        'kwerendy.csv',
        [
          t('archive.reports.year'),
          t('archive.reports.total'),
          t('archive.query.outcomes.found'),
          t('archive.query.outcomes.partly'),
          t('archive.query.outcomes.nothing'),
          t('archive.query.statuses.open'),
        ],
        data.queries.map((r) => [r.year, r.total, r.found, r.partly, r.nothing, r.open]),
      )
    throw new HttpError(404)
  })
}
