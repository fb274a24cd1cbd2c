import type { Knex } from 'knex'
import { changedFields, recordAudit, type Actor } from '../../shared/audit/audit.js'
import { formatRegisterNumber, nextNumber } from '../../shared/db/counters.js'
import { HttpError } from '../../shared/http/errors.js'
import { folderBarcode, folderSign, retentionOf } from './domain.js'
import { parseJrwaCsv, type JrwaRowError } from './jrwa.js'
import * as jrwa from './jrwa-repository.js'
import * as repo from './transfers-repository.js'
import type { UnitFolderInput } from './schemas.js'
import { officeYear } from '../../shared/clock/office.js'

export type Result<T> = { ok: true; value: T } | { ok: false; field: string; key: string }

// --- File plan ---------------------------------------------------------------------------------

/** All or nothing: one bad row and nothing is imported; the report lists every bad row. */
export async function importJrwa(
  db: Knex,
  actor: Actor,
  text: string,
  source: Record<string, unknown> = {},
): Promise<{ ok: true; added: number; updated: number } | { ok: false; errors: JrwaRowError[] }> {
  return db.transaction(async (trx) => {
    const parsed = parseJrwaCsv(text, await jrwa.allSymbols(trx))
    if (!parsed.ok) return parsed
    const counts = await jrwa.upsertClasses(trx, parsed.rows)
    await recordAudit(trx, actor, {
      action: 'archive.jrwaImported',
      entityType: 'archive_jrwa',
      details: { rows: parsed.rows.length, ...counts, ...source },
    })
    return { ok: true as const, ...counts }
  })
}

// --- Unit side ---------------------------------------------------------------------------------

async function unitSymbol(db: Knex | Knex.Transaction, unitId: number): Promise<string> {
  const unit = await db('org_units').where({ id: unitId }).first('symbol')
  if (!unit) throw new HttpError(404)
  return unit.symbol as string
}

/** A folder the unit keeps; its category comes from the file plan, and only a lowest-level class takes folders. */
export async function registerUnitFolder(
  db: Knex,
  actor: Actor,
  unitId: number,
  input: UnitFolderInput,
  listId: number | null,
): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const cls = await jrwa.findClass(trx, input.jrwaSymbol)
    if (!cls) return { ok: false, field: 'jrwaSymbol', key: 'archive.v.folder.jrwa.unknown' }
    if (!cls.is_leaf || !cls.category)
      return { ok: false, field: 'jrwaSymbol', key: 'archive.v.folder.jrwa.notLeaf' }
    if (listId !== null) {
      const list = await repo.lockList(trx, listId)
      if (!list || list.unit_id !== unitId || !['draft', 'returned'].includes(list.status))
        throw new HttpError(404)
      if (input.yearTo === undefined)
        return { ok: false, field: 'yearTo', key: 'archive.v.folder.yearTo.requiredForList' }
    }
    const id = await repo.insertFolder(trx, {
      unitId,
      jrwaSymbol: cls.symbol,
      sign: folderSign(await unitSymbol(trx, unitId), cls.symbol),
      title: input.title,
      yearFrom: input.yearFrom,
      yearTo: input.yearTo ?? null,
      category: cls.category,
      volumes: input.volumes,
      notes: input.notes ?? null,
      transferListId: listId,
      createdBy: actor.id,
    })
    await recordAudit(trx, actor, {
      action: 'archive.folderRegistered',
      entityType: 'archive_folder',
      entityId: id,
      details: { after: { ...input, category: cls.category, transferListId: listId } },
    })
    return { ok: true, value: id }
  })
}

/** The unit corrects a folder it still keeps (e.g. after the archivist returned the list with remarks). */
export async function updateUnitFolder(
  db: Knex,
  actor: Actor,
  unitId: number,
  folderId: number,
  input: UnitFolderInput,
): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const before = await repo.findFolder(trx, folderId)
    if (!before || before.unit_id !== unitId || before.status !== 'unit') throw new HttpError(404)
    if (before.transfer_list_id !== null) {
      const list = await repo.lockList(trx, before.transfer_list_id)
      if (!list || !['draft', 'returned'].includes(list.status)) throw new HttpError(409)
      if (input.yearTo === undefined)
        return { ok: false, field: 'yearTo', key: 'archive.v.folder.yearTo.requiredForList' }
    }
    const cls = await jrwa.findClass(trx, input.jrwaSymbol)
    if (!cls) return { ok: false, field: 'jrwaSymbol', key: 'archive.v.folder.jrwa.unknown' }
    if (!cls.is_leaf || !cls.category)
      return { ok: false, field: 'jrwaSymbol', key: 'archive.v.folder.jrwa.notLeaf' }
    const after = {
      jrwa_symbol: cls.symbol,
      sign: folderSign(await unitSymbol(trx, unitId), cls.symbol),
      title: input.title,
      year_from: input.yearFrom,
      year_to: input.yearTo ?? null,
      category: cls.category,
      volumes: input.volumes,
      notes: input.notes ?? null,
    }
    const diff = changedFields(before as unknown as Record<string, unknown>, after)
    if (Object.keys(diff.after).length === 0) return { ok: true, value: folderId }
    await repo.updateFolder(trx, folderId, after)
    await recordAudit(trx, actor, {
      action: 'archive.folderCorrected',
      entityType: 'archive_folder',
      entityId: folderId,
      details: diff,
    })
    return { ok: true, value: folderId }
  })
}

export async function createTransferList(db: Knex, actor: Actor, unitId: number): Promise<number> {
  return db.transaction(async (trx) => {
    const id = await repo.insertList(trx, unitId, actor.id)
    await recordAudit(trx, actor, {
      action: 'archive.transferListCreated',
      entityType: 'archive_transfer_list',
      entityId: id,
    })
    return id
  })
}

