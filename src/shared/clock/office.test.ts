import { describe, expect, it } from 'vitest'
import { officeDate, officeInstant, officeTime, officeToday, officeYear } from './office.js'

describe('the office clock (Europe/Warsaw)', () => {
  it('reads times of receipt on the office clock, summer and winter', () => {
    expect(officeInstant('2026-01-15', '09:30').toISOString()).toBe('2026-01-15T08:30:00.000Z')
    expect(officeInstant('2026-07-15', '09:30').toISOString()).toBe('2026-07-15T07:30:00.000Z')
    expect(officeTime(new Date('2026-07-15T07:30:00Z'))).toBe('09:30')
  })

  it('turns the day and the year at midnight in Warsaw, not in UTC', () => {
    const newYear = new Date('2026-12-31T23:30:00Z')
    expect(officeDate(newYear)).toBe('2027-01-01')
    expect(officeToday(newYear)).toBe('2027-01-01')
    expect(officeYear(newYear)).toBe(2027)
    expect(officeYear(new Date('2026-12-31T22:59:00Z'))).toBe(2026)
  })

  it('finds the instant of a wall-clock time on the days summer time starts and ends', () => {
    expect(officeInstant('2026-03-29', '03:30').toISOString()).toBe('2026-03-29T01:30:00.000Z')
    expect(officeInstant('2026-10-25', '12:00').toISOString()).toBe('2026-10-25T11:00:00.000Z')
  })
})
