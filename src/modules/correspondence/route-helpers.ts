import type { Request } from 'express'
import type { Knex } from 'knex'
import { HttpError } from '../../shared/http/errors.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { referenceList } from '../../shared/db/reference-lists.js'
import * as repo from './repository.js'
import { incomingChannels, inquirerKinds, itemForms, outgoingChannels, senderKinds } from './schemas.js'
import type { InquiryType } from './inquiries.js'

export function idParam(req: Request, name = 'id'): number {
  const id = Number(req.params[name])
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404)
  return id
}

export { toFieldError as fieldError } from '../../shared/forms/index.js'

const activeUnits = referenceList(repo.activeUnits)
const unitStaff = referenceList(repo.unitStaff)

/** Options for the selects of the registry's forms, translated for the user's language. */
export async function registryOptions(db: Knex, req: Request) {
  const [units, staff] = await Promise.all([activeUnits(db), unitStaff(db)])
  const unitSymbol = new Map(units.map((u) => [Number(u.id), u.symbol as string]))
  return {
    unitOptions: units.map((u) => ({ value: u.id, text: `${u.symbol} – ${u.name}` })),
    staffOptions: staff
      .filter((s) => unitSymbol.has(Number(s.org_unit_id)))
      .map((s) => ({ value: s.id, text: `${s.display_name} (${unitSymbol.get(Number(s.org_unit_id))})` })),
    channelOptions: incomingChannels.map((c) => ({ value: c, text: req.t(`registry.channel.${c}`) })),
    outgoingChannelOptions: outgoingChannels.map((c) => ({ value: c, text: req.t(`registry.channel.${c}`) })),
    formOptions: itemForms.map((f) => ({ value: f, text: req.t(`registry.form.${f}`) })),
    senderKindOptions: senderKinds.map((k) => ({ value: k, text: req.t(`registry.senderKind.${k}`) })),
    inquirerKindOptions: inquirerKinds.map((k) => ({ value: k, text: req.t(`registry.inquirerKind.${k}`) })),
    routingOptions: ['unassigned', 'assigned', 'accepted', 'returned'].map((s) => ({
      value: s,
      text: req.t(`registry.routing.${s}`),
    })),
    statusOptions: ['registered', 'annulled'].map((s) => ({ value: s, text: req.t(`registry.status.${s}`) })),
    inquiryFilterOptions: ['any', 'open', 'overdue'].map((s) => ({
      value: s,
      text: req.t(`registry.inquiryFilter.${s}`),
    })),
  }
}

export function inquiryTypeOptions(types: InquiryType[], req: Request) {
  return types.map((t) => ({
    value: t.id,
    text: `${req.lang === 'en' ? t.name_en : t.name_pl} – ${t.period_value} ${req.t(`registry.periodUnit.${t.period_unit}`)}${t.verified ? '' : ` (${req.t('registry.unverified')})`}`,
  }))
}

/** Query-string values of the list filters, to refill the filter form and build links. */
export function queryValues(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') out[k] = v
  return out
}

export const incomingSorts = { registered: { column: 'i.id' }, received: { column: 'i.received_at' } }

export const csvHeader = (req: Request) =>
  [
    'number',
    'receivedAt',
    'sender',
    'senderReference',
    'subject',
    'channel',
    'unit',
    'routing',
    'caseReference',
    'status',
    'dueDate',
  ].map((k) => req.t(`registry.csv.${k}`))

export const csvRow = (req: Request) => (r: repo.IncomingListRow) => [
  formatRegisterNumber(r.year, r.number),
  r.received_at,
  r.sender_name,
  r.sender_reference,
  r.subject,
  req.t(`registry.channel.${r.channel}`),
  r.unit_symbol,
  req.t(`registry.routing.${r.routing_status}`),
  r.case_reference,
  req.t(`registry.status.${r.status}`),
  r.due_date,
]
