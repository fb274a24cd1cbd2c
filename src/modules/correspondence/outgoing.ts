import type { Knex } from 'knex'
import { recordAudit, type Actor } from '../../shared/audit/audit.js'
import { formatRegisterNumber, nextNumber } from '../../shared/db/counters.js'
import type { Db } from '../../shared/db/index.js'
import { HttpError } from '../../shared/http/errors.js'
import * as repo from './repository.js'
import { parseRegisterNumber } from './validators.js'
import type { OutgoingInput } from './schemas.js'
import type { Registered, ServiceResult } from './service.js'

export type OutgoingRow = {
  id: number
  year: number
  number: number
  addressee_name: string
  addressee_address: string | null
  addressee_edelivery: string | null
  subject: string
  channel: string
  post_kind: string | null
  priority: boolean
  return_receipt: boolean
  tracking_number: string | null
  dispatch_date: string
  delivered_on: string | null
  related_incoming_id: number | null
  related_year: number | null
  related_number: number | null
  case_reference: string | null
  unit_id: number | null
  unit_symbol: string | null
  notes: string | null
  status: string
  annul_reason: string | null
  annulled_at: Date | null
  created_at: Date
}

const columns = [
  'g.id',
  'g.year',
  'g.number',
  'g.addressee_name',
  'g.addressee_address',
  'g.addressee_edelivery',
  'g.subject',
  'g.channel',
  'g.post_kind',
  'g.priority',
  'g.return_receipt',
  'g.tracking_number',
  'g.dispatch_date',
  'g.delivered_on',
  'g.related_incoming_id',
  'i.year as related_year',
  'i.number as related_number',
  'g.case_reference',
  'g.unit_id',
  'o.symbol as unit_symbol',
  'g.notes',
  'g.status',
  'g.annul_reason',
  'g.annulled_at',
  'g.created_at',
]

export const outgoingBase = (db: Db) =>
  db('outgoing_items as g')
    .leftJoin('incoming_items as i', 'i.id', 'g.related_incoming_id')
    .leftJoin('org_units as o', 'o.id', 'g.unit_id')
    .select(columns)

export async function findOutgoing(db: Db, id: number): Promise<OutgoingRow | undefined> {
  return outgoingBase(db).where('g.id', id).first()
}

/** Registers an outgoing item with the next number of the year of dispatch; an answer closes the inquiry. */
export async function registerOutgoing(
  db: Knex,
  actor: Actor,
  input: OutgoingInput,
): Promise<ServiceResult<Registered>> {
  let relatedId: number | null = null
  if (input.relatedIncoming) {
    const ref = parseRegisterNumber(input.relatedIncoming)!
    relatedId = await repo.findIncomingIdByNumber(db, ref.year, ref.number)
    if (!relatedId) return { ok: false, field: 'relatedIncoming', key: 'registry.relatedIncoming.unknown' }
  }
  if (input.unitId && !(await repo.findActiveUnit(db, input.unitId)))
    return { ok: false, field: 'unitId', key: 'registry.unit.unknown' }
  const year = Number(input.dispatchDate.slice(0, 4))
  return db.transaction(async (trx) => {
    if (input.isAnswer) {
      const inquiry = await repo.lockIncoming(trx, relatedId!)
      if (!inquiry?.inquiry_type_id || inquiry.status !== 'registered')
        return { ok: false, field: 'isAnswer', key: 'registry.answer.notInquiry' }
      if (inquiry.answered_at) return { ok: false, field: 'isAnswer', key: 'registry.answer.alreadyAnswered' }
    }
    const number = await nextNumber(trx, 'registry.outgoing', year)
    const isPost = input.channel === 'post'
    const [row] = await trx('outgoing_items')
      .insert({
        year,
        number,
        addressee_name: input.addresseeName,
        addressee_address: input.addresseeAddress ?? null,
        addressee_edelivery: input.addresseeEdelivery ?? null,
        subject: input.subject,
        channel: input.channel,
        post_kind: isPost ? input.postKind : null,
        priority: isPost && input.priority,
        return_receipt: isPost && input.returnReceipt,
        tracking_number: input.trackingNumber ?? null,
        dispatch_date: input.dispatchDate,
        related_incoming_id: relatedId,
        case_reference: input.caseReference ?? null,
        unit_id: input.unitId ?? null,
        notes: input.notes ?? null,
        created_by: actor.id,
      })
      .returning('id')
    const id = Number(row.id)
    const entries = [
      {
        action: 'registry.outgoingRegistered',
        entityType: 'outgoing_item',
        entityId: id,
        details: {
          after: {
            registerNumber: formatRegisterNumber(year, number),
            channel: input.channel,
            relatedIncomingId: relatedId,
          },
        },
      },
    ]
    if (input.isAnswer) {
      await repo.updateIncoming(trx, relatedId!, { answer_outgoing_id: id, answered_at: new Date() })
      entries.push({
        action: 'registry.inquiryAnswered',
        entityType: 'incoming_item',
        entityId: relatedId!,
        details: { after: { answerOutgoingId: id } } as never,
      })
    }
    await recordAudit(trx, actor, entries)
    return { ok: true, value: { id, year, number, registerNumber: formatRegisterNumber(year, number) } }
  })
}

