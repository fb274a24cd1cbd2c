/**
 * Machine-readable zone (ICAO Doc 9303 Parts 3–6, DOMAIN.md §5): TD1 (3×30), TD2 (2×36), TD3 (2×44).
 * Desk readers type the lines like a keyboard, sometimes in lower case or with stray spaces, so the
 * text is normalised first. Every check digit and the composite are verified; a failure names the
 * field and the digit it should have been.
 */

export type MrzFormat = 'TD1' | 'TD2' | 'TD3'

export interface MrzFields {
  format: MrzFormat
  documentCode: string
  issuingState: string
  surname: string
  givenNames: string
  documentNumber: string
  nationality: string
  /** YYMMDD as in the MRZ; unknown parts are `<`. */
  birthDateRaw: string
  /** Date of birth for the form: dd.mm.yyyy, mm.yyyy or yyyy (unknown parts left out), or '' if unreadable. */
  birthDate: string
  sex: 'F' | 'M' | 'X'
  expiryDateRaw: string
  /** Expiry date as dd.mm.yyyy, or '' if unreadable. */
  expiryDate: string
  /** Personal number (TD3) or optional data (TD1/TD2), fillers removed. */
  optionalData: string
}

export type MrzField = 'documentNumber' | 'birthDate' | 'expiryDate' | 'personalNumber' | 'composite'

export interface MrzProblem {
  /** Catalog key, e.g. `deposits.mrz.check.documentNumber`. */
  key: string
  params: Record<string, string | number>
  field?: MrzField
}

export type MrzResult =
  | { ok: true; fields: MrzFields; problems: [] }
  | { ok: false; fields: MrzFields | null; problems: MrzProblem[] }

const values: Record<string, number> = { '<': 0 }
for (let i = 0; i < 10; i++) values[String(i)] = i
for (let i = 0; i < 26; i++) values[String.fromCharCode(65 + i)] = 10 + i

/** Doc 9303 Part 3 §4.9: values 0–9, A–Z = 10–35, `<` = 0; weights 7, 3, 1; sum mod 10. */
export function checkDigit(data: string): number {
  let sum = 0
  for (let i = 0; i < data.length; i++) sum += (values[data[i]!] ?? 0) * [7, 3, 1][i % 3]!
  return sum % 10
}

const shapes: Record<MrzFormat, { lines: number; length: number }> = {
  TD1: { lines: 3, length: 30 },
  TD2: { lines: 2, length: 36 },
  TD3: { lines: 2, length: 44 },
}

/** Upper case, no spaces or tabs inside a line, no empty lines; one unbroken line is cut by length. */
export function normaliseMrz(text: string): string[] {
  const lines = text
    .toUpperCase()
    .split(/\r?\n|\r/)
    .map((l) => l.replace(/[\s\u00a0]+/g, ''))
    .filter((l) => l !== '')
  if (lines.length === 1) {
    const one = lines[0]!
    for (const { lines: n, length } of Object.values(shapes))
      if (one.length === n * length)
        return Array.from({ length: n }, (_, i) => one.slice(i * length, (i + 1) * length))
  }
  return lines
}

function detectFormat(lines: string[]): MrzFormat | null {
  for (const [format, shape] of Object.entries(shapes) as Array<[MrzFormat, (typeof shapes)[MrzFormat]]>)
    if (lines.length === shape.lines && lines.every((l) => l.length === shape.length)) return format
  return null
}

const strip = (s: string) => s.replace(/<+$/g, '').replace(/</g, ' ').trim()

function splitName(field: string): { surname: string; givenNames: string } {
  const [surname = '', ...rest] = field.split('<<')
  return { surname: strip(surname), givenNames: strip(rest.join(' ')).replace(/\s+/g, ' ') }
}

/** YYMMDD → dd.mm.yyyy (or mm.yyyy / yyyy when parts are unknown); births lie in the past. */
export function mrzDate(raw: string, kind: 'birth' | 'expiry', today = new Date()): string {
  const yy = raw.slice(0, 2)
  if (!/^\d\d$/.test(yy)) return ''
  const thisYear = today.getUTCFullYear()
  const n = Number(yy)
  const year =
    kind === 'birth'
      ? 2000 + n > thisYear
        ? 1900 + n
        : 2000 + n
      : 2000 + n > thisYear + 50
        ? 1900 + n
        : 2000 + n
  const mm = raw.slice(2, 4)
  const dd = raw.slice(4, 6)
  if (!/^\d\d$/.test(mm)) return kind === 'birth' ? String(year) : ''
  const month = Number(mm)
  if (month < 1 || month > 12) return ''
  if (!/^\d\d$/.test(dd)) return kind === 'birth' ? `${mm}.${year}` : ''
  const day = Number(dd)
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return ''
  return `${dd}.${mm}.${year}`
}

interface Check {
  field: MrzField
  data: string
  digit: string
  /** A blank field may carry `<` instead of 0 (personal number in TD3). */
  blankMayBeFiller?: boolean
}

function verify(checks: Check[]): MrzProblem[] {
  const problems: MrzProblem[] = []
  for (const c of checks) {
    const expected = checkDigit(c.data)
    if (c.blankMayBeFiller && /^<*$/.test(c.data) && (c.digit === '<' || c.digit === '0')) continue
    if (c.digit !== String(expected))
      problems.push({
        key: `deposits.mrz.check.${c.field}`,
        field: c.field,
        params: { found: c.digit, expected },
      })
  }
  return problems
}

