import fs from 'node:fs'
import os from 'node:os'
import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import bwipjs from 'bwip-js/node'

const require = createRequire(import.meta.url)
/**
 * DejaVu Sans: every Polish glyph (built-in Helvetica garbles ąęł). The Debian TTF when installed
 * (fonts-dejavu-core): pdfkit embeds a WOFF about 40× slower (~2 s per font per document on this
 * machine); otherwise the npm WOFF, so no system font is required.
 */
const systemFonts = {
  regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
}
const fontFiles =
  fs.existsSync(systemFonts.regular) && fs.existsSync(systemFonts.bold)
    ? systemFonts
    : {
        regular: require.resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff'),
        bold: require.resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-700-normal.woff'),
      }
// Read once: every document embeds from these bytes instead of reading the files again.
const fonts = { regular: fs.readFileSync(fontFiles.regular), bold: fs.readFileSync(fontFiles.bold) }

/**
 * PDFs are CPU-bound (font subsetting, barcodes) and each one holds its fonts and pages in memory:
 * more at once than cores only adds memory and makes every one slower. Renders beyond this wait
 * their turn (first come, first served).
 */
const renderSlots = Math.max(1, Math.min(4, os.availableParallelism()))
let rendering = 0
const waiting: Array<() => void> = []

/** Runs `render` when a PDF slot is free; every module's PDF function goes through here. */
export async function inPdfSlot<T>(render: () => Promise<T>): Promise<T> {
  if (rendering >= renderSlots) await new Promise<void>((resolve) => waiting.push(resolve))
  else rendering += 1
  try {
    return await render()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else rendering -= 1
  }
}

/** `fn` with its renders limited by inPdfSlot. */
export function pdfRenderer<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  return (...args: A) => inPdfSlot(() => fn(...args))
}

export type Pdf = PDFKit.PDFDocument

/** A PDF document with BOK's fonts registered ('regular', 'bold'); A4 unless a size is given. */
export function createPdf(
  opts: { size?: string | [number, number]; margin?: number; title?: string; lang?: string } = {},
): Pdf {
  const doc = new PDFDocument({
    size: opts.size ?? 'A4',
    margin: opts.margin ?? 50,
    info: { Title: opts.title ?? 'BOK', Producer: 'BOK', Creator: 'BOK' },
    lang: opts.lang ?? 'pl-PL',
    bufferPages: true,
  })
  doc.registerFont('regular', fonts.regular)
  doc.registerFont('bold', fonts.bold)
  doc.font('regular')
  return doc
}

/** Finishes the document and returns its bytes. */
export function pdfToBuffer(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.end()
  })
}

/** A Code 128 barcode as PNG, for labels and receipts (scanners type it back as text). */
export function barcodePng(text: string, opts: { height?: number; scale?: number } = {}): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'code128',
    text,
    scale: opts.scale ?? 3,
    height: opts.height ?? 12,
    includetext: true,
    textxalign: 'center',
  })
}

/** Sizes in PDF points: a small label printer roll (62 × 29 mm, Brother DK-11209 style) and A4. */
export const pageSizes = {
  label: [176, 82] as [number, number],
  a4: 'A4',
}