/** The return receipt (ZPO) came back: its delivery date is what legal deadlines count from. */
export async function recordDelivery(
  db: Knex,
  actor: Actor,
  id: number,
  deliveredOn: string,
): Promise<ServiceResult<null>> {
  return db.transaction(async (trx) => {
    const row = await trx('outgoing_items')
      .where({ id })
      .forUpdate()
      .first('id', 'dispatch_date', 'delivered_on', 'status')
    if (!row) throw new HttpError(404)
    if (row.status !== 'registered')
      return { ok: false, field: 'deliveredOn', key: 'registry.annulled.noChange' }
    if (deliveredOn < row.dispatch_date)
      return { ok: false, field: 'deliveredOn', key: 'registry.deliveredOn.beforeDispatch' }
    await trx('outgoing_items').where({ id }).update({ delivered_on: deliveredOn })
    await recordAudit(trx, actor, {
      action: 'registry.deliveryRecorded',
      entityType: 'outgoing_item',
      entityId: id,
      details: { before: { deliveredOn: row.delivered_on }, after: { deliveredOn } },
    })
    return { ok: true, value: null }
  })
}

export async function annulOutgoing(db: Knex, actor: Actor, id: number, reason: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const row = await trx('outgoing_items').where({ id }).forUpdate().first('id', 'status')
    if (!row || row.status !== 'registered') return false
    await trx('outgoing_items').where({ id }).update({
      status: 'annulled',
      annulled_at: new Date(),
      annulled_by: actor.id,
      annul_reason: reason,
    })
    await trx('incoming_items')
      .where({ answer_outgoing_id: id })
      .update({ answer_outgoing_id: null, answered_at: null })
    await recordAudit(trx, actor, {
      action: 'registry.outgoingAnnulled',
      entityType: 'outgoing_item',
      entityId: id,
      details: { before: { status: 'registered' }, after: { status: 'annulled', reason } },
    })
    return true
  })
}

/**
 * The postal dispatch book (pocztowa książka nadawcza) of a day: registered items handed to the post,
 * in the order they were registered (the order the post office's list keeps).
 */
export async function dispatchBook(db: Db, day: string) {
  return db('outgoing_items')
    .where({ dispatch_date: day, channel: 'post', post_kind: 'registered', status: 'registered' })
    .orderBy([{ column: 'year' }, { column: 'number' }])
    .select(
      'id',
      'year',
      'number',
      'addressee_name',
      'addressee_address',
      'tracking_number',
      'priority',
      'return_receipt',
    )
}
