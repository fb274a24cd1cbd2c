import crypto from 'node:crypto'

/** JSON with object keys sorted, so the same content always hashes the same, whatever jsonb does to key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export interface AuditRowContent {
  id: number
  at: Date
  actor_id: number | null
  actor_name: string | null
  actor_unit: string | null
  action: string
  entity_type: string | null
  entity_id: string | null
  details: unknown
  ip: string | null
  request_id: string | null
}

/** The columns that make up an audit row's content (everything the hash covers, in table order). */
export const auditContentColumns = [
  'id',
  'at',
  'actor_id',
  'actor_name',
  'actor_unit',
  'action',
  'entity_type',
  'entity_id',
  'details',
  'ip',
  'request_id',
] as const

export const GENESIS_HASH = '0'.repeat(64)

export function rowHash(prevHash: string, row: AuditRowContent): string {
  const content = canonicalJson({ ...row, at: row.at.toISOString() })
  return crypto.createHash('sha256').update(prevHash).update('\n').update(content).digest('hex')
}
