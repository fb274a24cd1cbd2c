import type { Knex } from 'knex'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import { nextNumber } from '../../shared/db/counters.js'
import { HttpError } from '../../shared/http/errors.js'
import * as repo from './repository.js'
import { formatCaseReference } from './validators.js'
import { officeDate } from '../../shared/clock/office.js'
import type { CaseInput, RouteInput } from './schemas.js'
import type { ServiceResult } from './service.js'

/** The item as seen from a unit's inbox: only an item routed to the user's own unit (record-level check). */
export async function inboxItem(db: Knex, user: Express.User, itemId: number) {
  const item = await repo.findIncoming(db, itemId)
  if (!item) throw new HttpError(404)
  if (!user.orgUnitId || item.unit_id !== user.orgUnitId || item.status !== 'registered')
    throw new HttpError(403)
  if (item.routing_status !== 'assigned' && item.routing_status !== 'accepted') throw new HttpError(403)
  return item
}

/** The registry assigns an item to a unit (and optionally a person); a second assignment is a reroute. */
export async function routeItem(
  db: Knex,
  actor: Actor,
  itemId: number,
  input: RouteInput,
): Promise<ServiceResult<null>> {
  const unit = await repo.findActiveUnit(db, input.unitId)
  if (!unit) return { ok: false, field: 'unitId', key: 'registry.unit.unknown' }
  if (input.assigneeId && !(await repo.findUserInUnit(db, input.assigneeId, input.unitId)))
    return { ok: false, field: 'assigneeId', key: 'registry.assignee.notInUnit' }
  return db.transaction(async (trx) => {
    const item = await repo.lockIncoming(trx, itemId)
    if (!item) throw new HttpError(404)
    if (item.status !== 'registered') return { ok: false, field: 'unitId', key: 'registry.annulled.noChange' }
    const action = item.routing_status === 'unassigned' ? 'assigned' : 'rerouted'
    await repo.updateIncoming(trx, itemId, {
      unit_id: input.unitId,
      assignee_id: input.assigneeId ?? null,
      routing_status: 'assigned',
    })
    await repo.insertRouting(trx, {
      item_id: itemId,
      action,
      unit_id: input.unitId,
      assignee_id: input.assigneeId ?? null,
      note: input.note ?? null,
      actor_id: actor.id,
    })
    await recordAudit(trx, actor, {
      action: action === 'assigned' ? 'registry.routed' : 'registry.rerouted',
      entityType: 'incoming_item',
      entityId: itemId,
      details: {
        before: { unitId: item.unit_id, assigneeId: item.assignee_id, routingStatus: item.routing_status },
        after: { unitId: input.unitId, assigneeId: input.assigneeId ?? null, routingStatus: 'assigned' },
      },
    })
    return { ok: true, value: null }
  })
}

/** The unit takes the item: it is now the unit's to handle. */
export async function acceptItem(
  db: Knex,
  actor: Actor,
  user: Express.User,
  itemId: number,
): Promise<boolean> {
  await inboxItem(db, user, itemId)
  return db.transaction(async (trx) => {
    const item = await repo.lockIncoming(trx, itemId)
    if (!item || item.unit_id !== user.orgUnitId || item.routing_status !== 'assigned') return false
    await repo.updateIncoming(trx, itemId, { routing_status: 'accepted' })
    await repo.insertRouting(trx, {
      item_id: itemId,
      action: 'accepted',
      unit_id: item.unit_id,
      assignee_id: item.assignee_id,
      actor_id: actor.id,
    })
    await recordAudit(trx, actor, {
      action: 'registry.accepted',
      entityType: 'incoming_item',
      entityId: itemId,
      details: { before: { routingStatus: 'assigned' }, after: { routingStatus: 'accepted' } },
    })
    return true
  })
}

/** The unit sends a misrouted item back to the registry with its reason; the registry reroutes it. */
export async function returnItem(
  db: Knex,
  actor: Actor,
  user: Express.User,
  itemId: number,
  reason: string,
): Promise<boolean> {
  await inboxItem(db, user, itemId)
  return db.transaction(async (trx) => {
    const item = await repo.lockIncoming(trx, itemId)
    if (!item || item.unit_id !== user.orgUnitId) return false
    await repo.updateIncoming(trx, itemId, { routing_status: 'returned', assignee_id: null })
    await repo.insertRouting(trx, {
      item_id: itemId,
      action: 'returned',
      unit_id: item.unit_id,
      note: reason,
      actor_id: actor.id,
    })
    await recordAudit(trx, actor, {
      action: 'registry.returned',
      entityType: 'incoming_item',
      entityId: itemId,
      details: {
        before: { routingStatus: item.routing_status },
        after: { routingStatus: 'returned', reason },
      },
    })
    return true
  })
}

/**
 * Opens a case from an item: the next number in the unit's case register (spis spraw) for the JRWA
 * symbol and year, without gaps (numbering restarts every 1 January per unit and symbol, DOMAIN.md §1).
 */
export async function openCase(
  db: Knex,
  actor: Actor,
  user: Express.User,
  itemId: number,
  input: CaseInput,
): Promise<ServiceResult<string>> {
  const item = await inboxItem(db, user, itemId)
  if (item.case_reference) return { ok: false, field: 'jrwaSymbol', key: 'registry.case.alreadyLinked' }
  const unit = await repo.findActiveUnit(db, item.unit_id!)
  if (!unit) throw new HttpError(403)
  const year = Number(officeDate(new Date()).slice(0, 4))
  return db.transaction(async (trx) => {
    const locked = await repo.lockIncoming(trx, itemId)
    if (!locked || locked.case_reference)
      return { ok: false, field: 'jrwaSymbol', key: 'registry.case.alreadyLinked' }
    const number = await nextNumber(trx, 'registry.case', year, `${unit.id}.${input.jrwaSymbol}`)
    const reference = formatCaseReference(unit.symbol, input.jrwaSymbol, number, year)
    const caseId = await repo.insertCase(trx, {
      unit_id: unit.id,
      unit_symbol: unit.symbol,
      jrwa_symbol: input.jrwaSymbol,
      year,
      number,
      reference,
      title: input.title,
      opened_from_item_id: itemId,
      opened_by: actor.id,
    })
    await repo.updateIncoming(trx, itemId, { case_reference: reference })
    await recordAudit(trx, actor, [
      {
        action: 'registry.caseOpened',
        entityType: 'registry_case',
        entityId: caseId,
        details: { after: { reference, itemId } },
      },
      {
        action: 'registry.caseLinked',
        entityType: 'incoming_item',
        entityId: itemId,
        details: { before: { caseReference: null }, after: { caseReference: reference } },
      },
    ])
    return { ok: true, value: reference }
  })
}
