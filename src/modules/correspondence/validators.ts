/**
 * Format rules for registry identifiers, with their sources in DOMAIN.md §1. Pure functions, unit-tested
 * with DOMAIN.md's worked examples.
 */

/** e-Doręczenia address (ADE): `AE:PL-XXXXX-XXXXX-YYYYY-ZZ`. Format only: the check-digit algorithm is unverified. */
export const eDeliveryPattern = /^AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}$/

export function isEDeliveryAddress(value: string): boolean {
  return eDeliveryPattern.test(value)
}

const s10Weights = [8, 6, 4, 2, 3, 5, 9, 7]

/** UPU S10 check digit over the 8-digit serial: weights 8,6,4,2,3,5,9,7; C = 11 − (S mod 11); 10 → 0, 11 → 5. */
export function s10CheckDigit(serial: string): number {
  const sum = [...serial].reduce((s, d, i) => s + Number(d) * s10Weights[i]!, 0)
  const c = 11 - (sum % 11)
  return c === 10 ? 0 : c === 11 ? 5 : c
}

/** UPU S10 tracking number, e.g. `RR123456785PL`: service code, 8-digit serial, check digit, ISO country. */
export function isS10(value: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(value)
  return !!m && s10CheckDigit(m[1]!) === Number(m[2])
}

/** GS1 mod-10: from the rightmost data digit, weights 3,1,3,…; check = (10 − sum mod 10) mod 10. */
export function gs1CheckDigit(data: string): number {
  let sum = 0
  for (let i = 0; i < data.length; i++) {
    const digit = Number(data[data.length - 1 - i])
    sum += digit * (i % 2 === 0 ? 3 : 1)
  }
  return (10 - (sum % 10)) % 10
}

/** Poczta Polska 20-digit number: `00` (GS1 AI) + 18-digit SSCC whose last digit is the GS1 check digit. */
export function isPocztaPolskaNumber(value: string): boolean {
  if (!/^00\d{18}$/.test(value)) return false
  const sscc = value.slice(2)
  return gs1CheckDigit(sscc.slice(0, 17)) === Number(sscc[17])
}

/** A registered-mail number: S10 or the Poczta Polska 20-digit number. Spaces are ignored, letters upper-cased. */
export function normaliseTrackingNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase()
}

export function isRegisteredMailNumber(value: string): boolean {
  const v = normaliseTrackingNumber(value)
  return isS10(v) || isPocztaPolskaNumber(v)
}

/**
 * Case reference (znak sprawy) `{unit}.{JRWA}.{n}[.{n2}].{year}` with optional trailing initials
 * (IK via DOMAIN.md §1).
 */
export const caseReferencePattern =
  /^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)?\.\d{1,4}\.[1-9]\d*(\.[1-9]\d*)?\.\d{4}(\.[A-Za-z]{1,4})?$/

export function isCaseReference(value: string): boolean {
  return caseReferencePattern.test(value)
}

export function formatCaseReference(unitSymbol: string, jrwaSymbol: string, number: number, year: number) {
  return `${unitSymbol}.${jrwaSymbol}.${number}.${year}`
}

/** `2026/000123` (or `2026/123`) as typed or scanned from a barcode → year and number. */
export function parseRegisterNumber(value: string): { year: number; number: number } | null {
  const m = /^\s*(\d{4})\s*\/\s*(\d{1,9})\s*$/.exec(value)
  if (!m) return null
  const number = Number(m[2])
  return number > 0 ? { year: Number(m[1]), number } : null
}
