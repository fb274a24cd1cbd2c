import fs from 'node:fs'
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
const fonts =
  fs.existsSync(systemFonts.regular) && fs.existsSync(systemFonts.bold)
    ? systemFonts
    : {
        regular: require.resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff'),
        bold: require.resolve('@fontsource/dejavu-sans/files/dejavu-sans-latin-700-normal.woff'),
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
