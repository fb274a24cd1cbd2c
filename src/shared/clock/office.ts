/**
 * The office's clock. The office works in Europe/Warsaw: its calendar day decides due dates, the year
 * a register number belongs to and what is overdue, whatever the server's zone (containers run in
 * UTC, where 00:30 on 1 January in Warsaw is still the old year). Dates are ISO 'YYYY-MM-DD' strings.
 */
export const officeTimeZone = 'Europe/Warsaw'

const pad = (n: number) => String(n).padStart(2, '0')

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: officeTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

function parts(date: Date) {
  const f = wallClock.formatToParts(date)
  const get = (t: string) => Number(f.find((p) => p.type === t)!.value)
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute') }
}

/** The office's calendar day of an instant. */
export function officeDate(date: Date): string {
  const p = parts(date)
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`
}

/** Today on the office's calendar. */
export function officeToday(now = new Date()): string {
  return officeDate(now)
}

/** The office's calendar year of an instant (numbering restarts on 1 January in Warsaw). */
export function officeYear(date = new Date()): number {
  return parts(date).y
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
