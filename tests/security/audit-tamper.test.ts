import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { recordAudit, type Actor } from '../../src/shared/audit/audit.js'
import { writeCheckpoint } from '../../src/shared/audit/checkpoints.js'
import { verifyAuditChain } from '../../src/shared/audit/verify.js'
import { rewriteAuditChain } from '../helpers/audit-rewrite.js'
import { createCliEnv, type CliEnv } from './cli-env.js'

/**
 * ASVS 16.4.2 / 16.4.3 beyond src/shared/audit/audit.test.ts (which covers UPDATE/DELETE/TRUNCATE refused,
 * one altered/deleted row, a truncated tail and a whole rewrite in-process): every column of a row is
 * covered by its hash, and `npm run audit:verify` — what an operator runs — exits non-zero naming the row.
 */
const actor: Actor = { id: 7, name: 'Audytor Testowy', unit: 'BOK', ip: '10.0.0.7', requestId: 'req-1' }

let cli: CliEnv
const paths = () => ({ checkpointDir: cli.config.checkpointDir, signingKeyFile: cli.config.signingKeyFile })

async function tamper(db: Knex, work: (trx: Knex.Transaction) => Promise<unknown>) {
  await db.transaction(async (trx) => {
    await trx.raw('ALTER TABLE audit_log DISABLE TRIGGER USER')
    await work(trx)
    await trx.raw('ALTER TABLE audit_log ENABLE TRIGGER USER')
  })
}

beforeAll(async () => {
  cli = await createCliEnv()
  await cli.withDb(async (db) => {
    for (let i = 1; i <= 6; i++)
      await recordAudit(db, actor, {
        action: 'registry.viewed',
        entityType: 'item',
        entityId: i,
        details: { criteria: { surname: 'Nowak' } },
      })
    await writeCheckpoint(db, paths())
  })
})
afterAll(() => cli.close())

describe('audit chain tampering', () => {
  it('an edit of any single column of a row is detected at that row', async () => {
    const edits: Record<string, unknown> = {
      at: new Date('2020-01-01T00:00:00Z'),
      actor_id: 8,
      actor_name: 'Ktoś Inny',
      actor_unit: 'WOK',
      action: 'registry.nothing',
      entity_type: 'other',
      entity_id: '99',
      details: JSON.stringify({ criteria: { surname: 'Kowalski' } }),
      ip: '10.0.0.8',
      request_id: 'req-2',
      prev_hash: 'f'.repeat(64),
      hash: 'e'.repeat(64),
    }
    await cli.withDb(async (db) => {
      for (const [column, value] of Object.entries(edits)) {
        // As text, so that the restore is exact (a JS Date would drop the microseconds of `at`).
        const original = await db('audit_log')
          .where({ id: 4 })
          .first(db.raw(`??::text AS value`, [column]))
        await tamper(db, (trx) =>
          trx('audit_log')
            .where({ id: 4 })
            .update({ [column]: value }),
        )
        const result = await verifyAuditChain(db, paths())
        await tamper(db, (trx) =>
          trx('audit_log')
            .where({ id: 4 })
            .update({ [column]: original.value }),
        )
        expect(result.ok, column).toBe(false)
        expect(result.broken!.id, column).toBe(4)
      }
      expect((await verifyAuditChain(db, paths())).ok).toBe(true)
    })
  })

  it(
    'npm run audit:verify: exit 0 when intact, 1 naming the row when a row was altered',
    { timeout: 240_000 },
    async () => {
      const ok = cli.run('src/cli/audit-verify.ts')
      expect(ok.stdout).toMatch(/Audit log intact: 6 rows, 1 signed checkpoints agree/)
      expect(ok.status).toBe(0)

      await cli.withDb((db) =>
        tamper(db, (trx) =>
          trx('audit_log')
            .where({ id: 2 })
            .update({ details: JSON.stringify({ criteria: {} }) }),
        ),
      )
      const broken = cli.run('src/cli/audit-verify.ts')
      expect(broken.stdout).toMatch(/Audit log BROKEN at row 2: content does not match its hash/)
      expect(broken.status).toBe(1)
    },
  )

  it(
    'npm run audit:verify exits 1 when the chain was rewritten whole with recomputed hashes',
    { timeout: 240_000 },
    async () => {
      await cli.withDb((db) => rewriteAuditChain(db))
      const rewritten = cli.run('src/cli/audit-verify.ts')
      expect(rewritten.stdout).toMatch(/BROKEN at row 6: .*chain rewritten/)
      expect(rewritten.status).toBe(1)
    },
  )
})
