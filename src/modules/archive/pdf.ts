import { barcodePng, createPdf, pageSizes, pdfToBuffer, pdfRenderer } from '../../shared/pdf/index.js'
import { formatDate } from '../../shared/forms/index.js'

interface LabelFolder {
  sign: string
  title: string
  year_from: number
  year_to: number | null
  category: string
  room: string | null
  rack: string | null
  shelf: number | null
  box: string | null
  barcode: string | null
}

const years = (f: { year_from: number; year_to: number | null }) =>
  f.year_to && f.year_to !== f.year_from ? `${f.year_from}–${f.year_to}` : String(f.year_from)

export const placeText = (f: {
  room: string | null
  rack: string | null
  shelf: number | null
  box: string | null
}) =>
  [
    f.room && `pok. ${f.room}`,
    f.rack && `reg. ${f.rack}`,
    f.shelf && `półka ${f.shelf}`,
    f.box && `pudło ${f.box}`,
  ]
    .filter(Boolean)
    .join(', ')

/** One label per folder (62 × 29 mm roll): sign, years, category, place and the Code 128 barcode. */
async function renderLabelsPdf(folders: LabelFolder[]): Promise<Buffer> {
  const doc = createPdf({ size: pageSizes.label, margin: 6, title: 'Etykiety teczek' })
  let first = true
  for (const f of folders) {
    if (!f.barcode) continue
    if (!first) doc.addPage({ size: pageSizes.label, margin: 6 })
    first = false
    doc
      .font('bold')
      .fontSize(8)
      .text(`${f.sign}  ${years(f)}  kat. ${f.category}`, 6, 5, { width: 164 })
    doc.font('regular').fontSize(5.5).text(f.title, { width: 164, height: 14, ellipsis: true })
    doc.text(placeText(f), { width: 164 })
    doc.image(await barcodePng(f.barcode, { height: 8, scale: 2 }), 20, 44, { fit: [136, 34] })
  }
  if (first) doc.fontSize(8).text('—')
  return pdfToBuffer(doc)
}

export interface LoanCard {
  number: string
  kind: string
  folder: LabelFolder & { unit_symbol: string }
  borrower: { full_name: string; unit_symbol: string; position: string | null; authorised_by: string }
  lent_on: string
  due_on: string
  returned_on: string | null
  purpose: string | null
  lent_by_name: string | null
}

/** Karta udostępnienia: what was lent, to whom, when, until when, signatures on return. */
async function renderLoanCardPdf(card: LoanCard): Promise<Buffer> {
  const doc = createPdf({ title: `Karta udostępnienia ${card.number}` })
  doc.font('bold').fontSize(16).text('Karta udostępnienia akt', { align: 'center' })
  doc.font('regular').fontSize(11).text(`nr ${card.number}`, { align: 'center' }).moveDown()
  const row = (label: string, value: string) => {
    doc
      .font('bold')
      .text(`${label}: `, { continued: true })
      .font('regular')
      .text(value || '—')
  }
  row('Forma', card.kind === 'loan' ? 'wypożyczenie poza archiwum' : 'udostępnienie w czytelni')
  row('Znak teczki', `${card.folder.sign} (${card.folder.unit_symbol})`)
  row('Tytuł', card.folder.title)
  row('Daty skrajne', years(card.folder))
  row('Kategoria archiwalna', card.folder.category)
  row('Miejsce', placeText(card.folder))
  row('Kod kreskowy', card.folder.barcode ?? '')
  doc.moveDown()
  row(
    'Osoba upoważniona',
    `${card.borrower.full_name}, ${card.borrower.unit_symbol}${card.borrower.position ? ', ' + card.borrower.position : ''}`,
  )
  row('Upoważnienie wydał', card.borrower.authorised_by)
  row('Cel', card.purpose ?? '')
  row('Data udostępnienia', formatDate(card.lent_on))
  row('Termin zwrotu', formatDate(card.due_on))
  row('Data zwrotu', card.returned_on ? formatDate(card.returned_on) : '')
  row('Wydał', card.lent_by_name ?? '')
  doc.moveDown(3)
  const y = doc.y
  doc.text('……………………………', 50, y).text('podpis pobierającego', 50, y + 14)
  doc.text('……………………………', 330, y).text('podpis archiwisty (zwrot)', 330, y + 14)
  return pdfToBuffer(doc)
}

