import { describe, expect, it } from 'vitest'
import os from 'node:os'
import { barcodePng, createPdf, inPdfSlot, pdfToBuffer } from './index.js'

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

describe('PDF render slots', () => {
  it('runs at most as many renders at once as there are slots, and every one finishes, in order', async () => {
    let running = 0
    let most = 0
    const finished: number[] = []
    const render = (n: number) =>
      inPdfSlot(async () => {
        running += 1
        most = Math.max(most, running)
        await new Promise((r) => setTimeout(r, 5))
        running -= 1
        finished.push(n)
        if (n === 3) throw new Error('a failed render frees its slot')
        return n
      })
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, n) => render(n)))
    expect(most).toBeLessThanOrEqual(Math.min(4, os.availableParallelism()))
    expect(finished).toHaveLength(12)
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1)
    expect(await render(99)).toBe(99)
  })
})
