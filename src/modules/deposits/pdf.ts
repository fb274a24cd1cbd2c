import type { TFunction } from 'i18next'
import {
  barcodePng,
  createPdf,
  pageSizes,
  pdfToBuffer,
  type Pdf,
  pdfRenderer,
} from '../../shared/pdf/index.js'
import { formatDate, formatDateTime } from '../../shared/forms/index.js'
import { depositBarcode, depositNumber, placeBarcode } from './numbers.js'
import type { DepositRow, PlaceRow } from './repository.js'

interface ReceiptData {
  deposit: DepositRow
  clerk: string
  country: { pl: string; en: string }
  printedAt: Date
}

/** Both languages on one line: Polish first, English after a slash (the receipt is bilingual). */
const both = (pl: TFunction, en: TFunction, key: string, params: Record<string, unknown> = {}) =>
  `${pl(key, params)} / ${en(key, params)}`

async function receiptPage(doc: Pdf, data: ReceiptData, pl: TFunction, en: TFunction, copyKey: string) {
  const d = data.deposit
  doc
    .font('bold')
    .fontSize(16)
    .text(both(pl, en, 'deposits.receipt.title'), { align: 'center' })
  doc
    .font('regular')
    .fontSize(9)
    .text(both(pl, en, copyKey), { align: 'center' })
  doc.moveDown()
  doc.fontSize(10).text(both(pl, en, 'deposits.receipt.intro'))
  doc.moveDown()
  const rows: Array<[string, string]> = [
    ['deposits.receipt.number', depositNumber(d)],
    ['deposits.receipt.date', formatDateTime(d.taken_in_at)],
    [
      'deposits.documentType.label',
      `${pl('deposits.documentTypes.' + d.document_type)} / ${en('deposits.documentTypes.' + d.document_type)}`,
    ],
    ['deposits.documentNumber.label', d.document_number],
    ['deposits.issuingCountry.label', `${d.issuing_country} – ${data.country.pl} / ${data.country.en}`],
    ['deposits.issueDate.label', formatDate(d.issue_date) || '—'],
    ['deposits.expiryDate.label', formatDate(d.expiry_date) || '—'],
    ['deposits.surname.label', d.surname_printed],
    ['deposits.givenNames.label', d.given_names_printed || '—'],
    ['deposits.protectionCaseRef.label', d.protection_case_ref ?? '—'],
    ['deposits.conditionNotes.label', d.condition_notes ?? '—'],
    ['deposits.receipt.clerk', data.clerk],
  ]
  for (const [key, value] of rows) {
    doc
      .font('bold')
      .fontSize(8)
      .text(both(pl, en, key))
    doc.font('regular').fontSize(11).text(value)
    doc.moveDown(0.3)
  }
  doc.moveDown()
  doc.image(await barcodePng(depositBarcode(d), { height: 10, scale: 2 }), { width: 200 })
  doc.moveDown(3)
  const y = doc.y
  doc.fontSize(8)
  doc.text('..................................................', 50, y)
  doc.text(both(pl, en, 'deposits.receipt.clerkSignature'), 50, y + 12, { width: 220 })
  doc.text('..................................................', 320, y)
  doc.text(both(pl, en, 'deposits.receipt.ownerSignature'), 320, y + 12, { width: 220 })
  doc.moveDown(3)
  doc.x = 50
  doc.fontSize(7).text(both(pl, en, 'deposits.receipt.printed', { at: formatDateTime(data.printedAt) }))
}

/** The receipt (pokwitowanie): the foreigner's copy and the copy for the file, in Polish and English. */
async function renderReceiptPdf(data: ReceiptData, pl: TFunction, en: TFunction): Promise<Buffer> {
  const doc = createPdf({ title: `${pl('deposits.receipt.title')} ${depositNumber(data.deposit)}` })
  await receiptPage(doc, data, pl, en, 'deposits.receipt.ownerCopy')
  doc.addPage()
  await receiptPage(doc, data, pl, en, 'deposits.receipt.fileCopy')
  return pdfToBuffer(doc)
}

async function label(doc: Pdf, code: string, lines: string[]) {
  doc.image(await barcodePng(code, { height: 8, scale: 2 }), 8, 6, { width: 160, height: 44 })
  doc
    .font('bold')
    .fontSize(8)
    .text(lines[0] ?? '', 8, 54, { width: 160, align: 'center' })
  if (lines[1]) doc.font('regular').fontSize(6).text(lines[1], 8, 66, { width: 160, align: 'center' })
}

/** One label a page on the label printer roll: the place's barcode, code and name. */
async function renderPlaceLabelsPdf(places: PlaceRow[]): Promise<Buffer> {
  const doc = createPdf({ size: pageSizes.label, margin: 4, title: 'BOK' })
  for (const [i, p] of places.entries()) {
    if (i > 0) doc.addPage({ size: pageSizes.label, margin: 4 })
    await label(doc, placeBarcode(p), [p.code, p.name])
  }
  return pdfToBuffer(doc)
}

/** The envelope label of one deposit: its barcode and number (no names: the envelope is seen by many). */
async function renderDepositLabelPdf(d: DepositRow): Promise<Buffer> {
  const doc = createPdf({ size: pageSizes.label, margin: 4, title: depositNumber(d) })
  await label(doc, depositBarcode(d), [
    depositNumber(d),
    d.seal_number ? `plomba / seal ${d.seal_number}` : '',
  ])
  return pdfToBuffer(doc)
}

// One render per free PDF slot (shared/pdf): bounded memory and CPU under a burst of prints.
export const receiptPdf = pdfRenderer(renderReceiptPdf)
export const placeLabelsPdf = pdfRenderer(renderPlaceLabelsPdf)
export const depositLabelPdf = pdfRenderer(renderDepositLabelPdf)
