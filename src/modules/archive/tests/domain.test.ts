import { describe, expect, it } from 'vitest'
import { compareShelf, folderBarcode, parseBarcodes, retentionOf, transferStatus } from '../domain.js'
import { csvDelimiter, parseJrwaCsv } from '../jrwa.js'

describe('retention rule', () => {
  it('worked example from DOMAIN.md: B5 closed on 20.03.2024 is eligible from 01.01.2030', () => {
    expect(retentionOf('B5', 2024)).toEqual({
      kind: 'disposable',
      eligibleFrom: '2030-01-01',
      needsExpertReview: false,
    })
  })

  it('counts B{n} from 1 January of the year after closing, for any n', () => {
    expect(retentionOf('B10', 2020)).toMatchObject({ eligibleFrom: '2031-01-01' })
    expect(retentionOf('B50', 2000)).toMatchObject({ eligibleFrom: '2051-01-01' })
    expect(retentionOf('B2', 2025)).toMatchObject({ eligibleFrom: '2028-01-01' })
  })

  it('keeps A forever and sends it to the State Archive after 25 years from creation', () => {
    expect(retentionOf('A', 2024, 2020)).toEqual({ kind: 'permanent', stateArchiveFrom: '2046-01-01' })
  })

  it('needs an expert review for BE{n}, with the same counting', () => {
    expect(retentionOf('BE10', 2024)).toEqual({
      kind: 'disposable',
      eligibleFrom: '2035-01-01',
      needsExpertReview: true,
    })
  })

  it('lets Bc go from 1 January after closing', () => {
    expect(retentionOf('Bc', 2024)).toEqual({
      kind: 'disposable',
      eligibleFrom: '2025-01-01',
      needsExpertReview: false,
    })
  })

  it('refuses an unknown category', () => {
    expect(() => retentionOf('C5', 2024)).toThrow()
    expect(() => retentionOf('B', 2024)).toThrow()
  })
})

describe('transfer deadline', () => {
  const on = (iso: string) => new Date(`${iso}T12:00:00Z`)
  it('is due after 2 full calendar years and overdue a year later', () => {
    expect(transferStatus(2023, on('2025-12-31'))).toBe('notYet')
    expect(transferStatus(2023, on('2026-01-01'))).toBe('due')
    expect(transferStatus(2023, on('2027-02-01'))).toBe('overdue')
    expect(transferStatus(null, on('2030-01-01'))).toBe('open')
    // 00:30 on 1 January in Warsaw is still the old year in UTC: the office's year counts.
    expect(transferStatus(2023, new Date('2025-12-31T23:30:00Z'))).toBe('due')
  })
})

describe('shelf stocktake comparison', () => {
  const range = { room: '1', rack: 'A', shelfFrom: 1, shelfTo: 2 }
  const f = (id: number, shelf: number, extra = {}) => ({
    id,
    barcode: folderBarcode(id),
    room: '1',
    rack: 'A',
    shelf,
    ...extra,
  })
  it('reports missing, misplaced and unexpected, and does not call a lent folder missing', () => {
    const expected = [f(1, 1), f(2, 1), f(3, 2, { onLoan: true })]
    const elsewhere = { ...f(9, 5) }
    const scanned = parseBarcodes(`${folderBarcode(1)}\n${folderBarcode(9)}\n az999 \n${folderBarcode(1)}`)
    const result = compareShelf(range, expected, scanned, [expected[0]!, elsewhere])
    expect(result.found).toEqual([folderBarcode(1)])
    expect(result.missing).toEqual([folderBarcode(2)])
    expect(result.onLoan).toEqual([folderBarcode(3)])
    expect(result.misplaced).toEqual([{ barcode: folderBarcode(9), room: '1', rack: 'A', shelf: 5 }])
    expect(result.unexpected).toEqual(['AZ999'])
  })
})

describe('JRWA CSV', () => {
  it('reads Polish titles and keeps leading zeros', () => {
    const r = parseJrwaCsv(
      'symbol;tytuł;kategoria\n0;Zarządzanie;\n00;Organy kolegialne;\n000;Posiedzenia;A\n',
      [],
    )
    expect(r).toEqual({
      ok: true,
      rows: [
        { symbol: '0', title: 'Zarządzanie', category: null },
        { symbol: '00', title: 'Organy kolegialne', category: null },
        { symbol: '000', title: 'Posiedzenia', category: 'A' },
      ],
    })
  })

  it('reports every bad row with its line number', () => {
    const r = parseJrwaCsv(
      '1;Kadry;\n12345;Za długi;A\n1;Duplikat;A\n10;Bez kategorii;\n11;Zła kategoria;C3\n22;Bez rodzica;B5\n13\n',
      [],
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map((e) => [e.line, e.key.split('.').pop()])).toEqual([
      [2, 'symbol'],
      [3, 'duplicate'],
      [4, 'leafCategory'],
      [5, 'category'],
      [6, 'parentMissing'],
      [7, 'columns'],
    ])
  })
})

describe('CSV separator', () => {
  it('takes `;` (Excel, Polish locale) before `,`, ignoring separators inside quotes', () => {
    expect(csvDelimiter('symbol;hasło;kategoria\n0;A, B;')).toBe(';')
    expect(csvDelimiter('\uFEFF\r\n0;"Zarządzanie, organizacja";\r\n')).toBe(';')
    expect(csvDelimiter('symbol,hasło,kategoria')).toBe(',')
    expect(csvDelimiter('0,"Przepisy; regulaminy",A')).toBe(',')
    expect(csvDelimiter('<html></html>')).toBeNull()
  })

  it('parses a comma-separated plan like a semicolon one', () => {
    const parsed = parseJrwaCsv('0,Zarządzanie,\n01,"Organizacja, struktura",A', [])
    expect(parsed).toEqual({
      ok: true,
      rows: [
        { symbol: '0', title: 'Zarządzanie', category: null },
        { symbol: '01', title: 'Organizacja, struktura', category: 'A' },
      ],
    })
  })
})
