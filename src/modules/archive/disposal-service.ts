import type { Knex } from 'knex'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import { nextNumber } from '../../shared/db/counters.js'
import type { Db } from '../../shared/db/index.js'
import { HttpError } from '../../shared/http/errors.js'
import { compareShelf, parseBarcodes, type ShelfFolder } from './domain.js'
import type { StocktakeInput } from './schemas.js'
import type { Result } from './transfers-service.js'

// --- Disposal (brakowanie) -----------------------------------------------------------------------

/**
 * Folders that may go on a disposal list on `asOf`: held, retention ended (disposable_from, set by
 * retentionOf, is never set for category A), a BE folder only with the expert's 'destroy' decision,
 * and none that is on loan, under an active hold, attached to an open archive query or already on a
 * disposal list.
 */
export function eligibleForDisposal(db: Db, asOf: string) {
  return db('archive_folders as f')
    .where('f.status', 'held')
    .whereNot('f.category', 'A')
    .where('f.disposable_from', '<=', asOf)
    .where((w) => w.whereNot('f.category', 'like', 'BE%').orWhere('f.expert_decision', 'destroy'))
    .whereNotExists(
      db('archive_loans as l').select(db.raw('1')).whereRaw('l.folder_id = f.id').whereNull('l.returned_on'),
    )
    .whereNotExists(
      db('archive_holds as h').select(db.raw('1')).whereRaw('h.folder_id = f.id').whereNull('h.lifted_at'),
    )
    .whereNotExists(
      db('archive_query_folders as qf')
        .join('archive_queries as q', 'q.id', 'qf.query_id')
        .select(db.raw('1'))
        .whereRaw('qf.folder_id = f.id')
        .where('q.status', 'open'),
    )
    .whereNotExists(db('archive_disposal_items as di').select(db.raw('1')).whereRaw('di.folder_id = f.id'))
}

export async function buildDisposalList(db: Knex, actor: Actor, asOf: string): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const ids = (await eligibleForDisposal(trx, asOf).orderBy('f.id').select('f.id')).map(
      (r: { id: number }) => Number(r.id),
    )
    if (ids.length === 0) return { ok: false, field: 'form', key: 'archive.disposal.nothingEligible' }
    const year = Number(asOf.slice(0, 4))
    const number = await nextNumber(trx, 'archive.disposal', year)
    const [row] = await trx('archive_disposal_lists')
      .insert({ year, number, created_by: actor.id })
      .returning('id')
    const listId = Number(row.id)
    for (let i = 0; i < ids.length; i += 1000)
      await trx('archive_disposal_items').insert(
        ids.slice(i, i + 1000).map((folder_id) => ({ disposal_list_id: listId, folder_id })),
      )
    await recordAudit(trx, actor, {
      action: 'archive.disposalListBuilt',
      entityType: 'archive_disposal_list',
      entityId: listId,
      details: { year, number, asOf, folders: ids.length },
    })
    return { ok: true, value: listId }
  })
}

export async function recordConsent(
  db: Knex,
  actor: Actor,
  listId: number,
  input: { consentReference: string; consentOn: string },
): Promise<void> {
  await db.transaction(async (trx) => {
    const list = await trx('archive_disposal_lists').where({ id: listId }).forUpdate().first('status')
    if (!list) throw new HttpError(404)
    if (list.status !== 'draft') throw new HttpError(409)
    const after = {
      status: 'consented',
      consent_reference: input.consentReference,
      consent_on: input.consentOn,
    }
    await trx('archive_disposal_lists').where({ id: listId }).update(after)
    await recordAudit(trx, actor, {
      action: 'archive.disposalConsentRecorded',
      entityType: 'archive_disposal_list',
      entityId: listId,
      details: { before: { status: 'draft' }, after },
    })
  })
}

/**
 * Only after the State Archive's consent: the folders are marked destroyed (date, protocol). Rows
 * stay. A folder lent or put under a hold since the list was built stops the whole step.
 */
