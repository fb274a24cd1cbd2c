import { Router, type Request, type Response } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, type FieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { loadSearch, saveSearch } from '../../shared/lists/saved-search.js'
import { acceptFiles, contentDisposition } from '../../shared/files/upload.js'
import { withStoredFiles } from '../../shared/files/store.js'
import {
  claimPending,
  discardPending,
  findPending,
  holdPending,
  pendingRefused,
  pendingTokens,
  PendingGoneError,
} from '../../shared/files/pending.js'
import { fixedT } from '../../shared/i18n/index.js'
import { countryOptions, idParam } from '../foreigners/routes.js'
import { formatPartialDate } from '../foreigners/identifiers.js'
import * as foreigners from '../foreigners/repository.js'
import { documentTypeOf, parseMrz } from './mrz.js'
import { transitions } from './custody.js'
import { depositBarcode, depositNumber, placeBarcode } from './numbers.js'
import * as service from './service.js'
import * as stocktakes from './stocktake.js'
import * as repo from './repository.js'
import { officeToday } from '../../shared/clock/office.js'
import { depositLabelPdf, placeLabelsPdf, receiptPdf } from './pdf.js'
import {
  depositForm,
  documentTypes,
  lookupForm,
  movementForm,
  placeForm,
  scansForm,
  stocktakeStartForm,
} from './schemas.js'

const helpers = { depositNumber, depositBarcode, placeBarcode, formatPartialDate }

/** Pending uploads of the take-in form's scan field. */
const scanPurpose = 'deposits.scan'

