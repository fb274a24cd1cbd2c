import type { Db } from '../db/index.js'
import { GENESIS_HASH, auditContentColumns, rowHash, type AuditRowContent } from './canonical.js'
import { checkpointSignatureValid, readCheckpoints, type CheckpointPaths } from './checkpoints.js'

export interface VerifyResult {
  ok: boolean
  rows: number
  checkpoints: number
  /** The first broken link: the row id where the chain stops holding, and why. */
  broken?: { id: number; reason: string }
}

const batchSize = 5000

/** A row written before migration 004, as BOK hashed it (canonical JSON of its content). */
function bokHashed(id: number, row: AuditRowContent): AuditRowContent {
  return {
    id,
    at: row.at,
    actor_id: row.actor_id === null ? null : Number(row.actor_id),
    actor_name: row.actor_name,
    actor_unit: row.actor_unit,
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details,
    ip: row.ip,
    request_id: row.request_id,
  }
}

/**
 * Walks the whole chain: ids consecutive from 1, each row's prev_hash is the hash of the row before,
 * each hash matches the row's content (recomputed by the database from `db_hash_from` on, by BOK
 * before); then the head and the signed checkpoints must agree with it.
 */
export async function verifyAuditChain(db: Db, paths: CheckpointPaths): Promise<VerifyResult> {
  let expectedId = 1
  let prev = GENESIS_HASH
  const hashAt = new Map<number, string>()
  const checkpoints = readCheckpoints(paths)
  const wanted = new Set(checkpoints.map((c) => c.seq))
  const fail = (id: number, reason: string): VerifyResult => ({
    ok: false,
    rows: expectedId - 1,
    checkpoints: checkpoints.length,
    broken: { id, reason },
  })

  const dbHashFrom = Number((await db('audit_head').where({ id: 1 }).first('db_hash_from')).db_hash_from)
  for (;;) {
    const rows = (await db('audit_log as l')
      .where('id', '>=', expectedId)
      .orderBy('id')
      .limit(batchSize)
      .select(
        ...auditContentColumns,
        'prev_hash',
        'hash',
        db.raw('CASE WHEN id >= ? THEN audit_row_hash(l.prev_hash, l) END AS db_hash', [dbHashFrom]),
      )) as Array<AuditRowContent & { prev_hash: string; hash: string; db_hash: string | null }>
    if (rows.length === 0) break
    for (const row of rows) {
      const id = Number(row.id)
      if (id !== expectedId) return fail(expectedId, `row ${expectedId} is missing (next row is ${id})`)
      if (row.prev_hash !== prev) return fail(id, 'prev_hash does not match the previous row')
      if (id >= dbHashFrom) {
        if (row.db_hash !== row.hash) return fail(id, 'content does not match its hash (row altered)')
      } else if (rowHash(prev, bokHashed(id, row)) !== row.hash)
        return fail(id, 'content does not match its hash (row altered)')
      prev = row.hash
      if (wanted.has(id)) hashAt.set(id, row.hash)
      expectedId += 1
    }
  }
  const last = expectedId - 1

  const head = await db('audit_head').where({ id: 1 }).first('seq', 'hash')
  if (Number(head.seq) !== last)
    return fail(last + 1, `the chain ends at row ${last} but its head says ${head.seq}`)
  if (head.hash !== prev) return fail(last, 'the chain head hash does not match the last row')

  for (const c of checkpoints) {
    if (!checkpointSignatureValid(paths, c))
      return fail(c.seq, `checkpoint for row ${c.seq} has a bad signature`)
    if (c.seq > last)
      return fail(last + 1, `signed checkpoint covers row ${c.seq} but the log ends at ${last} (truncated)`)
    if (hashAt.get(c.seq) !== c.hash)
      return fail(c.seq, `row ${c.seq} differs from its signed checkpoint (chain rewritten)`)
  }
  return { ok: true, rows: last, checkpoints: checkpoints.length }
}
