import { describe, expect, it } from 'vitest'
import { keysMeet, nameKey, nameKeyDeletions } from '../name-key.js'
import {
  formatPartialDate,
  parsePartialDate,
  partialDatesAgree,
  peselBirthDate,
  peselProblem,
} from '../identifiers.js'

describe('nameKey (twin of the SQL name_key)', () => {
  it('folds the romanisations of one surname to one key', () => {
    for (const s of ['Szewczenko', 'Ševčenko', 'Schewtschenko', 'SHEVCHENKO', 'Shevchenko'])
      expect(nameKey(s)).toBe('shevchenko')
  })
  it('folds x, kh, double letters, Turkish letters and the Arabic article', () => {
    expect(nameKey('Olexandr')).toBe(nameKey('Oleksandr'))
    expect(nameKey('Mohammed')).toBe('muhamad')
    expect(nameKey('Muhammad')).toBe('muhamad')
    expect(nameKey('Mohamed')).toBe('muhamad')
    expect(nameKey('al-Hassan')).toBe('hasan')
    expect(nameKey('El Hassan')).toBe('hasan')
    expect(nameKey('Şükrü Yılmaz')).toBe('shukru yilmaz')
    expect(nameKey('Khalil')).toBe('halil')
    expect(nameKey('Nguyễn Văn Anh')).toBe('nguyen van anh')
    expect(nameKey('Łukasz Wójcik')).toBe('lukash voycik')
  })
  it('leaves one-letter variants for the deletion index to meet', () => {
    expect(nameKey('Aleksandr')).not.toBe(nameKey('Oleksandr'))
    expect(keysMeet(nameKey('Aleksandr'), nameKey('Oleksandr'))).toBe(true)
    expect(keysMeet(nameKey('Chevtchenko'), nameKey('Szewczenko'))).toBe(true)
    expect(keysMeet(nameKey('Shevcenko'), nameKey('Shevchenko'))).toBe(true)
    expect(keysMeet(nameKey('Kowalski'), nameKey('Shevchenko'))).toBe(false)
  })
  it('makes deletions only for words of four or more letters', () => {
    expect(nameKeyDeletions('li taras')).toEqual(['li', 'taras', 'aras', 'tras', 'taas', 'tars', 'tara'])
  })
})

describe('PESEL', () => {
  it('accepts the worked examples and decodes the date', () => {
    expect(peselProblem('44051401359')).toBeNull()
    expect(peselBirthDate('44051401359')).toBe('1944-05-14')
    expect(peselProblem('02271409867')).toBeNull()
    expect(peselBirthDate('02271409867')).toBe('2002-07-14')
  })
  it('names what is wrong', () => {
    expect(peselProblem('4405140135')).toBe('format')
    expect(peselProblem('44051401358')).toBe('checksum')
    // 30 February 1944 with a correct check digit
    expect(peselProblem('44023001356')).toBe('date')
  })
})

describe('partial dates of birth', () => {
  it('reads a full date, month and year, or the year only', () => {
    expect(parsePartialDate('14.05.1984')).toEqual({ year: 1984, month: 5, day: 14 })
    expect(parsePartialDate('1984-05-14')).toEqual({ year: 1984, month: 5, day: 14 })
    expect(parsePartialDate('05.1984')).toEqual({ year: 1984, month: 5, day: null })
    expect(parsePartialDate('1984')).toEqual({ year: 1984, month: null, day: null })
    expect(parsePartialDate('31.02.1984')).toBeNull()
    expect(parsePartialDate('13.1984')).toBeNull()
    expect(parsePartialDate('abc')).toBeNull()
  })
  it('formats and compares them', () => {
    expect(formatPartialDate({ birth_year: 1984, birth_month: 5, birth_day: null })).toBe('05.1984')
    expect(partialDatesAgree({ year: 1984, month: null, day: null }, { year: 1984, month: 5, day: 14 })).toBe(
      true,
    )
    expect(partialDatesAgree({ year: 1984, month: 6, day: null }, { year: 1984, month: 5, day: 14 })).toBe(
      false,
    )
  })
})