async function editableList(trx: Knex.Transaction, listId: number, unitId: number) {
  const list = await repo.lockList(trx, listId)
  if (!list || list.unit_id !== unitId) throw new HttpError(404)
  if (!['draft', 'returned'].includes(list.status)) throw new HttpError(409)
  return list
}

/** Only the unit's own closed folders that are not on another list can be put on a list. */
export async function attachFolders(
  db: Knex,
  actor: Actor,
  unitId: number,
  listId: number,
  folderIds: number[],
): Promise<number> {
  return db.transaction(async (trx) => {
    await editableList(trx, listId, unitId)
    const ids = (
      await trx('archive_folders')
        .whereIn('id', folderIds)
        .where({ unit_id: unitId, status: 'unit' })
        .whereNotNull('year_to')
        .whereNull('transfer_list_id')
        .select('id')
    ).map((r: { id: number }) => Number(r.id))
    if (ids.length) await trx('archive_folders').whereIn('id', ids).update({ transfer_list_id: listId })
    await recordAudit(
      trx,
      actor,
      ids.map((id) => ({
        action: 'archive.folderListed',
        entityType: 'archive_folder',
        entityId: id,
        details: { before: { transferListId: null }, after: { transferListId: listId } },
      })),
    )
    return ids.length
  })
}

export async function detachFolder(db: Knex, actor: Actor, unitId: number, listId: number, folderId: number) {
  await db.transaction(async (trx) => {
    await editableList(trx, listId, unitId)
    const n = await trx('archive_folders')
      .where({ id: folderId, transfer_list_id: listId, status: 'unit' })
      .update({ transfer_list_id: null })
    if (n === 0) throw new HttpError(404)
    await recordAudit(trx, actor, {
      action: 'archive.folderUnlisted',
      entityType: 'archive_folder',
      entityId: folderId,
      details: { before: { transferListId: listId }, after: { transferListId: null } },
    })
  })
}

export async function submitList(
  db: Knex,
  actor: Actor,
  unitId: number,
  listId: number,
): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const list = await editableList(trx, listId, unitId)
    const count = (await repo.listFolders(trx, listId)).length
    if (count === 0) return { ok: false, field: 'form', key: 'archive.transfer.empty' }
    await repo.updateList(trx, listId, {
      status: 'submitted',
      submitted_at: new Date(),
      submitted_by: actor.id,
    })
    await recordAudit(trx, actor, {
      action: 'archive.transferListSubmitted',
      entityType: 'archive_transfer_list',
      entityId: listId,
      details: { before: { status: list.status }, after: { status: 'submitted' }, folders: count },
    })
    return { ok: true, value: listId }
  })
}

// --- Archivist side ----------------------------------------------------------------------------

export async function returnList(db: Knex, actor: Actor, listId: number, remarks: string): Promise<void> {
  await db.transaction(async (trx) => {
    const list = await repo.lockList(trx, listId)
    if (!list) throw new HttpError(404)
    if (list.status !== 'submitted') throw new HttpError(409)
    await repo.updateList(trx, listId, { status: 'returned', remarks, returned_at: new Date() })
    await recordAudit(trx, actor, {
      action: 'archive.transferListReturned',
      entityType: 'archive_transfer_list',
      entityId: listId,
      details: { before: { status: 'submitted' }, after: { status: 'returned', remarks } },
    })
  })
}

export interface Place {
  room: string
  rack: string
  shelf: number
  box: string | null
}

/**
 * One transaction: the list gets the next number in the yearly register of transfer lists, every
 * folder becomes part of the holdings with its shelf place, barcode, share of the linear metres and
 * its retention dates (retentionOf). A rollback gives the number back.
 */
export async function acceptList(
  db: Knex,
  actor: Actor,
  listId: number,
  input: { linearMetres: string; places: Map<number, Place> },
  today = new Date(),
): Promise<{ number: string }> {
  return db.transaction(async (trx) => {
    const list = await repo.lockList(trx, listId)
    if (!list) throw new HttpError(404)
    if (list.status !== 'submitted') throw new HttpError(409)
    const folders = await repo.listFolders(trx, listId)
    const totalVolumes = folders.reduce((s, f) => s + f.volumes, 0)
    const year = officeYear(today)
    const number = await nextNumber(trx, 'archive.transferList', year)
    const audits = []
    for (const f of folders) {
      const place = input.places.get(f.id)
      if (!place) throw new HttpError(400)
      const retention = retentionOf(f.category, f.year_to ?? f.year_from, f.year_from)
      const after = {
        status: 'held',
        room: place.room,
        rack: place.rack,
        shelf: place.shelf,
        box: place.box,
        barcode: folderBarcode(f.id),
        linear_metres: ((Number(input.linearMetres) * f.volumes) / totalVolumes).toFixed(3),
        disposable_from: retention.kind === 'disposable' ? retention.eligibleFrom : null,
        state_archive_from: retention.kind === 'permanent' ? retention.stateArchiveFrom : null,
      }
      await repo.updateFolder(trx, f.id, after)
      audits.push({
        action: 'archive.folderTakenIn',
        entityType: 'archive_folder',
        entityId: f.id,
        details: { before: { status: 'unit' }, after },
      })
    }
    await repo.updateList(trx, listId, {
      status: 'accepted',
      year,
      number,
      linear_metres: input.linearMetres,
      accepted_at: today,
      accepted_by: actor.id,
    })
    audits.push({
      action: 'archive.transferListAccepted',
      entityType: 'archive_transfer_list',
      entityId: listId,
      details: {
        before: { status: 'submitted' },
        after: { status: 'accepted', year, number },
        folders: folders.length,
      },
    })
    await recordAudit(trx, actor, audits)
    return { number: formatRegisterNumber(year, number) }
  })
}
