import type { Knex } from 'knex'
import type { Db } from '../db/index.js'
import type { auditContentColumns } from './canonical.js'

/** Who did it: the signed-in user (or the system), with where the request came from. */
export interface Actor {
  id: number | null
  name: string
  unit: string | null
  ip?: string | null
  requestId?: string | null
}

export const systemActor: Actor = { id: null, name: 'system', unit: null }

export interface AuditEntry {
  /** `module.pastTense`, e.g. `deposits.returned`, `registry.viewed`. */
  action: string
  entityType?: string
  entityId?: string | number
  /** For changes: `{ before, after }` of changed fields; for searches: `{ criteria }`. */
  details?: Record<string, unknown>
}

/** Fields that differ between two versions of a record, as the audit log wants them. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      b[key] = before[key] ?? null
      a[key] = after[key] ?? null
    }
  }
  return { before: b, after: a }
}

/**
 * Appends entries to the hash-chained audit log. The database links each row into the chain (a trigger,
 * migration 004) under the chain head's lock, held until the transaction ends: writers serialise and
 * each row links to the one committed before it. Called inside the transaction of the change it
 * records, so the change and its audit rows commit or fail together.
 *
 * Called outside a transaction (views, searches, exports: nothing else to commit with), the entry
 * joins the next group commit: entries from concurrent requests are written by one statement (one
 * fsync), and each caller resolves only once its row is committed.
 */
export async function recordAudit(db: Db, actor: Actor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries]
  if (list.length === 0) return
  if ((db as Knex.Transaction).isTransaction) {
    await insertAuditRows(db, auditRows(actor, list))
    return
  }
  return groupCommitter(db as Knex).add(auditRows(actor, list))
}

/** An audit row as BOK gives it; the database adds the time, the id and the chain's hashes. */
export type AuditRow = Record<
  Exclude<(typeof auditContentColumns)[number], 'id' | 'at'>,
  Knex.Value | Knex.Raw
>

/** Audit rows for `entries` by `actor`, as audit_log takes them. */
export function auditRows(actor: Actor, entries: AuditEntry[]): AuditRow[] {
  return entries.map((entry) => ({
    actor_id: actor.id,
    actor_name: actor.name,
    actor_unit: actor.unit,
    action: entry.action,
    entity_type: entry.entityType ?? null,
    entity_id: entry.entityId === undefined ? null : String(entry.entityId),
    details: JSON.stringify(entry.details ?? {}),
    ip: actor.ip ?? null,
    request_id: actor.requestId ?? null,
  }))
}

/**
 * The insert of audit rows as a step of a larger statement (e.g. `then` of `insertNumbered`), so a
 * change and its audit rows are saved by one statement; a row's values may be SQL that reads the
 * change (the id or number it was given).
 */
export function auditInsert(db: Db, rows: AuditRow[]): Knex.QueryBuilder {
  return db('audit_log').insert(rows)
}

async function insertAuditRows(db: Db, rows: AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await auditInsert(db, rows.slice(i, i + 500))
}

/** One writer per database handle; while it writes a batch, new entries wait for the next one. */
class GroupCommitter {
  private queue: Array<{ rows: AuditRow[]; resolve: () => void; reject: (err: unknown) => void }> = []
  private writing = false

  constructor(private knex: Knex) {}

  add(rows: AuditRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    while (this.queue.length) {
      const batch = this.queue.splice(0, 200)
      const rows = batch.flatMap((b) => b.rows)
      try {
        // Up to 500 rows are one auto-committed statement; more need a transaction to stay whole.
        if (rows.length <= 500) await auditInsert(this.knex, rows)
        else await this.knex.transaction((trx) => insertAuditRows(trx, rows))
        for (const b of batch) b.resolve()
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err)
        // One bad entry must not fail its neighbours: write each caller's entries on their own.
        else
          for (const b of batch)
            await this.knex.transaction((trx) => insertAuditRows(trx, b.rows)).then(b.resolve, b.reject)
      }
    }
    this.writing = false
  }
}

const committers = new WeakMap<Knex, GroupCommitter>()
function groupCommitter(knex: Knex): GroupCommitter {
  let c = committers.get(knex)
  if (!c) committers.set(knex, (c = new GroupCommitter(knex)))
  return c
}
