/**
 * Calendar arithmetic for the registry. Dates are ISO 'YYYY-MM-DD' strings (no time zone); times of
 * receipt are instants shown and entered on the office's clock (`shared/clock/office.ts`).
 */

const pad = (n: number) => String(n).padStart(2, '0')

function fromIso(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d))
}

function toIso(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
}

export function addDays(iso: string, days: number): string {
  const d = fromIso(iso)
  d.setUTCDate(d.getUTCDate() + days)
  return toIso(d)
}

/**
 * A period in months ends on the day of the last month whose number matches the start day, or on that
 * month's last day when it has no such day (KPA art. 57 § 3 as summarised in DOMAIN.md; text unverified):
 * 31.01 + 1 month = 28.02 (29.02 in a leap year).
 */
export function addMonths(iso: string, months: number): string {
  const start = fromIso(iso)
  const y = start.getUTCFullYear()
  const m = start.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return toIso(new Date(Date.UTC(y, m, Math.min(start.getUTCDate(), lastDay))))
}

export interface PeriodRule {
  period_value: number
  period_unit: 'days' | 'months' | string
  moves_off_weekend: boolean
}

/**
 * Due date of an answer counted from the day of receipt. A period in days does not count the day of
 * receipt (KPA art. 57 § 1). A due date on a Saturday or Sunday moves to Monday only where the type says
 * so (art. 57 § 4 is unverified, so it is a per-type setting; public holidays are not known here).
 */
export function dueDate(receivedOn: string, rule: PeriodRule): string {
  let due =
    rule.period_unit === 'months'
      ? addMonths(receivedOn, rule.period_value)
      : addDays(receivedOn, rule.period_value)
  if (rule.moves_off_weekend) {
    const day = fromIso(due).getUTCDay()
    if (day === 6) due = addDays(due, 2)
    else if (day === 0) due = addDays(due, 1)
  }
  return due
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((fromIso(to).getTime() - fromIso(from).getTime()) / 86400_000)
}
