import { Router, type Request, type RequestHandler, type Response } from 'express'
import multer from 'multer'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { formatDate, parseForm } from '../../shared/forms/index.js'
import { HttpError } from '../../shared/http/errors.js'
import { verifyCsrfAfterUpload } from '../../shared/http/csrf.js'
import { suspiciousFileName } from '../../shared/files/upload.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { loadSearch, saveSearch } from '../../shared/lists/saved-search.js'
import { applyKeyset, pageOf, parseListQuery, sendCsv } from '../../shared/lists/index.js'
import * as repo from './repository.js'
import * as inquiries from './inquiries.js'
import { listFilters, periodFilters, searchForm } from './schemas.js'
import { csvHeader, csvRow, incomingSorts, queryValues, registryOptions } from './route-helpers.js'
import { officeDate } from '../../shared/clock/office.js'
import { addDays } from './dates.js'
import { parseRegisterNumber } from './validators.js'
import { barChart, maxStatsDays, periodLength, registryStats } from './stats.js'
import { contentHash, findDuplicate, pruneImports, saveImport } from './email-import.js'
import { PackageError, packageErrorKey, parseImport, recognise } from './message-import.js'

const recentWindow = 5000
/**
 * Hits among the newest items from which reading further newest-first beats the word index: the scan
 * needs about window × page / hits rows at ≈ 0.35 µs, the index about hits × 200 matches at ≈ 4 µs
 * (1 M items); the two meet near 11 hits.
 */
const denseHits = 11

