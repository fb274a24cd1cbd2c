/**
 * Calendar arithmetic for the registry. Dates are ISO 'YYYY-MM-DD' strings (no time zone); times of
 * receipt are instants shown and entered in the office's zone, Europe/Warsaw.
 */
import { formatterPerZone } from '../../shared/forms/intl.js'

export const officeTimeZone = 'Europe/Warsaw'

const pad = (n: number) => String(n).padStart(2, '0')

const wallClock = formatterPerZone(
  (timeZone) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }),
)

function parts(date: Date, timeZone = officeTimeZone) {
  const f = wallClock(timeZone).formatToParts(date)
  const get = (t: string) => Number(f.find((p) => p.type === t)!.value)
  return {
    y: get('year'),
    m: get('month'),
    d: get('day'),
    h: get('hour'),
    min: get('minute'),
    s: get('second'),
  }
}

/** The office's calendar day of an instant. */
export function officeDate(date: Date): string {
  const p = parts(date)
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`
}

/** The office's wall-clock time of an instant, 'HH:MM'. */
export function officeTime(date: Date): string {
  const p = parts(date)
  return `${pad(p.h)}:${pad(p.min)}`
}

/** 'YYYY-MM-DD' + 'HH:MM' on the office's clock → the instant (handles summer time). */
export function officeInstant(isoDate: string, time: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number]
  const [h, min] = time.split(':').map(Number) as [number, number]
  const guess = Date.UTC(y, m - 1, d, h, min)
  // The zone's offset at the guessed instant, applied once and re-checked (DST edges).
  let instant = guess
  for (let i = 0; i < 2; i++) {
    const p = parts(new Date(instant))
    const shown = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min)
    instant += guess - shown
  }
  return new Date(instant)
}

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
