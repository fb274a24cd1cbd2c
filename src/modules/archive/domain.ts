/**
 * Archive rules as plain functions (no database): retention, transfer deadlines, shelf stocktake.
 * Sources are in CONTEXT.md (DOMAIN.md §2).
 */
import { officeYear } from '../../shared/clock/office.js'

export const categoryPattern = /^(A|B\d{1,3}|BE\d{1,3}|Bc)$/

/** Years after which category A paper records go to the State Archive (art. 5 ustawy o narodowym zasobie archiwalnym). */
export const stateArchiveAfterYears = 25

export type Retention =
  | { kind: 'permanent'; stateArchiveFrom: string }
  | { kind: 'disposable'; eligibleFrom: string; needsExpertReview: boolean }

/**
 * When a folder may be disposed of. Retention is counted in full calendar years from 1 January of the
 * year after the year the folder was closed: B5 closed on 20.03.2024 → counting starts 01.01.2025 →
 * eligible from 01.01.2030, i.e. 1 January of Y+1+n. A is kept forever and goes to the State Archive
 * after 25 years (counted the same way from the year of creation). BE{n} follows B{n} but needs the
 * State Archive's expert appraisal first. Bc (short-term value) may go once used up: from 1 January
 * after closing — still only with the State Archive's consent, like every disposal.
 */
export function retentionOf(category: string, closedYear: number, createdYear = closedYear): Retention {
  if (!categoryPattern.test(category)) throw new Error(`unknown archival category ${category}`)
  if (category === 'A')
    return { kind: 'permanent', stateArchiveFrom: `${createdYear + 1 + stateArchiveAfterYears}-01-01` }
  if (category === 'Bc')
    return { kind: 'disposable', eligibleFrom: `${closedYear + 1}-01-01`, needsExpertReview: false }
  const expert = category.startsWith('BE')
  const years = Number(category.slice(expert ? 2 : 1))
  return { kind: 'disposable', eligibleFrom: `${closedYear + 1 + years}-01-01`, needsExpertReview: expert }
}

/**
 * Closed folders go to the archive after 2 full calendar years counted from 1 January after closing
 * (DOMAIN.md §2, instrukcja kancelaryjna): closed in 2023 → due in 2026. A folder still at its unit
 * once that year has passed is overdue.
 */
export function transferStatus(
  closedYear: number | null,
  today: Date,
): 'open' | 'notYet' | 'due' | 'overdue' {
  if (closedYear === null) return 'open'
  const year = officeYear(today)
  const dueYear = closedYear + 3
  if (year < dueYear) return 'notYet'
  return year === dueYear ? 'due' : 'overdue'
}

/** Latest closing year whose folders are due for transfer this year, and latest that is overdue. */
export function transferYears(today: Date): { dueUpTo: number; overdueUpTo: number } {
  const year = officeYear(today)
  return { dueUpTo: year - 3, overdueUpTo: year - 4 }
}

/** `DPU.0123`: the folder sign as on the spine. */
export function folderSign(unitSymbol: string, jrwaSymbol: string): string {
  return `${unitSymbol}.${jrwaSymbol}`
}

/** The barcode printed on a folder's label: fixed width, so a scanner's input is easy to check. */
export function folderBarcode(id: number): string {
  return `AZ${String(id).padStart(9, '0')}`
}

export interface ShelfFolder {
  id: number
  barcode: string
  room: string | null
  rack: string | null
  shelf: number | null
  onLoan?: boolean
}

export interface ShelfRange {
  room: string
  rack: string
  shelfFrom: number
  shelfTo: number
}

export interface StocktakeResult {
  found: string[]
  missing: string[]
  onLoan: string[]
  misplaced: Array<{ barcode: string; room: string | null; rack: string | null; shelf: number | null }>
  unexpected: string[]
}

export function inRange(f: Pick<ShelfFolder, 'room' | 'rack' | 'shelf'>, r: ShelfRange): boolean {
  return (
    f.room === r.room &&
    f.rack === r.rack &&
    f.shelf !== null &&
    f.shelf >= r.shelfFrom &&
    f.shelf <= r.shelfTo
  )
}

/** Splits pasted or scanned text into barcodes: one per line (or separated by spaces, commas). */
export function parseBarcodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ]
}

/**
 * Compares a scanned shelf range with the records: folders expected there but not scanned are missing
 * (unless on loan), scanned folders registered elsewhere are misplaced, unknown codes are unexpected.
 */
export function compareShelf(
  range: ShelfRange,
  expected: ShelfFolder[],
  scanned: string[],
  known: ShelfFolder[],
): StocktakeResult {
  const scannedSet = new Set(scanned)
  const knownByCode = new Map(known.map((f) => [f.barcode, f]))
  const result: StocktakeResult = { found: [], missing: [], onLoan: [], misplaced: [], unexpected: [] }
  for (const f of expected) {
    if (scannedSet.has(f.barcode)) result.found.push(f.barcode)
    else if (f.onLoan) result.onLoan.push(f.barcode)
    else result.missing.push(f.barcode)
  }
  for (const code of scanned) {
    const f = knownByCode.get(code)
    if (!f) result.unexpected.push(code)
    else if (!inRange(f, range))
      result.misplaced.push({ barcode: code, room: f.room, rack: f.rack, shelf: f.shelf })
  }
  return result
}
