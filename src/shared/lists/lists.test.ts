import { describe, expect, it } from 'vitest'
import knexFactory from 'knex'
import { applyKeyset, encodeCursor, parseListQuery, toCsv } from './index.js'

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
  it('orders exactly as a (column DESC, id DESC) index does, so the index serves the page', () => {
    const knex = knexFactory({ client: 'pg' })
    const list = parseListQuery({ after: encodeCursor(['2026-11-24T10:00:00Z', 42]) }, sorts, {
      sort: 'date',
      dir: 'desc',
    })
    const sql = applyKeyset(knex('incoming as t').select('t.id'), list, sorts, 't.id').toSQL().sql
    expect(sql).toContain('order by "t"."received_at" desc, "t"."id" desc limit ?')
    expect(sql).toContain('("t"."received_at", "t"."id") < (?, ?)')
    expect(sql).not.toMatch(/nulls/i)
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