export function depositsRoutes({ db, files, i18n }: AppDeps): Router {
  const router = Router()

  const placeOptions = async () =>
    (await repo.listPlaces(db, { activeOnly: true })).map((p) => ({
      value: p.id,
      text: `${p.code} – ${p.name}`,
    }))

  /** State params are catalog values: shown in the user's language. */
  const translateErrors = (req: Request, errors: FieldError[]) =>
    errors.map((e) =>
      e.params?.state
        ? { ...e, params: { ...e.params, state: req.t(`deposits.states.${e.params.state}`) } }
        : e,
    )

  // --- Dashboard and hall look-up ----------------------------------------------------------------
  /** The dashboard's lists show holders' names: the view is audited with the deposits shown. */
  const dashboard = async (req: Request) => {
    const today = officeToday()
    const lists = {
      overdue: await repo.overdueReleases(db, today),
      caseEnded: await repo.caseEndedDeposits(db),
      attention: await repo.attentionDeposits(db),
    }
    await service.auditList(db, req.actor, 'dashboard', Object.values(lists).flat())
    return lists
  }

  router.get('/deposits', permit('deposits.read'), async (req, res) => {
    res.render('deposits/views/dashboard', { ...helpers, ...(await dashboard(req)) })
  })

  router.post('/deposits/lookup', permit('deposits.read'), async (req, res) => {
    const form = parseForm(lookupForm, req.body)
    if (!form.ok) {
      return res
        .status(422)
        .render('deposits/views/dashboard', { ...form, ...helpers, ...(await dashboard(req)) })
    }
    const id = await saveSearch(db, req.user!.id, 'deposits.lookup', { q: form.data.q })
    res.redirect(303, `/deposits/search/${id}`)
  })

  router.get('/deposits/search/:searchId', permit('deposits.read'), async (req, res) => {
    const criteria = await loadSearch<{ q: string }>(
      db,
      String(req.params.searchId),
      req.user!.id,
      'deposits.lookup',
    )
    const result = await service.lookup(db, req.actor, criteria.q)
    res.render('deposits/views/results', { ...helpers, ...result, values: criteria })
  })

  router.get('/deposits/holders/:id', permit('deposits.read'), async (req, res) => {
    const holderId = idParam(req)
    const holder = await foreigners.findForeigner(db, holderId)
    if (!holder) throw new HttpError(404)
    const deposits = await service.holderDeposits(db, req.actor, holderId)
    res.render('deposits/views/results', { ...helpers, kind: 'holder', deposits, values: {} })
  })

  // --- Taking in ---------------------------------------------------------------------------------
  const renderNew = async (req: Request, res: Response, status: number, locals: Record<string, unknown>) => {
    res.status(status).render('deposits/views/new', {
      ...helpers,
      countryOptions: await countryOptions(db, req.lang),
      placeOptions: await placeOptions(),
      documentTypeOptions: documentTypes.map((v) => ({
        value: v,
        text: req.t(`deposits.documentTypes.${v}`),
      })),
      candidates: [],
      mrzRead: false,
      pending: [],
      ...locals,
    })
  }

  router.get('/deposits/new', permit('deposits.write'), async (req, res) => {
    await renderNew(req, res, 200, {})
  })

  /**
   * The scan survives a post that does not save (MRZ read, validation error, holder to choose): a new
   * file is held as a pending upload and the form carries its token. A newly chosen file replaces the
   * held one; "remove" drops it. On save the held file is claimed in the deposit's transaction.
   */
  router.post(
    '/deposits/new',
    permit('deposits.write'),
    ...acceptFiles('scan', { maxBytes: 10 * 1024 * 1024, maxFiles: 2 }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>
      const owner = { userId: req.user!.id, sessionId: req.sessionID }
      const uploads = req.uploaded ?? []
      const uploadErrors = req.uploadErrors ?? []
      const tokens = pendingTokens(body.scanPending)
      const held = await findPending(db, owner, scanPurpose, tokens)
      const scanErrors = [...uploadErrors, ...(held.refused.length ? [pendingRefused('scan')] : [])]
      let pending = held.files
      const values: Record<string, unknown> = { ...body }
      delete values._csrf
      delete values.scanPending

      /** Re-renders the form: new files are held (replacing the earlier ones) so they need not be chosen again. */
      const again = async (status: number, locals: Record<string, unknown>) => {
        if (uploads.length) {
          await discardPending(
            db,
            files,
            owner,
            scanPurpose,
            pending.map((p) => p.token),
          )
          pending = await holdPending(db, files, owner, scanPurpose, uploads)
        }
        const errors = [...((locals.errors as FieldError[] | undefined) ?? []), ...scanErrors]
        return renderNew(req, res, errors.length && status === 200 ? 422 : status, {
          values,
          ...locals,
          errors,
          pending,
        })
      }

      if (typeof body.removeScan === 'string') {
        const removed = body.removeScan
        delete values.removeScan
        await discardPending(db, files, owner, scanPurpose, [removed])
        pending = pending.filter((p) => p.token !== removed)
        return again(200, {})
      }

      if (body.action === 'readMrz') {
        const mrz = parseMrz(String(body.mrz ?? ''))
        if (mrz.fields) {
          const f = mrz.fields
          Object.assign(values, {
            documentType: documentTypeOf(f.documentCode),
            documentNumber: f.documentNumber,
            issuingCountry: f.issuingState,
            nationality: f.nationality,
            surname: f.surname,
            givenNames: f.givenNames,
            sex: f.sex,
            birthDate: f.birthDate,
            expiryDate: f.expiryDate,
          })
        }
        if (!mrz.ok)
          return again(422, {
            errors: mrz.problems.map((p) => ({ field: 'mrz', href: '#mrz', key: p.key, params: p.params })),
          })
        const parsed = parseForm(depositForm.partial(), values)
        const candidates = parsed.ok ? await service.holderCandidates(db, req.actor, parsed.data) : []
        return again(200, { mrzRead: true, candidates })
      }

      const form = parseForm(depositForm, body)
      if (!form.ok || scanErrors.length) return again(422, { errors: form.errors })
      const dbErrors = await service.validateDeposit(db, form.data)
      if (dbErrors.length) return again(422, { errors: dbErrors })
      if (!form.data.holder) {
        const candidates = await service.holderCandidates(db, req.actor, form.data)
        if (candidates.length)
          return again(422, {
            candidates,
            errors: [{ field: 'holder', href: '#holder', key: 'deposits.holder.choose' }],
          })
      }
      // A file chosen now replaces the held one; otherwise the held one is claimed with the save.
      const claimTokens = uploads.length ? [] : pending.map((p) => p.token)
      let created: Awaited<ReturnType<typeof service.takeIn>>
      try {
        created = await withStoredFiles(
          files,
          uploads.map((u) => u.content),
          (stored) =>
            service.takeIn(
              db,
              req.actor,
              form.data,
              stored.map((file, i) => ({ file, upload: uploads[i]! })),
              new Date(),
              (trx) => claimPending(trx, owner, scanPurpose, claimTokens),
            ),
        )
      } catch (err) {
        if (!(err instanceof PendingGoneError)) throw err
        pending = (await findPending(db, owner, scanPurpose, claimTokens)).files
        return renderNew(req, res, 422, { values, pending, errors: [pendingRefused('scan')] })
      }
      if (uploads.length)
        await discardPending(
          db,
          files,
          owner,
          scanPurpose,
          pending.map((p) => p.token),
        )
      flash(req, 'success', 'deposits.takenIn', { number: depositNumber(created) })
      res.redirect(303, `/deposits/${created.id}`)
    },
  )

  // --- Storage places ----------------------------------------------------------------------------
  const kindOptions = (req: Request) =>
    ['safe', 'shelf', 'envelope'].map((k) => ({ value: k, text: req.t(`deposits.places.kinds.${k}`) }))

  router.get('/deposits/places', permit('deposits.read'), async (req, res) => {
    res.render('deposits/views/places', {
      ...helpers,
      places: await repo.listPlaces(db),
      kindOptions: kindOptions(req),
    })
  })

  router.post('/deposits/places', permit('deposits.write'), async (req, res) => {
    const form = parseForm(placeForm, req.body)
    const again = async (errors: FieldError[]) =>
      res.status(422).render('deposits/views/places', {
        ...helpers,
        places: await repo.listPlaces(db),
        kindOptions: kindOptions(req),
        values: form.values,
        errors,
      })
    if (!form.ok) return again(form.errors)
    const result = await service.createPlace(db, req.actor, form.data)
    if (!result.ok) return again(result.errors)
    flash(req, 'success', 'deposits.places.saved')
    res.redirect(303, '/deposits/places')
  })

  router.post('/deposits/places/:id/active', permit('deposits.write'), async (req, res) => {
    const id = idParam(req)
    if (!(await repo.findPlace(db, id))) throw new HttpError(404)
    await service.setPlaceActive(db, req.actor, id, req.body.active === 'yes')
    flash(req, 'success', 'deposits.places.saved')
    res.redirect(303, '/deposits/places')
  })

  router.get('/deposits/places/labels.pdf', permit('deposits.read'), async (_req, res) => {
    const pdf = await placeLabelsPdf(await repo.listPlaces(db, { activeOnly: true }))
    res.setHeader('Content-Type', 'application/pdf')
    res.setHeader('Content-Disposition', contentDisposition('inline', 'miejsca-przechowywania.pdf'))
    res.send(pdf)
  })

  // --- Work queues -------------------------------------------------------------------------------
  router.get('/deposits/queues/overdue', permit('deposits.read'), async (req, res) => {
    const deposits = await repo.overdueReleases(db, officeToday())
    await service.auditList(db, req.actor, 'overdue', deposits)
    res.render('deposits/views/queue', { ...helpers, heading: 'deposits.queues.overdue', deposits })
  })

  router.get('/deposits/queues/case-ended', permit('deposits.read'), async (req, res) => {
    const deposits = await repo.caseEndedDeposits(db)
    await service.auditList(db, req.actor, 'caseEnded', deposits)
    res.render('deposits/views/queue', { ...helpers, heading: 'deposits.queues.caseEnded', deposits })
  })

  // --- Stocktakes --------------------------------------------------------------------------------
  router.get('/deposits/stocktakes', permit('deposits.read'), async (_req, res) => {
    res.render('deposits/views/stocktakes', {
      ...helpers,
      stocktakes: await stocktakes.listStocktakes(db),
      placeOptions: await placeOptions(),
    })
  })

  router.post('/deposits/stocktakes', permit('deposits.write'), async (req, res) => {
    const form = parseForm(stocktakeStartForm, req.body)
    const again = async (errors: FieldError[]) =>
      res.status(422).render('deposits/views/stocktakes', {
        ...helpers,
        stocktakes: await stocktakes.listStocktakes(db),
        placeOptions: await placeOptions(),
        values: form.values,
        errors,
      })
    if (!form.ok) return again(form.errors)
    const started = await stocktakes.startStocktake(db, req.actor, form.data.placeId)
    if (!started.ok) return again([{ field: 'placeId', href: '#placeId', key: started.key }])
    res.redirect(303, `/deposits/stocktakes/${started.id}`)
  })

  const renderStocktake = async (
    res: Response,
    id: number,
    status = 200,
    locals: Record<string, unknown> = {},
  ) => {
    const stocktake = await stocktakes.findStocktake(db, id)
    if (!stocktake) throw new HttpError(404)
    res.status(status).render('deposits/views/stocktake', {
      ...helpers,
      stocktake,
      scans: await stocktakes.stocktakeScans(db, id),
      results: await stocktakes.stocktakeResults(db, id),
      ...locals,
    })
  }

  router.get('/deposits/stocktakes/:id', permit('deposits.read'), async (req, res) => {
    await renderStocktake(res, idParam(req))
  })

  router.post('/deposits/stocktakes/:id/scans', permit('deposits.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(scansForm, req.body)
    if (!form.ok) return renderStocktake(res, id, 422, { values: form.values, errors: form.errors })
    const added = await stocktakes.addScans(db, req.actor, id, form.data.codes)
    if (added === null) throw new HttpError(404)
    flash(req, 'success', 'deposits.stocktakes.scansAdded', { count: added })
    res.redirect(303, `/deposits/stocktakes/${id}`)
  })

  router.post('/deposits/stocktakes/:id/close', permit('deposits.write'), async (req, res) => {
    const id = idParam(req)
    if (!(await stocktakes.closeStocktake(db, req.actor, id))) throw new HttpError(404)
    flash(req, 'success', 'deposits.stocktakes.closed')
    res.redirect(303, `/deposits/stocktakes/${id}`)
  })

  // --- One deposit -------------------------------------------------------------------------------
  /** The movements the document's current state allows (a correction whenever there is history). */
  const movementFormLocals = async (req: Request, deposit: repo.DepositRow) => ({
    placeOptions: await placeOptions(),
    kindOptions: movementForm.shape.kind.options
      .filter((k) => k === 'correction' || transitions[k].from.includes(deposit.state))
      .map((k) => ({ value: k, text: req.t(`deposits.kinds.${k}`) })),
    allKinds: movementForm.shape.kind.options as readonly string[],
  })

  router.get('/deposits/:id', permit('deposits.read'), async (req, res) => {
    const view = await service.viewDeposit(db, req.actor, idParam(req), 'deposits.viewed')
    if (!view) throw new HttpError(404)
    res.render('deposits/views/show', {
      ...helpers,
      ...view,
      ...(await movementFormLocals(req, view.deposit)),
      today: officeToday(),
    })
  })

  router.get('/deposits/:id/history', permit('deposits.read'), async (req, res) => {
    const view = await service.viewDeposit(db, req.actor, idParam(req), 'deposits.historyViewed')
    if (!view) throw new HttpError(404)
    res.render('deposits/views/history', { ...helpers, ...view })
  })

  router.get('/deposits/:id/movements/new', permit('deposits.write'), async (req, res) => {
    const view = await service.viewDeposit(db, req.actor, idParam(req), 'deposits.viewed')
    if (!view) throw new HttpError(404)
    const { deposit, movements } = view
    const kind = String(req.query.kind ?? '')
    res.render('deposits/views/movement', {
      ...helpers,
      deposit,
      movements,
      ...(await movementFormLocals(req, deposit)),
      values: { kind },
    })
  })

  router.post('/deposits/:id/movements', permit('deposits.write'), async (req, res) => {
    const id = idParam(req)
    const deposit = await repo.findDeposit(db, id)
    if (!deposit) throw new HttpError(404)
    const again = async (values: Record<string, unknown>, errors: FieldError[]) =>
      res.status(422).render('deposits/views/movement', {
        ...helpers,
        deposit,
        movements: await repo.listMovements(db, id),
        ...(await movementFormLocals(req, deposit)),
        values,
        errors: translateErrors(req, errors),
      })
    const form = parseForm(movementForm, req.body)
    if (!form.ok) return again(form.values, form.errors)
    const result = await service.recordMovement(db, req.actor, id, service.toMovement(form.data))
    if (!result.ok) return again(form.values, result.errors)
    flash(
      req,
      result.value.sealMismatch ? 'error' : 'success',
      result.value.sealMismatch ? 'deposits.sealMismatchRecorded' : 'deposits.movementRecorded',
    )
    res.redirect(303, `/deposits/${id}`)
  })

  router.get('/deposits/:id/receipt.pdf', permit('deposits.read'), async (req, res) => {
    const deposit = await repo.findDeposit(db, idParam(req))
    if (!deposit) throw new HttpError(404)
    const country = (await foreigners.listCountries(db)).find((c) => c.code === deposit.issuing_country)
    const pdf = await receiptPdf(
      {
        deposit,
        clerk: deposit.taken_in_by_name ?? '',
        country: { pl: country?.name_pl ?? '', en: country?.name_en ?? '' },
        printedAt: new Date(),
      },
      fixedT(i18n, 'pl'),
      fixedT(i18n, 'en'),
    )
    await service.auditPrint(db, req.actor, deposit.id, 'deposits.receiptPrinted', {
      copies: ['owner', 'file'],
    })
    res.setHeader('Content-Type', 'application/pdf')
    res.setHeader(
      'Content-Disposition',
      contentDisposition('inline', `pokwitowanie-${deposit.year}-${deposit.number}.pdf`),
    )
    res.send(pdf)
  })

  router.get('/deposits/:id/label.pdf', permit('deposits.read'), async (req, res) => {
    const deposit = await repo.findDeposit(db, idParam(req))
    if (!deposit) throw new HttpError(404)
    const pdf = await depositLabelPdf(deposit)
    await service.auditPrint(db, req.actor, deposit.id, 'deposits.labelPrinted')
    res.setHeader('Content-Type', 'application/pdf')
    res.setHeader(
      'Content-Disposition',
      contentDisposition('inline', `etykieta-${deposit.year}-${deposit.number}.pdf`),
    )
    res.send(pdf)
  })

  router.get('/deposits/:id/files/:fileId', permit('deposits.read'), async (req, res) => {
    const id = idParam(req)
    const file = await repo.findFile(db, id, idParam(req, 'fileId'))
    if (!file) throw new HttpError(404)
    const content = await files.read(file.file_id)
    await service.auditPrint(db, req.actor, id, 'deposits.fileDownloaded', {
      fileId: file.id,
      sha256: file.sha256,
    })
    res.setHeader('Content-Type', file.mime)
    res.setHeader('Content-Disposition', contentDisposition('attachment', file.original_name))
    res.send(content)
  })

  return router
}
