import { describe, expect, it } from 'vitest'
import { barcodePng, createPdf, pdfToBuffer } from './index.js'

describe('PDF', () => {
  it('writes a real PDF with Polish text and a barcode', async () => {
    const doc = createPdf({ title: 'Potwierdzenie' })
    doc.font('bold').fontSize(14).text('Potwierdzenie wpływu – Łódź, Źródło, Żółć')
    doc.image(await barcodePng('2026/000123'), { width: 200 })
    const pdf = await pdfToBuffer(doc)
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(2000)
    // The font is embedded (subset) so the glyphs print, not a fallback.
    expect(pdf.toString('latin1')).toMatch(/DejaVu/)
  })
})
