import type { Request, Response, Router } from 'express'
import type { AppDeps } from '../types.js'
import { permit } from '../../shared/auth/guard.js'
import { parseForm, toFieldError } from '../../shared/forms/index.js'
import { flash } from '../../shared/http/flash.js'
import { HttpError } from '../../shared/http/errors.js'
import { recordAudit } from '../../shared/audit/audit.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { listUnits } from '../admin/units-repository.js'
import { holdingsByIds } from './holdings-repository.js'
import * as records from './records-repository.js'
import * as service from './records-service.js'
import { borrowerForm, loanForm, returnLoanForm } from './schemas.js'
import { loanCardPdf } from './pdf.js'
import { idParam } from './http.js'
import { officeToday } from '../../shared/clock/office.js'

export function loanRoutes(router: Router, { db }: AppDeps): void {
  const loanFormPage = async (
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const borrowers = await records.listBorrowers(db, { activeOn: officeToday() })
    res.status(status).render('archive/views/loan-new', {
      borrowerOptions: borrowers.map((b) => ({ value: b.id, text: `${b.full_name} (${b.unit_symbol})` })),
      kindOptions: ['loan', 'reading_room'].map((k) => ({
        value: k,
        text: req.t(`archive.loan.kinds.${k}`),
      })),
      ...extra,
    })
  }

  router.get('/archive/loans', permit('archive.read'), async (req, res) => {
    const overdue = req.query.overdue === '1'
    const loans = await records.listLoans(db, overdue ? { overdueOn: officeToday() } : { open: true })
    await recordAudit(db, req.actor, {
      action: 'archive.loansListed',
      entityType: 'archive_loan',
      details: { criteria: { overdue }, ids: loans.map((l) => l.id) },
    })
    res.render('archive/views/loans', {
      loans,
      overdue,
      today: officeToday(),
      registerNo: formatRegisterNumber,
    })
  })

  router.get('/archive/loans/new', permit('archive.write'), async (req, res) => {
    const barcode = typeof req.query.barcode === 'string' ? req.query.barcode.slice(0, 20) : ''
    const today = officeToday()
    await loanFormPage(req, res, { values: { barcode, lentOn: today, queryId: req.query.query ?? '' } })
  })

  router.post('/archive/loans', permit('archive.write'), async (req, res) => {
    const form = parseForm(loanForm, req.body)
    if (!form.ok) return loanFormPage(req, res, form, 422)
    const result = await service.lendFolder(db, req.actor, form.data)
    if (!result.ok)
      return loanFormPage(req, res, { values: form.values, errors: [toFieldError(result)] }, 422)
    flash(req, 'success', 'archive.loan.lent')
    res.redirect(303, `/archive/loans/${result.value}`)
  })

  const loanPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const loan = await records.findLoan(db, idParam(req))
    if (!loan) throw new HttpError(404)
    await recordAudit(db, req.actor, {
      action: 'archive.loanViewed',
      entityType: 'archive_loan',
      entityId: loan.id,
    })
    res.status(status).render('archive/views/loan', {
      loan,
      registerNo: formatRegisterNumber,
      today: officeToday(),
      ...extra,
    })
  }

  router.get('/archive/loans/:id', permit('archive.read'), async (req, res) => {
    await loanPage(req, res, { values: { returnedOn: officeToday() } })
  })

  router.post('/archive/loans/:id/return', permit('archive.write'), async (req, res) => {
    const id = idParam(req)
    const form = parseForm(returnLoanForm, req.body)
    if (!form.ok) return loanPage(req, res, form, 422)
    await service.returnLoan(db, req.actor, id, form.data.returnedOn)
    flash(req, 'success', 'archive.loan.returned')
    res.redirect(303, `/archive/loans/${id}`)
  })

  router.get('/archive/loans/:id/card.pdf', permit('archive.read'), async (req, res) => {
    const loan = await records.findLoan(db, idParam(req))
    if (!loan) throw new HttpError(404)
    const [folder] = await holdingsByIds(db, [loan.folder_id])
    const borrower = await records.findBorrower(db, loan.borrower_id)
    if (!folder || !borrower) throw new HttpError(404)
    const pdf = await loanCardPdf({
      number: formatRegisterNumber(loan.year, loan.number),
      kind: loan.kind,
      folder,
      borrower,
      lent_on: loan.lent_on,
      due_on: loan.due_on,
      returned_on: loan.returned_on,
      purpose: loan.purpose,
      lent_by_name: loan.lent_by_name,
    })
    await recordAudit(db, req.actor, {
      action: 'archive.loanCardPrinted',
      entityType: 'archive_loan',
      entityId: loan.id,
    })
    res
      .type('application/pdf')
      .setHeader('Content-Disposition', `inline; filename="karta-udostepnienia-${loan.id}.pdf"`)
    res.send(pdf)
  })

  // --- Authorised borrowers -----------------------------------------------------------------------
  const borrowersPage = async (
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const borrowers = await records.listBorrowers(db)
    await recordAudit(db, req.actor, {
      action: 'archive.borrowersListed',
      entityType: 'archive_borrower',
      details: { ids: borrowers.map((b) => b.id) },
    })
    res.status(status).render('archive/views/borrowers', {
      borrowers,
      today: officeToday(),
      unitOptions: (await listUnits(db, { activeOnly: true })).map((u) => ({
        value: u.id,
        text: `${u.symbol} – ${u.name}`,
      })),
      ...extra,
    })
  }

  router.get('/archive/borrowers', permit('archive.read'), async (req, res) => {
    await borrowersPage(req, res)
  })

  router.post('/archive/borrowers', permit('archive.write'), async (req, res) => {
    const form = parseForm(borrowerForm, req.body)
    if (!form.ok) return borrowersPage(req, res, form, 422)
    await service.addBorrower(db, req.actor, form.data)
    flash(req, 'success', 'archive.borrower.added')
    res.redirect(303, '/archive/borrowers')
  })

  router.post('/archive/borrowers/:id/revoke', permit('archive.write'), async (req, res) => {
    await service.revokeBorrower(db, req.actor, idParam(req))
    flash(req, 'success', 'archive.borrower.revoked')
    res.redirect(303, '/archive/borrowers')
  })
}