export interface FolderRow {
  sign: string
  title: string
  year_from: number
  year_to: number | null
  category: string
  volumes: number
  unit_symbol: string
  linear_metres: string | null
  notes?: string | null
}

/** A list of folders as a table on A4: the transfer list and the disposal list share this layout. */
async function folderTablePdf(
  heading: string,
  subtitle: string,
  rows: FolderRow[],
  lastColumn: 'unit' | 'notes',
) {
  const doc = createPdf({ title: `${heading} ${subtitle}` })
  doc.font('bold').fontSize(14).text(heading, { align: 'center' })
  doc.font('regular').fontSize(10).text(subtitle, { align: 'center' }).moveDown()
  const cols = [28, 80, 190, 60, 40, 35, 60]
  const header = [
    'Lp.',
    'Znak teczki',
    'Tytuł teczki',
    'Daty skrajne',
    'Kat.',
    'Tomy',
    lastColumn === 'unit' ? 'Komórka' : 'Uwagi',
  ]
  const line = (cells: string[], bold = false) => {
    if (doc.y > 740) doc.addPage()
    const y = doc.y
    let x = 50
    doc.font(bold ? 'bold' : 'regular').fontSize(8)
    let h = 0
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: cols[i]! - 4 })
      h = Math.max(h, doc.y - y)
      x += cols[i]!
    })
    doc.x = 50
    doc.y = y + h + 4
  }
  line(header, true)
  rows.forEach((r, i) =>
    line([
      String(i + 1),
      r.sign,
      r.title,
      years(r),
      r.category,
      String(r.volumes),
      lastColumn === 'unit' ? r.unit_symbol : (r.notes ?? ''),
    ]),
  )
  const metres = rows.reduce((s, r) => s + Number(r.linear_metres ?? 0), 0)
  doc
    .moveDown()
    .font('bold')
    .text(
      `Razem teczek: ${rows.length}; tomów: ${rows.reduce((s, r) => s + r.volumes, 0)}${metres ? `; metry bieżące: ${metres.toFixed(2).replace('.', ',')}` : ''}`,
      50,
    )
  return doc
}

/** Spis dokumentacji niearchiwalnej (list of non-archival records) for the State Archive's consent. */
async function renderDisposalListPdf(list: { number: string; rows: FolderRow[] }): Promise<Buffer> {
  const doc = await folderTablePdf(
    'Spis dokumentacji niearchiwalnej przeznaczonej do brakowania',
    `nr ${list.number}`,
    list.rows,
    'unit',
  )
  return pdfToBuffer(doc)
}

/** Spis zdawczo-odbiorczy: printed by the unit to go with the folders, signed on handover. */
async function renderTransferListPdf(list: {
  title: string
  unit: string
  rows: FolderRow[]
}): Promise<Buffer> {
  const doc = await folderTablePdf(
    `Spis zdawczo-odbiorczy akt – ${list.unit}`,
    list.title,
    list.rows,
    'notes',
  )
  doc.moveDown(3)
  const y = doc.y
  doc.font('regular').fontSize(9)
  doc.text('……………………………', 50, y).text('przekazał (komórka)', 50, y + 12)
  doc.text('……………………………', 330, y).text('przyjął (archiwum zakładowe)', 330, y + 12)
  return pdfToBuffer(doc)
}

// One render per free PDF slot (shared/pdf): bounded memory and CPU under a burst of prints.
export const labelsPdf = pdfRenderer(renderLabelsPdf)
export const loanCardPdf = pdfRenderer(renderLoanCardPdf)
export const disposalListPdf = pdfRenderer(renderDisposalListPdf)
export const transferListPdf = pdfRenderer(renderTransferListPdf)
