/** PESEL (DOMAIN.md §5): 11 digits, weights 1,3,7,9,…, K = (10 − S mod 10) mod 10, and a real date. */
export function peselProblem(pesel: string): 'format' | 'checksum' | 'date' | null {
  if (!/^\d{11}$/.test(pesel)) return 'format'
  const digits = [...pesel].map(Number)
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
  const sum = weights.reduce((acc, w, i) => acc + w * digits[i]!, 0)
  if ((10 - (sum % 10)) % 10 !== digits[10]) return 'checksum'
  return peselBirthDate(pesel) ? null : 'date'
}

/** The birth date a PESEL encodes (month offsets +80/+0/+20/+40/+60 for 1800–2299), if it exists. */
export function peselBirthDate(pesel: string): string | null {
  const yy = Number(pesel.slice(0, 2))
  const mm = Number(pesel.slice(2, 4))
  const dd = Number(pesel.slice(4, 6))
  const centuries: Array<[number, number]> = [
    [80, 1800],
    [0, 1900],
    [20, 2000],
    [40, 2100],
    [60, 2200],
  ]
  const hit = centuries.find(([offset]) => mm > offset && mm <= offset + 12)
  if (!hit) return null
  const year = hit[1] + yy
  const month = mm - hit[0]
  const date = new Date(Date.UTC(year, month - 1, dd))
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== dd) return null
  return `${year}-${String(month).padStart(2, '0')}-${String(dd).padStart(2, '0')}`
}

export interface PartialDate {
  year: number
  month: number | null
  day: number | null
}

/**
 * A date of birth as documents give it: full (dd.mm.rrrr or ISO), year and month (mm.rrrr, rrrr-mm),
 * or the year only. Returns null when it is none of these or the day does not exist.
 */
export function parsePartialDate(input: string): PartialDate | null {
  const s = input.trim()
  let m: RegExpExecArray | null
  let year: number
  let month: number | null = null
  let day: number | null = null
  if ((m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s))) {
    day = Number(m[1])
    month = Number(m[2])
    year = Number(m[3])
  } else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) {
    year = Number(m[1])
    month = Number(m[2])
    day = Number(m[3])
  } else if ((m = /^(\d{1,2})[./-](\d{4})$/.exec(s))) {
    month = Number(m[1])
    year = Number(m[2])
  } else if ((m = /^(\d{4})-(\d{1,2})$/.exec(s))) {
    year = Number(m[1])
    month = Number(m[2])
  } else if ((m = /^(\d{4})$/.exec(s))) {
    year = Number(m[1])
  } else return null
  if (year < 1890 || year > 2200) return null
  if (month !== null && (month < 1 || month > 12)) return null
  if (day !== null) {
    const d = new Date(Date.UTC(year, month! - 1, day))
    if (d.getUTCDate() !== day || d.getUTCMonth() !== month! - 1) return null
  }
  return { year, month, day }
}

/** 14.05.1944, 05.1944 or 1944. */
export function formatPartialDate(p: {
  birth_year?: number | null
  birth_month?: number | null
  birth_day?: number | null
}): string {
  if (!p.birth_year) return ''
  const mm = p.birth_month ? String(p.birth_month).padStart(2, '0') : null
  if (!mm) return String(p.birth_year)
  if (!p.birth_day) return `${mm}.${p.birth_year}`
  return `${String(p.birth_day).padStart(2, '0')}.${mm}.${p.birth_year}`
}

/** Two partial dates could be the same day: every part known on both sides is equal. */
export function partialDatesAgree(a: PartialDate | null, b: PartialDate | null): boolean {
  if (!a || !b) return false
  if (a.year !== b.year) return false
  if (a.month !== null && b.month !== null && a.month !== b.month) return false
  if (a.day !== null && b.day !== null && a.day !== b.day) return false
  return true
}