export async function markDestroyed(
  db: Knex,
  actor: Actor,
  listId: number,
  input: { protocolReference: string; destroyedOn: string },
): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const list = await trx('archive_disposal_lists').where({ id: listId }).forUpdate().first('status')
    if (!list) throw new HttpError(404)
    if (list.status !== 'consented')
      return { ok: false, field: 'protocolReference', key: 'archive.disposal.noConsent' }
    const items = trx('archive_disposal_items').where({ disposal_list_id: listId }).select('folder_id')
    const blocked = await trx('archive_folders as f')
      .whereIn('f.id', items)
      .where((w) =>
        w
          .whereExists(
            trx('archive_loans as l')
              .select(trx.raw('1'))
              .whereRaw('l.folder_id = f.id')
              .whereNull('l.returned_on'),
          )
          .orWhereExists(
            trx('archive_holds as h')
              .select(trx.raw('1'))
              .whereRaw('h.folder_id = f.id')
              .whereNull('h.lifted_at'),
          ),
      )
      .count<{ c: number }>({ c: '*' })
      .first()
    if (Number(blocked?.c ?? 0) > 0)
      return { ok: false, field: 'protocolReference', key: 'archive.disposal.blocked' }
    const ids = (await trx('archive_folders').whereIn('id', items).where('status', 'held').select('id')).map(
      (r: { id: number }) => Number(r.id),
    )
    await trx('archive_folders').whereIn('id', ids).update({
      status: 'destroyed',
      destroyed_on: input.destroyedOn,
      disposal_protocol: input.protocolReference,
    })
    await trx('archive_disposal_lists').where({ id: listId }).update({
      status: 'completed',
      protocol_reference: input.protocolReference,
      destroyed_on: input.destroyedOn,
    })
    await recordAudit(trx, actor, [
      {
        action: 'archive.disposalCompleted',
        entityType: 'archive_disposal_list',
        entityId: listId,
        details: { folders: ids.length, ...input },
      },
      ...ids.map((id) => ({
        action: 'archive.folderDestroyed',
        entityType: 'archive_folder',
        entityId: id,
        details: {
          before: { status: 'held' },
          after: { status: 'destroyed', destroyed_on: input.destroyedOn },
        },
      })),
    ])
    return { ok: true, value: ids.length }
  })
}

// --- Shelf stocktake (skontrum) ------------------------------------------------------------------

export async function runStocktake(db: Knex, actor: Actor, input: StocktakeInput): Promise<number> {
  const scanned = parseBarcodes(input.barcodes)
  const range = { room: input.room, rack: input.rack, shelfFrom: input.shelfFrom, shelfTo: input.shelfTo }
  return db.transaction(async (trx) => {
    const onLoan = trx.raw(
      'EXISTS (SELECT 1 FROM archive_loans l WHERE l.folder_id = archive_folders.id AND l.returned_on IS NULL) AS on_loan',
    )
    const cols = ['id', 'barcode', 'room', 'rack', 'shelf', onLoan] as const
    const toShelf = (r: {
      id: number
      barcode: string
      room: string
      rack: string
      shelf: number
      on_loan: boolean
    }): ShelfFolder => ({
      id: Number(r.id),
      barcode: r.barcode,
      room: r.room,
      rack: r.rack,
      shelf: r.shelf,
      onLoan: r.on_loan,
    })
    const expected = (
      await trx('archive_folders')
        .where({ status: 'held', room: input.room, rack: input.rack })
        .whereBetween('shelf', [input.shelfFrom, input.shelfTo])
        .whereNotNull('barcode')
        .select(...cols)
    ).map(toShelf)
    const known = scanned.length
      ? (
          await trx('archive_folders')
            .whereIn('barcode', scanned)
            .where('status', 'held')
            .select(...cols)
        ).map(toShelf)
      : []
    const result = compareShelf(range, expected, scanned, known)
    const [row] = await trx('archive_stocktakes')
      .insert({
        room: input.room,
        rack: input.rack,
        shelf_from: input.shelfFrom,
        shelf_to: input.shelfTo,
        scanned: JSON.stringify(scanned),
        result: JSON.stringify(result),
        missing_count: result.missing.length,
        misplaced_count: result.misplaced.length,
        unexpected_count: result.unexpected.length,
        created_by: actor.id,
      })
      .returning('id')
    const id = Number(row.id)
    await recordAudit(trx, actor, {
      action: 'archive.stocktakeRecorded',
      entityType: 'archive_stocktake',
      entityId: id,
      details: {
        range,
        scanned: scanned.length,
        missing: result.missing.length,
        misplaced: result.misplaced.length,
        unexpected: result.unexpected.length,
      },
    })
    return id
  })
}
