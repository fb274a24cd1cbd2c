import type { Knex } from 'knex'
import { GENESIS_HASH } from '../../src/shared/audit/canonical.js'

/**
 * What someone with database access could do: rewrite the whole audit chain consistently, each row's
 * hash recomputed the way the database computes it (`audit_row_hash`), optionally with forged details.
 * Runs with the append-only triggers off, as a superuser could.
 */
export async function rewriteAuditChain(
  db: Knex,
  forge: (row: { id: number; details: unknown }) => unknown = (row) => row.details,
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('ALTER TABLE audit_log DISABLE TRIGGER USER')
    const rows = (await trx('audit_log').orderBy('id').select('id', 'details')) as Array<{
      id: string
      details: unknown
    }>
    let prev = GENESIS_HASH
    for (const r of rows) {
      const id = Number(r.id)
      await trx('audit_log')
        .where({ id })
        .update({ details: JSON.stringify(forge({ id, details: r.details })) })
      const { rows: updated } = await trx.raw<{ rows: Array<{ hash: string }> }>(
        `UPDATE audit_log SET prev_hash = ?, hash = audit_row_hash(?, audit_log) WHERE id = ? RETURNING hash`,
        [prev, prev, id],
      )
      prev = updated[0]!.hash
    }
    await trx('audit_head').where({ id: 1 }).update({ hash: prev })
    await trx.raw('ALTER TABLE audit_log ENABLE TRIGGER USER')
  })
}
