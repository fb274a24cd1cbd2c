import type { Knex } from 'knex'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import type { Db } from '../../shared/db/index.js'
import { HttpError } from '../../shared/http/errors.js'
import * as repo from './repository.js'
import { officeDate } from '../../shared/clock/office.js'
import { addDays, addMonths, dueDate, type PeriodRule } from './dates.js'
import type { DelayInput, InquiryInput } from './schemas.js'
import type { ServiceResult } from './service.js'

export interface InquiryType extends PeriodRule {
  id: number
  code: string
  name_pl: string
  name_en: string
  legal_basis: string
  verified: boolean
}

export async function inquiryTypes(db: Db): Promise<InquiryType[]> {
  return db('inquiry_types')
    .where({ active: true })
    .orderBy('id')
    .select(
      'id',
      'code',
      'name_pl',
      'name_en',
      'period_value',
      'period_unit',
      'moves_off_weekend',
      'legal_basis',
      'verified',
    )
}

/** Marks an item as an inquiry; its due date comes from the type's period, counted from the day of receipt. */
export async function markInquiry(
  db: Knex,
  actor: Actor,
  itemId: number,
  input: InquiryInput,
): Promise<ServiceResult<string>> {
  const type = (await inquiryTypes(db)).find((t) => t.id === input.inquiryTypeId)
  if (!type) return { ok: false, field: 'inquiryTypeId', key: 'registry.inquiryType.required' }
  return db.transaction(async (trx) => {
    const item = await repo.lockIncoming(trx, itemId)
    if (!item) throw new HttpError(404)
    if (item.status !== 'registered')
      return { ok: false, field: 'inquiryTypeId', key: 'registry.annulled.noChange' }
    const delays = await trx('inquiry_delays')
      .where({ item_id: itemId })
      .count<{ c: string }>({ c: '*' })
      .first()
    if (Number(delays?.c ?? 0) > 0)
      return { ok: false, field: 'inquiryTypeId', key: 'registry.inquiry.hasDelays' }
    const due = dueDate(officeDate(item.received_at), type)
    await repo.updateIncoming(trx, itemId, {
      inquiry_type_id: type.id,
      inquirer_kind: input.inquirerKind,
      due_date: due,
    })
    await recordAudit(trx, actor, {
      action: 'registry.inquiryMarked',
      entityType: 'incoming_item',
      entityId: itemId,
      details: {
        before: { inquiryTypeId: item.inquiry_type_id, dueDate: item.due_date },
        after: { inquiryTypeId: type.id, inquirerKind: input.inquirerKind, dueDate: due },
      },
    })
    return { ok: true, value: due }
  })
}

/**
 * A due date moves only with a recorded notice of delay to the party (KPA art. 36: reasons and the new
 * date). For public information the new date may be at most 2 months from the request (art. 13 ust. 2).
 */
export async function recordDelay(
  db: Knex,
  actor: Actor,
  itemId: number,
  input: DelayInput,
): Promise<ServiceResult<null>> {
  return db.transaction(async (trx) => {
    const item = await repo.lockIncoming(trx, itemId)
    if (!item) throw new HttpError(404)
    if (!item.inquiry_type_id || !item.due_date || item.status !== 'registered')
      return { ok: false, field: 'newDueDate', key: 'registry.delay.notInquiry' }
    if (item.answered_at) return { ok: false, field: 'newDueDate', key: 'registry.answer.alreadyAnswered' }
    if (input.newDueDate <= item.due_date)
      return { ok: false, field: 'newDueDate', key: 'registry.delay.notLater' }
    const type = await trx('inquiry_types').where({ id: item.inquiry_type_id }).first('code')
    const received = officeDate(item.received_at)
    if (type?.code === 'public_information' && input.newDueDate > addMonths(received, 2))
      return { ok: false, field: 'newDueDate', key: 'registry.delay.publicInfoLimit' }
    if (input.notifiedOn < received)
      return { ok: false, field: 'notifiedOn', key: 'registry.delay.notifiedBeforeReceipt' }
    await trx('inquiry_delays').insert({
      item_id: itemId,
      previous_due: item.due_date,
      new_due: input.newDueDate,
      reason: input.delayReason,
      notified_on: input.notifiedOn,
      recorded_by: actor.id,
    })
    await repo.updateIncoming(trx, itemId, { due_date: input.newDueDate })
    await recordAudit(trx, actor, {
      action: 'registry.inquiryDelayed',
      entityType: 'incoming_item',
      entityId: itemId,
      details: {
        before: { dueDate: item.due_date },
        after: { dueDate: input.newDueDate, notifiedOn: input.notifiedOn },
      },
    })
    return { ok: true, value: null }
  })
}

export async function delaysOf(db: Db, itemId: number) {
  return db('inquiry_delays as d')
    .leftJoin('users as u', 'u.id', 'd.recorded_by')
    .where('d.item_id', itemId)
    .orderBy('d.id')
    .select(
      'd.previous_due',
      'd.new_due',
      'd.reason',
      'd.notified_on',
      'd.recorded_at',
      'u.display_name as recorded_by_name',
    )
}

/** Open inquiries per unit: due within `soonDays` days (today included) and overdue. */
export async function inquiryDashboard(db: Db, today: string, soonDays = 3) {
  const soon = addDays(today, soonDays)
  const rows = await db('incoming_items as i')
    .leftJoin('org_units as o', 'o.id', 'i.unit_id')
    .whereNotNull('i.inquiry_type_id')
    .whereNull('i.answered_at')
    .where('i.status', 'registered')
    .groupBy('i.unit_id', 'o.symbol', 'o.name')
    .orderBy('o.symbol')
    .select(
      'i.unit_id',
      'o.symbol',
      'o.name',
      db.raw('count(*) filter (where i.due_date < ?)::int as overdue', [today]),
      db.raw('count(*) filter (where i.due_date >= ? and i.due_date <= ?)::int as due_soon', [today, soon]),
      db.raw('count(*)::int as open'),
    )
  return rows.map((r: Record<string, unknown>) => ({
    unitId: r.unit_id as number | null,
    symbol: (r.symbol as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    overdue: Number(r.overdue),
    dueSoon: Number(r.due_soon),
    open: Number(r.open),
  }))
}

export async function openInquiries(db: Db, today: string, unitId?: number, limit = 200) {
  const q = db('incoming_items as i')
    .leftJoin('org_units as o', 'o.id', 'i.unit_id')
    .leftJoin('inquiry_types as t', 't.id', 'i.inquiry_type_id')
    .whereNotNull('i.inquiry_type_id')
    .whereNull('i.answered_at')
    .where('i.status', 'registered')
    .where('i.due_date', '<=', addDays(today, 3))
    .orderBy([{ column: 'i.due_date' }, { column: 'i.id' }])
    .limit(limit)
    .select(
      'i.id',
      'i.year',
      'i.number',
      'i.subject',
      'i.due_date',
      'o.symbol as unit_symbol',
      't.code as type_code',
    )
  if (unitId) q.where('i.unit_id', unitId)
  return q
}
