import { formatRegisterNumber } from '../../shared/db/counters.js'

/** `2026/000123`: the deposit number as shown and printed. */
export const depositNumber = (d: { year: number; number: number }) => formatRegisterNumber(d.year, d.number)

/** `DEP-2026-000123`: what the Code 128 barcode on receipts and envelopes says. */
export const depositBarcode = (d: { year: number; number: number }) =>
  `DEP-${d.year}-${String(d.number).padStart(6, '0')}`

/** `LOC-S1`: the barcode on a storage place label. */
export const placeBarcode = (p: { code: string }) => `LOC-${p.code.toUpperCase()}`

/**
 * A deposit number typed or scanned in any usual form: `DEP-2026-000123`, `DEP2026000123`,
 * `2026/123`, `123/2026`.
 */
export function parseDepositNumber(input: string): { year: number; number: number } | null {
  const s = input.trim().toUpperCase()
  let m = /^DEP-?(\d{4})-?(\d{1,6})$/.exec(s)
  if (m) return { year: Number(m[1]), number: Number(m[2]) }
  m = /^(\d{4})\/(\d{1,6})$/.exec(s)
  if (m) return { year: Number(m[1]), number: Number(m[2]) }
  m = /^(\d{1,6})\/(\d{4})$/.exec(s)
  if (m) return { year: Number(m[2]), number: Number(m[1]) }
  return null
}