/** Free-text search, sender directory, e-mail import, inquiries dashboard and statistics. */
export function searchRoutes({ db, config }: AppDeps): Router {
  const router = Router()

  // --- Search over the register (the text is personal data: POST → saved search id) -------------
  router.get('/registry/search', permit('registry.read'), async (req, res) => {
    res.render('correspondence/views/search', {
      page: null,
      searchId: null,
      filters: {},
      ...(await registryOptions(db, req)),
    })
  })

  router.post('/registry/search', permit('registry.read'), async (req, res) => {
    const form = parseForm(searchForm, req.body)
    if (!form.ok)
      return res.status(422).render('correspondence/views/search', {
        ...form,
        page: null,
        searchId: null,
        filters: {},
        ...(await registryOptions(db, req)),
      })
    // A register number (typed, or scanned from a stamp's barcode) opens the item at once.
    const ref = parseRegisterNumber(form.data.q)
    if (ref) {
      const id = await repo.findIncomingIdByNumber(db, ref.year, ref.number)
      if (id) return res.redirect(303, `/registry/incoming/${id}`)
    }
    const id = await saveSearch(db, req.user!.id, 'registry.incoming', { q: form.data.q })
    res.redirect(303, `/registry/search/${id}`)
  })

  /**
   * The first page, newest first, is probed among the newest items before the whole register
   * (PERFORMANCE.md §2, adaptive probe). The probe reads the newest rows as a derived table, so it costs
   * the same whatever the words (a bound `id > max(id) - n` is unknown when planning, and the planner
   * took the whole index instead). A common word fills the page there. Otherwise its hits there tell how
   * rare the words are, which the planner's statistics cannot (words that often or never meet): fairly
   * common ones fill the page from a window a few times larger, rare ones are read from the word index.
   */
  const firstPageFast = async (
    list: ReturnType<typeof parseListQuery>,
    filters: repo.IncomingFilters,
    whole: ReturnType<typeof repo.incomingQuery>,
  ) => {
    const page = (q: ReturnType<typeof repo.incomingQuery>) =>
      applyKeyset(q, list, incomingSorts, 'i.id') as Promise<repo.IncomingListRow[]>
    const newest = (n: number) =>
      page(
        repo
          .incomingQuery(db, filters, { scan: true })
          .from(db.raw('(select * from incoming_items order by id desc limit ?) as i', [n])),
      )
    if (!list.after && list.sort === 'registered' && list.dir === 'desc' && filters.text) {
      const rows = await newest(recentWindow)
      if (rows.length > list.limit) return rows
      if (rows.length >= denseHits) {
        // Twice the window the hits so far suggest for a full page (≤ 46 000 rows, ≈ 15 ms).
        const more = await newest(Math.ceil((2 * recentWindow * (list.limit + 1)) / rows.length))
        if (more.length > list.limit) return more
      }
      return page(repo.incomingMatches(db, filters))
    }
    return page(whole)
  }

  const searchResults = async (req: Request, res: Response, csv: boolean) => {
    const criteria = await loadSearch<{ q: string }>(
      db,
      String(req.params.id),
      req.user!.id,
      'registry.incoming',
    )
    const parsed = parseForm(listFilters, req.query)
    if (!parsed.ok) throw new HttpError(400)
    const today = officeDate(new Date())
    const q = repo.incomingQuery(db, { ...parsed.data, text: criteria.q, today })
    const details = { criteria: { q: criteria.q, ...parsed.data } }
    if (csv) {
      const rows = (await q.orderBy('i.id', 'desc').limit(10_000)) as repo.IncomingListRow[]
      await recordAudit(db, req.actor, {
        action: 'registry.searchExported',
        entityType: 'incoming_item',
        details: { ...details, count: rows.length },
      })
      return sendCsv(res, `wyszukiwanie-${today}.csv`, csvHeader(req), rows.map(csvRow(req)))
    }
    const list = parseListQuery(req.query, incomingSorts, { sort: 'registered', dir: 'desc' })
    // The search, the filters' choices and the audit row of the criteria go out together.
    const [rows, options] = await Promise.all([
      firstPageFast(list, { ...parsed.data, text: criteria.q, today }, q),
      registryOptions(db, req),
      recordAudit(db, req.actor, { action: 'registry.searched', entityType: 'incoming_item', details }),
    ])
    res.render('correspondence/views/search', {
      values: { q: criteria.q },
      searchId: req.params.id,
      filters: queryValues(req.query),
      today,
      page: pageOf(rows, list, `/registry/search/${String(req.params.id)}`, req.query, (r) => [
        list.sort === 'received' ? r.received_at : r.id,
        r.id,
      ]),
      ...options,
    })
  }
  router.get('/registry/search/:id', permit('registry.read'), (req, res) => searchResults(req, res, false))
  router.get('/registry/search/:id/export.csv', permit('registry.read'), (req, res) =>
    searchResults(req, res, true),
  )

  // --- Sender directory ------------------------------------------------------------------------
  router.get('/registry/senders', permit('registry.read'), (_req, res) => {
    res.render('correspondence/views/senders', { rows: null })
  })

  router.post('/registry/senders', permit('registry.read'), async (req, res) => {
    const form = parseForm(searchForm, req.body)
    if (!form.ok) return res.status(422).render('correspondence/views/senders', { ...form, rows: null })
    const id = await saveSearch(db, req.user!.id, 'registry.senders', { q: form.data.q })
    res.redirect(303, `/registry/senders/search/${id}`)
  })

  router.get('/registry/senders/search/:id', permit('registry.read'), async (req, res) => {
    const criteria = await loadSearch<{ q: string }>(
      db,
      String(req.params.id),
      req.user!.id,
      'registry.senders',
    )
    const rows = await repo.lookupSenders(db, criteria.q, 50)
    await recordAudit(db, req.actor, {
      action: 'registry.sendersSearched',
      entityType: 'registry_sender',
      details: { criteria, count: rows.length },
    })
    res.render('correspondence/views/senders', { rows, values: { q: criteria.q } })
  })

  // Search-as-you-type for the registration form: POST (the name stays out of URLs), CSRF in a header.
  router.post('/registry/senders/lookup', permit('registry.read'), async (req, res) => {
    const q = typeof req.body?.q === 'string' ? req.body.q.trim().slice(0, 100) : ''
    if (q.length < 2) return res.json({ senders: [] })
    const rows = await repo.lookupSenders(db, q, 10)
    await recordAudit(db, req.actor, {
      action: 'registry.sendersLookedUp',
      entityType: 'registry_sender',
      details: { criteria: { q }, count: rows.length },
    })
    res.json({ senders: rows })
  })

  // --- Import of an electronic message: e-mail (.eml) or ePUAP / e-Doręczenia package (.zip) -------
  // Neither is a document type acceptFiles lets through, so this route has its own parser with the same
  // limits and name checks; the content must look like an RFC 822 message or a ZIP archive.
  const messageParser = multer({
    storage: multer.memoryStorage(),
    preservePath: true,
    limits: { fileSize: config.UPLOAD_MAX_MB * 1048576, files: 1, fields: 10 },
  }).single('message')
  const acceptMessage: RequestHandler = (req, res, next) =>
    messageParser(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        const key = err.code === 'LIMIT_FILE_SIZE' ? 'files.tooLarge' : 'files.tooMany'
        req.uploadErrors = [
          { field: 'message', href: '#message', key, params: { max: config.UPLOAD_MAX_MB } },
        ]
        req.body ??= {}
        return next()
      }
      next(err)
    })

  router.get('/registry/import', permit('registry.write'), (_req, res) => {
    res.render('correspondence/views/import', { duplicate: null })
  })

  router.post(
    '/registry/import',
    permit('registry.write'),
    acceptMessage,
    verifyCsrfAfterUpload,
    async (req, res) => {
      const file = req.file
      const again = (key: string, extra: Record<string, unknown> = {}, params?: Record<string, number>) =>
        res.status(422).render('correspondence/views/import', {
          errors: [{ field: 'message', href: '#message', key, ...(params ? { params } : {}) }],
          duplicate: null,
          ...extra,
        })
      if (req.uploadErrors?.length)
        return res
          .status(422)
          .render('correspondence/views/import', { errors: req.uploadErrors, duplicate: null })
      if (!file) return again('registry.import.required')
      if (file.size === 0) return again('files.empty')
      if (suspiciousFileName(Buffer.from(file.originalname, 'latin1').toString('utf8')))
        return again('files.badName')
      const kind = recognise(file.buffer)
      if (!kind) return again('registry.import.notMessage')
      let parsed
      try {
        parsed = await parseImport(file.buffer)
      } catch (err) {
        if (err instanceof PackageError) {
          const { key, params } = packageErrorKey(err)
          return again(key, {}, params)
        }
        return again('registry.import.notMessage')
      }
      const duplicate = await findDuplicate(db, parsed.messageId, contentHash(file.buffer))
      if (duplicate) return again('registry.import.duplicate', { duplicate })
      // Loaded messages never registered hold personal data: they go after a day.
      await pruneImports(db)
      const id = await saveImport(db, req.user!.id, file.buffer, parsed.messageId)
      await recordAudit(db, req.actor, {
        action: kind === 'email' ? 'registry.emailImported' : 'registry.packageImported',
        entityType: 'email_import',
        entityId: id,
        details: { channel: parsed.channel, messageId: parsed.messageId },
      })
      res.redirect(303, `/registry/incoming/new?importId=${id}`)
    },
  )

  // --- Inquiries dashboard -----------------------------------------------------------------------
  router.get('/registry/inquiries', permit('registry.read'), async (req, res) => {
    const today = officeDate(new Date())
    const [dashboard, rows, types] = await Promise.all([
      inquiries.inquiryDashboard(db, today),
      inquiries.openInquiries(db, today),
      inquiries.inquiryTypes(db),
    ])
    await recordAudit(db, req.actor, { action: 'registry.inquiriesViewed', entityType: 'incoming_item' })
    res.render('correspondence/views/inquiries', { dashboard, rows, types, today })
  })

  // --- Statistics ----------------------------------------------------------------------------------
  router.get('/registry/stats', permit('registry.read'), async (req, res) => {
    const today = officeDate(new Date())
    const parsed = parseForm(periodFilters, req.query)
    const from = (parsed.ok && parsed.data.from) || addDays(today, -29)
    const to = (parsed.ok && parsed.data.to) || today
    const errors = parsed.ok ? [] : parsed.errors
    if (parsed.ok && (to < from || periodLength(from, to) > maxStatsDays))
      errors.push({ field: 'from', href: '#from', key: 'registry.stats.period' })
    if (errors.length)
      return res.status(422).render('correspondence/views/stats', {
        errors,
        values: queryValues(req.query),
        stats: null,
        chart: null,
      })
    const stats = await registryStats(db, from, to)
    const chart = barChart(
      stats.days.map((d) => ({ label: d.day.slice(5).split('-').reverse().join('.'), value: d.count })),
    )
    res.render('correspondence/views/stats', {
      stats,
      chart,
      from,
      to,
      values: { from: formatDate(from), to: formatDate(to) },
    })
  })

  return router
}
