import type { TFunction } from 'i18next'
import { barcodePng, createPdf, pageSizes, pdfToBuffer, pdfRenderer } from '../../shared/pdf/index.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { formatDate, formatDateTime } from '../../shared/forms/index.js'
import type { IncomingRow } from './repository.js'

/**
 * The receipt stamp (pieczęć wpływu) as a label: register number, date and time of receipt and a
 * Code 128 barcode of the register number (a keyboard-wedge scanner types it back into the search box).
 * `label` fits a 62 × 29 mm roll; `a4` puts the same stamp in the top right corner of an A4 sheet.
 */
async function renderReceiptLabelPdf(item: IncomingRow, t: TFunction, size: 'label' | 'a4'): Promise<Buffer> {
  const number = formatRegisterNumber(item.year, item.number)
  const barcode = await barcodePng(number, { height: 8, scale: 2 })
  if (size === 'label') {
    const doc = createPdf({ size: pageSizes.label, margin: 6, title: t('registry.label.title') })
    doc.font('bold').fontSize(8).text(t('registry.label.heading'), 6, 5, { width: 164, align: 'center' })
    doc
      .font('regular')
      .fontSize(7)
      .text(`${number} · ${formatDateTime(item.received_at)}`, { width: 164, align: 'center' })
    doc.image(barcode, 28, 28, { fit: [120, 48], align: 'center' })
    return pdfToBuffer(doc)
  }
  const doc = createPdf({ size: 'A4', margin: 40, title: t('registry.label.title') })
  const x = 595 - 40 - 200
  doc.rect(x, 40, 200, 110).stroke()
  doc
    .font('bold')
    .fontSize(10)
    .text(t('registry.label.heading'), x + 8, 48, { width: 184, align: 'center' })
  doc.font('regular').fontSize(9).text(t('registry.label.office'), { width: 184, align: 'center' })
  doc.text(`${t('registry.fields.number')}: ${number}`, { width: 184, align: 'center' })
  doc.text(`${formatDateTime(item.received_at)}`, { width: 184, align: 'center' })
  doc.image(barcode, x + 30, 105, { fit: [140, 40], align: 'center' })
  return pdfToBuffer(doc)
}

/** Potwierdzenie wpływu: given to a person who delivers a letter in person at the hall. */
async function renderReceiptConfirmationPdf(
  item: IncomingRow,
  attachmentsCount: number,
  t: TFunction,
): Promise<Buffer> {
  const number = formatRegisterNumber(item.year, item.number)
  const doc = createPdf({ size: 'A4', margin: 60, title: t('registry.confirmation.title') })
  doc.font('regular').fontSize(10).text(t('common.appLongName'), { align: 'left' })
  doc.moveDown(2)
  doc.font('bold').fontSize(16).text(t('registry.confirmation.title'), { align: 'center' })
  doc.moveDown()
  doc.font('regular').fontSize(11)
  const rows: Array<[string, string]> = [
    [t('registry.fields.number'), number],
    [t('registry.fields.receivedAt'), formatDateTime(item.received_at)],
    [t('registry.fields.sender'), item.sender_name],
    [t('registry.fields.senderReference'), item.sender_reference ?? '—'],
    [t('registry.fields.subject'), item.subject],
    [t('registry.fields.letterDate'), item.letter_date ? formatDate(item.letter_date) : '—'],
    [
      t('registry.fields.enclosures'),
      `${item.enclosures_count}${item.enclosures_description ? ` (${item.enclosures_description})` : ''}`,
    ],
    [t('registry.fields.attachments'), String(attachmentsCount)],
  ]
  for (const [label, value] of rows) {
    doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value)
    doc.moveDown(0.3)
  }
  doc.moveDown()
  doc.text(t('registry.confirmation.body'))
  doc.moveDown(3)
  doc.text(t('registry.confirmation.signature'), { align: 'right' })
  doc.image(await barcodePng(number, { height: 8, scale: 2 }), 60, 700, { fit: [180, 60] })
  return pdfToBuffer(doc)
}

export interface DispatchRow {
  year: number
  number: number
  addressee_name: string
  addressee_address: string | null
  tracking_number: string | null
  priority: boolean
  return_receipt: boolean
}

export function dispatchKind(r: DispatchRow, t: TFunction): string {
  return [
    t('registry.postKind.registered'),
    r.priority ? t('registry.fields.priority') : '',
    r.return_receipt ? t('registry.fields.returnReceiptShort') : '',
  ]
    .filter(Boolean)
    .join(', ')
}

/** The postal dispatch book of a day, one line per registered item in the post office's order. */
async function renderDispatchBookPdf(day: string, rows: DispatchRow[], t: TFunction): Promise<Buffer> {
  const doc = createPdf({ size: 'A4', margin: 36, title: t('registry.dispatch.title') })
  doc
    .font('bold')
    .fontSize(13)
    .text(`${t('registry.dispatch.title')} – ${formatDate(day)}`)
  doc.font('regular').fontSize(9).text(t('common.appLongName'))
  doc.moveDown()
  const cols = [
    { w: 28, h: t('registry.dispatch.lp') },
    { w: 150, h: t('registry.fields.addressee') },
    { w: 150, h: t('registry.fields.address') },
    { w: 110, h: t('registry.fields.trackingNumber') },
    { w: 85, h: t('registry.dispatch.kind') },
  ]
  const drawRow = (cells: string[], bold = false) => {
    const y = doc.y
    let x = 36
    let height = 0
    doc.font(bold ? 'bold' : 'regular').fontSize(8)
    cells.forEach((c, i) => {
      height = Math.max(height, doc.heightOfString(c, { width: cols[i]!.w - 4 }))
    })
    if (y + height + 6 > doc.page.height - 40) {
      doc.addPage()
      return drawRow(cells, bold)
    }
    cells.forEach((c, i) => {
      doc.text(c, x + 2, y + 2, { width: cols[i]!.w - 4 })
      x += cols[i]!.w
    })
    doc
      .moveTo(36, y + height + 4)
      .lineTo(36 + 523, y + height + 4)
      .lineWidth(0.5)
      .stroke()
    doc.y = y + height + 6
    doc.x = 36
  }
  drawRow(
    cols.map((c) => c.h),
    true,
  )
  rows.forEach((r, i) =>
    drawRow([
      String(i + 1),
      `${r.addressee_name}\n${formatRegisterNumber(r.year, r.number)}`,
      r.addressee_address ?? '',
      r.tracking_number ?? '',
      dispatchKind(r, t),
    ]),
  )
  doc.moveDown()
  doc
    .font('regular')
    .fontSize(9)
    .text(t('registry.dispatch.total', { count: rows.length }), 36)
  return pdfToBuffer(doc)
}

// One render per free PDF slot (shared/pdf): bounded memory and CPU under a burst of prints.
export const receiptLabelPdf = pdfRenderer(renderReceiptLabelPdf)
export const receiptConfirmationPdf = pdfRenderer(renderReceiptConfirmationPdf)
export const dispatchBookPdf = pdfRenderer(renderDispatchBookPdf)
