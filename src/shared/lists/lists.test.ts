import { describe, expect, it } from 'vitest'
import { parseListQuery, toCsv } from './index.js'

describe('lists', () => {
  const sorts = { date: { column: 't.received_at' }, id: { column: 't.id' } }
  it('refuses a sort column outside the allowlist', () => {
    expect(() => parseListQuery({ sort: 'password_hash' }, sorts, { sort: 'date', dir: 'desc' })).toThrow()
    expect(() =>
      parseListQuery({ sort: 'date; drop table users' }, sorts, { sort: 'date', dir: 'desc' }),
    ).toThrow()
    expect(parseListQuery({ sort: 'id', dir: 'asc' }, sorts, { sort: 'date', dir: 'desc' })).toMatchObject({
      sort: 'id',
      dir: 'asc',
    })
  })
  it('writes CSV that Excel opens with Polish letters and no formulas', () => {
    const csv = toCsv(
      ['Nadawca', 'Temat'],
      [
        ['Łukasz Żółw', '=HYPERLINK("x")'],
        ['a;b', 'line\nbreak'],
      ],
    )
    expect(csv.startsWith('\uFEFFNadawca;Temat\r\n')).toBe(true)
    expect(csv).toContain(`Łukasz Żółw;"'=HYPERLINK(""x"")"`)
    expect(csv).toContain('"a;b";"line\nbreak"')
  })
})
