import type { Knex } from 'knex'
import type { Db } from '../db/index.js'
import { rowHash } from './canonical.js'

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
 * Appends entries to the hash-chained audit log. The chain head row is locked for the rest of the
 * transaction, so writers serialise and each row links to the one committed before it. Called inside
 * the transaction of the change it records, so the change and its audit row commit or fail together.
 *
 * Called outside a transaction (views, searches, exports: nothing else to commit with), the entry
 * joins the next group commit: entries from concurrent requests are written together (one fsync), and
 * each caller resolves only once its row is committed. While no other writer has moved the head, the
 * batch is one statement; otherwise it is written under the head's lock.
 */
export async function recordAudit(db: Db, actor: Actor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries]
  if (list.length === 0) return
  if ((db as Knex.Transaction).isTransaction) {
    await appendToChain(
      db,
      list.map((entry) => ({ actor, entry })),
    )
    return
  }
  return groupCommitter(db as Knex).add(list.map((entry) => ({ actor, entry })))
}

interface Pending {
  actor: Actor
  entry: AuditEntry
}

interface ChainHead {
  seq: number
  hash: string
}

type ChainRow = Record<string, Knex.Value> & { id: number; hash: string }

/** The rows that extend the chain from `head` by `items`, and the head they leave. */
function chainRows(head: ChainHead, items: Pending[]) {
  let seq = head.seq
  let prev = head.hash
  const rows = []
  for (const { actor, entry } of items) {
    seq += 1
    const content = {
      id: seq,
      at: new Date(),
      actor_id: actor.id,
      actor_name: actor.name,
      actor_unit: actor.unit,
      action: entry.action,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId === undefined ? null : String(entry.entityId),
      details: JSON.parse(JSON.stringify(entry.details ?? {})) as unknown,
      ip: actor.ip ?? null,
      request_id: actor.requestId ?? null,
    }
    const hash = rowHash(prev, content)
    rows.push({ ...content, details: JSON.stringify(content.details), prev_hash: prev, hash } as ChainRow)
    prev = hash
  }
  return { rows, head: { seq, hash: prev } }
}

/** Under the head's lock: the rows, 500 to a statement, each statement moving the head along. */
async function appendToChain(trx: Db, items: Pending[]): Promise<ChainHead> {
  const locked = await trx('audit_head').where({ id: 1 }).forUpdate().first('seq', 'hash')
  const { rows, head } = chainRows({ seq: Number(locked.seq), hash: locked.hash as string }, items)
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500)
    const last = chunk[chunk.length - 1]!
    await insertMovingHead(trx, chunk, { seq: last.id, hash: last.hash }, null)
  }
  return head
}

const columns = [
  ['id', 'bigint'],
  ['at', 'timestamptz'],
  ['actor_id', 'bigint'],
  ['actor_name', 'varchar'],
  ['actor_unit', 'varchar'],
  ['action', 'varchar'],
  ['entity_type', 'varchar'],
  ['entity_id', 'varchar'],
  ['details', 'jsonb'],
  ['ip', 'varchar'],
  ['request_id', 'varchar'],
  ['prev_hash', 'varchar'],
  ['hash', 'varchar'],
] as const
const valuesRow = `(${columns.map(([, type]) => `?::${type}`).join(', ')})`
const columnList = columns.map(([name]) => name).join(', ')

/**
 * The rows and the head's move to `head` in one statement. With `expected`, only where the head still
 * holds it (a concurrent writer's move is seen after its commit, so the condition fails and nothing is
 * written); returns whether the rows were written.
 */
async function insertMovingHead(
  db: Db,
  rows: ChainRow[],
  head: ChainHead,
  expected: ChainHead | null,
): Promise<boolean> {
  const values = rows.flatMap((row) => columns.map(([name]) => row[name] as Knex.Value))
  const result = await db.raw<{ rows: unknown[] }>(
    `WITH moved AS (
       UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 ${expected ? 'AND seq = ? AND hash = ?' : ''}
       RETURNING 1
     )
     INSERT INTO audit_log (${columnList})
     SELECT * FROM (VALUES ${rows.map(() => valuesRow).join(', ')}) AS v (${columnList})
     WHERE EXISTS (SELECT 1 FROM moved)
     RETURNING id`,
    [head.seq, head.hash, ...(expected ? [expected.seq, expected.hash] : []), ...values],
  )
  if (!expected && result.rows.length !== rows.length) throw new Error('audit chain head not found')
  return result.rows.length === rows.length
}

/**
 * Appends in one auto-committed statement, if the chain head is still the one this process last wrote.
 * Returns null when the head had moved.
 */
async function appendIfHeadUnchanged(knex: Knex, expected: ChainHead, items: Pending[]) {
  const { rows, head } = chainRows(expected, items)
  return (await insertMovingHead(knex, rows, head, expected)) ? head : null
}

/** One writer per database handle; while it writes a batch, new entries wait for the next one. */
class GroupCommitter {
  private queue: Array<{ items: Pending[]; resolve: () => void; reject: (err: unknown) => void }> = []
  private writing = false
  /** The chain head this process wrote last; while nobody else writes, the next batch needs no lock. */
  private head: ChainHead | null = null

  constructor(private knex: Knex) {}

  add(items: Pending[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    while (this.queue.length) {
      const batch = this.queue.splice(0, 200)
      const items = batch.flatMap((b) => b.items)
      try {
        this.head =
          (this.head && items.length <= 500 && (await appendIfHeadUnchanged(this.knex, this.head, items))) ||
          (await this.knex.transaction((trx) => appendToChain(trx, items)))
        for (const b of batch) b.resolve()
      } catch (err) {
        this.head = null
        if (batch.length === 1) batch[0]!.reject(err)
        // One bad entry must not fail its neighbours: write each caller's entries on their own.
        else
          for (const b of batch)
            await this.knex.transaction((trx) => appendToChain(trx, b.items)).then(b.resolve, b.reject)
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
