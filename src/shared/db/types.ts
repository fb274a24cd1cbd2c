import pg from 'pg'

/**
 * Both back ends return the same JavaScript types: bigint ids as numbers (ids stay far below 2^53),
 * DATE as 'YYYY-MM-DD' strings (no time-zone shift), NUMERIC as strings, timestamptz as Date.
 */
export const OID = { INT8: 20, DATE: 1082, NUMERIC: 1700 } as const

export const parsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: (v) => Number(v),
  [OID.DATE]: (v) => v,
  [OID.NUMERIC]: (v) => v,
}

let pgTypesSet = false
export function setPgTypeParsers(): void {
  if (pgTypesSet) return
  for (const [oid, parse] of Object.entries(parsers)) pg.types.setTypeParser(Number(oid), parse)
  pgTypesSet = true
}
