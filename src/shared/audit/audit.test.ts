import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../tests/helpers/db.js'
import type { Database } from '../db/index.js'
import { recordAudit, type Actor } from './audit.js'
import { writeCheckpoint } from './checkpoints.js'
import { verifyAuditChain } from './verify.js'
import { GENESIS_HASH, rowHash } from './canonical.js'
import { rewriteAuditChain } from '../../../tests/helpers/audit-rewrite.js'

const actor: Actor = { id: 1, name: 'Tester', unit: 'BOK', ip: '127.0.0.1' }
let database: Database
let db: Knex
let paths: { checkpointDir: string; signingKeyFile: string }

/** Tampering needs the append-only trigger out of the way, as a database superuser could do. */
async function asSuperuser(work: (trx: Knex.Transaction) => Promise<unknown>) {
  await db.transaction(async (trx) => {
    await trx.raw('ALTER TABLE audit_log DISABLE TRIGGER USER')
    await work(trx)
    await trx.raw('ALTER TABLE audit_log ENABLE TRIGGER USER')
  })
}

async function freshLog(entries = 5) {
  await asSuperuser(async (trx) => {
    await trx.raw('TRUNCATE audit_log')
    await trx('audit_head').where({ id: 1 }).update({ seq: 0, hash: GENESIS_HASH, db_hash_from: 1 })
  })
  fs.rmSync(paths.checkpointDir, { recursive: true, force: true })
  for (let i = 0; i < entries; i++)
    await recordAudit(db, actor, {
      action: 'test.recorded',
      entityType: 'thing',
      entityId: i,
      details: { n: i, name: 'Łucja' },
    })
}

beforeAll(async () => {
  database = await createTestDatabase()
  db = database.knex
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-audit-'))
  paths = { checkpointDir: path.join(dir, 'cp'), signingKeyFile: path.join(dir, 'keys', 'k.pem') }
})
afterAll(() => database.close())

