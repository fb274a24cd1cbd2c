import type { Knex } from 'knex'
import type { Actor } from '../../../shared/audit/audit.js'
import { insertUnit } from '../../admin/units-repository.js'
import { insertUser } from '../../admin/users-repository.js'
import { folderBarcode, folderSign, retentionOf } from '../domain.js'

export const smallJrwa = [
  'symbol;hasło;kategoria',
  '0;Zarządzanie;',
  '01;Organizacja;',
  '010;Przepisy wewnętrzne;A',
  '011;Korespondencja bieżąca;B5',
  '1;Kadry;',
  '10;Akta osobowe;B50',
  '11;Szkolenia pracowników;BE10',
  '12;Zapiski robocze;Bc',
].join('\n')

let seq = 0

export async function archiveWorld(db: Knex) {
  seq += 1
  const unitId = await insertUnit(db, { symbol: `WT${seq}`, name: `Wydział Testowy ${seq}` })
  const userId = await insertUser(db, {
    username: `arch${seq}`,
    displayName: `Archiwista ${seq}`,
    passwordHash: 'x',
    roles: ['archivist'],
    orgUnitId: unitId,
    mustChangePassword: false,
  })
  const actor: Actor = { id: userId, name: `Archiwista ${seq}`, unit: `WT${seq}` }
  return { unitId, userId, actor, unitSymbol: `WT${seq}` }
}

/** A folder already in the archive, as if taken in from an accepted list. */
export async function heldFolder(
  db: Knex,
  unitId: number,
  f: {
    category: string
    yearTo: number
    title?: string
    jrwa?: string
    room?: string
    rack?: string
    shelf?: number
  },
): Promise<{ id: number; barcode: string }> {
  const retention = retentionOf(f.category, f.yearTo)
  const [row] = await db('archive_folders')
    .insert({
      unit_id: unitId,
      jrwa_symbol: f.jrwa ?? '011',
      sign: folderSign('WT', f.jrwa ?? '011'),
      title: f.title ?? 'Korespondencja bieżąca',
      year_from: f.yearTo,
      year_to: f.yearTo,
      category: f.category,
      volumes: 1,
      status: 'held',
      room: f.room ?? '1',
      rack: f.rack ?? 'A',
      shelf: f.shelf ?? 1,
      linear_metres: '0.080',
      disposable_from: retention.kind === 'disposable' ? retention.eligibleFrom : null,
      state_archive_from: retention.kind === 'permanent' ? retention.stateArchiveFrom : null,
    })
    .returning('id')
  const id = Number(row.id)
  const barcode = folderBarcode(id)
  await db('archive_folders').where({ id }).update({ barcode })
  return { id, barcode }
}

export async function auditActions(
  db: Knex,
  entityType: string,
  entityId: number | string,
): Promise<string[]> {
  return (
    await db('audit_log')
      .where({ entity_type: entityType, entity_id: String(entityId) })
      .orderBy('id')
      .select('action')
  ).map((r: { action: string }) => r.action)
}