const sexOf = (c: string): 'F' | 'M' | 'X' => (c === 'F' ? 'F' : c === 'M' ? 'M' : 'X')

/**
 * TD3 (passport, 2 × 44) and TD2 (2 × 36) share line 2 up to the optional data. In TD3 the optional
 * data is a personal number with its own check digit; the composite covers the line up to its last character.
 */
function parseTwoLine(
  l1: string,
  l2: string,
  format: 'TD2' | 'TD3',
): { fields: Omit<MrzFields, 'format'>; checks: Check[] } {
  const last = l2.length - 1
  const optional = l2.slice(28, format === 'TD3' ? 42 : last)
  const checks: Check[] = [
    { field: 'documentNumber', data: l2.slice(0, 9), digit: l2[9]! },
    { field: 'birthDate', data: l2.slice(13, 19), digit: l2[19]! },
    { field: 'expiryDate', data: l2.slice(21, 27), digit: l2[27]! },
  ]
  if (format === 'TD3')
    checks.push({ field: 'personalNumber', data: optional, digit: l2[42]!, blankMayBeFiller: true })
  checks.push({
    field: 'composite',
    data: l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, last),
    digit: l2[last]!,
  })
  return {
    fields: {
      documentCode: strip(l1.slice(0, 2)),
      issuingState: strip(l1.slice(2, 5)),
      ...splitName(l1.slice(5)),
      documentNumber: strip(l2.slice(0, 9)),
      nationality: strip(l2.slice(10, 13)),
      birthDateRaw: l2.slice(13, 19),
      birthDate: mrzDate(l2.slice(13, 19), 'birth'),
      sex: sexOf(l2[20]!),
      expiryDateRaw: l2.slice(21, 27),
      expiryDate: mrzDate(l2.slice(21, 27), 'expiry'),
      optionalData: strip(optional),
    },
    checks,
  }
}

function parseTd1(
  l1: string,
  l2: string,
  l3: string,
): { fields: Omit<MrzFields, 'format'>; checks: Check[] } {
  let documentNumber = l1.slice(5, 14)
  let numberCheck = l1[14]!
  let optional = l1.slice(15, 30)
  // A number longer than 9 characters: `<` in the check position, the rest of the number and its
  // check digit at the start of the optional data (Doc 9303 Part 5 §4.2.2, note j).
  if (numberCheck === '<' && /^[A-Z0-9]+</.test(optional)) {
    const extension = optional.slice(0, optional.indexOf('<'))
    documentNumber += extension.slice(0, -1)
    numberCheck = extension.slice(-1)
    optional = optional.slice(extension.length)
  }
  return {
    fields: {
      documentCode: strip(l1.slice(0, 2)),
      issuingState: strip(l1.slice(2, 5)),
      ...splitName(l3),
      documentNumber: strip(documentNumber),
      nationality: strip(l2.slice(15, 18)),
      birthDateRaw: l2.slice(0, 6),
      birthDate: mrzDate(l2.slice(0, 6), 'birth'),
      sex: sexOf(l2[7]!),
      expiryDateRaw: l2.slice(8, 14),
      expiryDate: mrzDate(l2.slice(8, 14), 'expiry'),
      optionalData: strip(optional + ' ' + l2.slice(18, 29)),
    },
    checks: [
      { field: 'documentNumber', data: documentNumber, digit: numberCheck },
      { field: 'birthDate', data: l2.slice(0, 6), digit: l2[6]! },
      { field: 'expiryDate', data: l2.slice(8, 14), digit: l2[14]! },
      {
        field: 'composite',
        data: l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29),
        digit: l2[29]!,
      },
    ],
  }
}

export function parseMrz(text: string): MrzResult {
  const lines = normaliseMrz(text)
  if (lines.length === 0)
    return { ok: false, fields: null, problems: [{ key: 'deposits.mrz.empty', params: {} }] }
  const format = detectFormat(lines)
  if (!format)
    return {
      ok: false,
      fields: null,
      problems: [
        {
          key: 'deposits.mrz.shape',
          params: { lines: lines.length, lengths: lines.map((l) => l.length).join(', ') },
        },
      ],
    }
  for (const [i, line] of lines.entries()) {
    const bad = line.search(/[^A-Z0-9<]/)
    if (bad >= 0)
      return {
        ok: false,
        fields: null,
        problems: [
          {
            key: 'deposits.mrz.character',
            params: { line: i + 1, position: bad + 1, character: line[bad]! },
          },
        ],
      }
  }
  const [l1, l2, l3] = lines as [string, string, string]
  const parsed = format === 'TD1' ? parseTd1(l1, l2, l3) : parseTwoLine(l1, l2, format)
  const fields: MrzFields = { format, ...parsed.fields }
  const problems = verify(parsed.checks)
  return problems.length ? { ok: false, fields, problems } : { ok: true, fields, problems: [] }
}

/** The document type a form expects, from the MRZ document code (P… passport, I/A/C… identity card). */
export function documentTypeOf(code: string): 'passport' | 'id_card' | 'travel_document' {
  if (code.startsWith('P')) return 'passport'
  if (/^[IAC]/.test(code)) return 'id_card'
  return 'travel_document'
}
