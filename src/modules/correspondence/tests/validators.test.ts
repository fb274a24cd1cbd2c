import { describe, expect, it } from 'vitest'
import {
  gs1CheckDigit,
  isCaseReference,
  isEDeliveryAddress,
  isPocztaPolskaNumber,
  isRegisteredMailNumber,
  isS10,
  parseRegisterNumber,
  s10CheckDigit,
} from '../validators.js'
import { addMonths, dueDate } from '../dates.js'

describe('UPU S10 tracking numbers (DOMAIN.md §1 worked examples)', () => {
  it('computes the check digit with weights 8,6,4,2,3,5,9,7', () => {
    expect(s10CheckDigit('47312482')).toBe(9)
    expect(s10CheckDigit('12345678')).toBe(5)
  })
  it('accepts RR123456785PL and refuses RR123456789PL', () => {
    expect(isS10('RR123456785PL')).toBe(true)
    expect(isS10('RR123456789PL')).toBe(false)
    expect(isS10('RR473124829PL')).toBe(true)
    expect(isS10('R123456785PL')).toBe(false)
  })
  it('maps a remainder giving 10 to 0 and 11 to 5', () => {
    // 00000000 → S = 0 → 11 − 0 = 11 → 5
    expect(s10CheckDigit('00000000')).toBe(5)
    // 70000000 → S = 56, 56 mod 11 = 1 → 11 − 1 = 10 → 0
    expect(s10CheckDigit('70000000')).toBe(0)
  })
})

describe('Poczta Polska 20-digit numbers (GS1 mod 10)', () => {
  it('checks the real sample 00859007734668475302', () => {
    expect(gs1CheckDigit('85900773466847530')).toBe(2)
    expect(isPocztaPolskaNumber('00859007734668475302')).toBe(true)
    expect(isPocztaPolskaNumber('00859007734668475303')).toBe(false)
    expect(isPocztaPolskaNumber('10859007734668475302')).toBe(false)
  })
  it('accepts either kind as a registered-mail number, ignoring spaces and case', () => {
    expect(isRegisteredMailNumber('rr 1234 5678 5pl')).toBe(true)
    expect(isRegisteredMailNumber('00 8590 0773 4668 4753 02')).toBe(true)
    expect(isRegisteredMailNumber('RR123456789PL')).toBe(false)
  })
})

describe('e-Doręczenia addresses (format only)', () => {
  it('accepts the sample and the Silesian marshal office address, refuses others', () => {
    expect(isEDeliveryAddress('AE:PL-12345-67890-ABCDE-12')).toBe(true)
    expect(isEDeliveryAddress('AE:PL-55754-97181-CHDVR-19')).toBe(true)
    expect(isEDeliveryAddress('AE:PL-12345-67890-abcde-12')).toBe(false)
    expect(isEDeliveryAddress('AE:DE-12345-67890-ABCDE-12')).toBe(false)
    expect(isEDeliveryAddress('AE:PL-1234-67890-ABCDE-12')).toBe(false)
  })
})

describe('case references and register numbers', () => {
  it('follows the IK format with sub-unit, sub-number and initials', () => {
    expect(isCaseReference('BOK.0153.12.2026')).toBe(true)
    expect(isCaseReference('ABC-A.123.77.3.2011.JW')).toBe(true)
    expect(isCaseReference('11d.1.1.2026')).toBe(true)
    expect(isCaseReference('123.0153.12.2026')).toBe(false)
    expect(isCaseReference('BOK.0153.0.2026')).toBe(false)
    expect(isCaseReference('BOK.01534.1.2026')).toBe(false)
  })
  it('reads a scanned register number', () => {
    expect(parseRegisterNumber('2026/000123')).toEqual({ year: 2026, number: 123 })
    expect(parseRegisterNumber(' 2026/7 ')).toEqual({ year: 2026, number: 7 })
    expect(parseRegisterNumber('2026/000000')).toBeNull()
    expect(parseRegisterNumber('Kowalski')).toBeNull()
  })
})

describe('due dates', () => {
  const months = (n: number) => ({ period_value: n, period_unit: 'months', moves_off_weekend: false })
  it('ends a month period on the same day number, or the last day of a shorter month', () => {
    expect(addMonths('2026-03-15', 1)).toBe('2026-04-15')
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29')
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28')
    expect(dueDate('2026-12-31', months(3))).toBe('2027-03-31')
  })
  it('does not count the day of receipt in a period of days', () => {
    expect(dueDate('2026-03-02', { period_value: 14, period_unit: 'days', moves_off_weekend: false })).toBe(
      '2026-03-16',
    )
  })
  it('moves a weekend due date to Monday only when the type says so', () => {
    // 2026-03-07 is a Saturday.
    expect(dueDate('2026-02-07', months(1))).toBe('2026-03-07')
    expect(dueDate('2026-02-07', { ...months(1), moves_off_weekend: true })).toBe('2026-03-09')
  })
})