describe('audit log', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await freshLog(2)
    await expect(db('audit_log').update({ action: 'x' })).rejects.toThrow(/append-only/)
    await expect(db('audit_log').del()).rejects.toThrow(/append-only/)
    await expect(db.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/)
  })

  it('verifies a clean chain, with checkpoints', async () => {
    await freshLog(5)
    await writeCheckpoint(db, paths)
    await recordAudit(db, actor, [{ action: 'test.a' }, { action: 'test.b' }])
    const result = await verifyAuditChain(db, paths)
    expect(result).toMatchObject({ ok: true, rows: 7, checkpoints: 1 })
  })

  it('serialises concurrent writers into one chain', async () => {
    await freshLog(0)
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => recordAudit(db, actor, { action: 'test.parallel', entityId: i })),
    )
    expect((await verifyAuditChain(db, paths)).ok).toBe(true)
    const ids = (await db('audit_log').orderBy('id').pluck('id')).map(Number)
    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
  })

  it('keeps one chain when changes and views take turns at the head', async () => {
    await freshLog(0)
    for (let i = 0; i < 4; i++) {
      await recordAudit(db, actor, { action: 'test.viewed', entityId: i })
      await db.transaction((trx) => recordAudit(trx, actor, { action: 'test.changed', entityId: i }))
      await Promise.all([1, 2, 3].map((n) => recordAudit(db, actor, { action: 'test.viewed', entityId: n })))
    }
    expect(await verifyAuditChain(db, paths)).toMatchObject({ ok: true, rows: 20 })
    const ids = (await db('audit_log').orderBy('id').pluck('id')).map(Number)
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    const head = await db('audit_head').where({ id: 1 }).first('seq', 'hash')
    const last = await db('audit_log').orderBy('id', 'desc').first('id', 'hash', 'details', 'at')
    expect({ seq: Number(head.seq), hash: head.hash }).toEqual({ seq: 20, hash: last.hash })
  })

  it('writes a view in one statement, also after a change moved the head', async () => {
    await freshLog(1)
    await db.transaction((trx) => recordAudit(trx, actor, { action: 'test.changed' }))
    const statements: string[] = []
    const count = (q: { sql: string }) => statements.push(q.sql)
    db.on('query', count)
    await recordAudit(db, actor, { action: 'test.viewed' })
    db.off('query', count)
    expect(statements).toHaveLength(1)
    expect((await verifyAuditChain(db, paths)).ok).toBe(true)
  })

  it('links any insert into the chain: a change and its audit row can be one statement', async () => {
    await freshLog(2)
    // Whatever id and hashes an insert claims, the database gives the row its place in the chain.
    await db.raw(
      `INSERT INTO audit_log (action, entity_id, details, id, prev_hash, hash)
       VALUES ('test.inline', '7', '{"a": 1}', 999, 'forged', 'forged')`,
    )
    const row = await db('audit_log').orderBy('id', 'desc').first('id', 'prev_hash', 'hash', 'at')
    expect(Number(row.id)).toBe(3)
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(row.at).toBeInstanceOf(Date)
    expect(await verifyAuditChain(db, paths)).toMatchObject({ ok: true, rows: 3 })
  })

  it('verifies a chain that BOK hashed up to the upgrade and the database hashed after it', async () => {
    await freshLog(0)
    // Rows 1-3 as BOK wrote them before migration 004, then the database takes over from row 4.
    await asSuperuser(async (trx) => {
      let prev = GENESIS_HASH
      for (let id = 1; id <= 3; id++) {
        const content = {
          id,
          at: new Date(Date.UTC(2026, 0, id)),
          actor_id: 1,
          actor_name: 'Łucja',
          actor_unit: 'BOK',
          action: 'test.old',
          entity_type: null,
          entity_id: String(id),
          details: { n: id },
          ip: null,
          request_id: null,
        }
        const hash = rowHash(prev, content)
        await trx('audit_log').insert({
          ...content,
          details: JSON.stringify(content.details),
          prev_hash: prev,
          hash,
        })
        prev = hash
      }
      await trx('audit_head').where({ id: 1 }).update({ seq: 3, hash: prev, db_hash_from: 4 })
    })
    await recordAudit(db, actor, [{ action: 'test.new' }, { action: 'test.new' }])
    expect(await verifyAuditChain(db, paths)).toMatchObject({ ok: true, rows: 5 })
    await asSuperuser((trx) => trx('audit_log').where({ id: 2 }).update({ entity_id: '9' }))
    expect((await verifyAuditChain(db, paths)).broken).toMatchObject({ id: 2 })
  })

  it('names the row whose content was altered', async () => {
    await freshLog(5)
    await asSuperuser((trx) =>
      trx('audit_log')
        .where({ id: 3 })
        .update({ details: JSON.stringify({ n: 99 }) }),
    )
    expect((await verifyAuditChain(db, paths)).broken).toMatchObject({ id: 3 })
  })

  it('names the gap where a row was deleted', async () => {
    await freshLog(5)
    await asSuperuser((trx) => trx('audit_log').where({ id: 2 }).del())
    expect((await verifyAuditChain(db, paths)).broken).toMatchObject({ id: 2 })
  })

  it('detects a truncated tail even when the head was moved back too, through the checkpoint', async () => {
    await freshLog(5)
    await writeCheckpoint(db, paths)
    await asSuperuser(async (trx) => {
      await trx('audit_log').where('id', '>', 3).del()
      const last = await trx('audit_log').where({ id: 3 }).first('hash')
      await trx('audit_head').where({ id: 1 }).update({ seq: 3, hash: last.hash })
    })
    const result = await verifyAuditChain(db, paths)
    expect(result.ok).toBe(false)
    expect(result.broken!.reason).toMatch(/truncated/)
  })

  it('detects a chain rewritten whole with recomputed hashes, through the checkpoint', async () => {
    await freshLog(4)
    await writeCheckpoint(db, paths)
    await rewriteAuditChain(db, (row) => (row.id === 2 ? { n: 'forged' } : row.details))
    const result = await verifyAuditChain(db, paths)
    expect(result.ok).toBe(false)
    expect(result.broken!.reason).toMatch(/rewritten/)
  })

  it('detects a forged checkpoint', async () => {
    await freshLog(2)
    await writeCheckpoint(db, paths)
    const file = path.join(paths.checkpointDir, 'checkpoints.jsonl')
    const forged = fs.readFileSync(file, 'utf8').replace(/"hash":"[0-9a-f]+"/, `"hash":"${'a'.repeat(64)}"`)
    fs.writeFileSync(file, forged)
    expect((await verifyAuditChain(db, paths)).broken!.reason).toMatch(/signature/)
  })
})

describe('group commit of view entries', () => {
  it('a bad entry fails only its own caller; the others are committed and the chain holds', async () => {
    await freshLog(0)
    const results = await Promise.allSettled([
      recordAudit(db, actor, { action: 'test.viewed', entityId: 1 }),
      recordAudit(db, actor, { action: 'x'.repeat(500) }),
      recordAudit(db, actor, { action: 'test.viewed', entityId: 2 }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((await db('audit_log').where({ action: 'test.viewed' }).pluck('entity_id')).sort()).toEqual([
      '1',
      '2',
    ])
    expect((await verifyAuditChain(db, paths)).ok).toBe(true)
  })
})
