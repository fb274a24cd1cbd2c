import { z } from 'zod'
import {
  dateField,
  emptyToUndefined,
  optionalDateField,
  optionalText,
  requiredText,
} from '../../shared/forms/index.js'
import {
  isCaseReference,
  isEDeliveryAddress,
  isRegisteredMailNumber,
  normaliseTrackingNumber,
  parseRegisterNumber,
} from './validators.js'

export const incomingChannels = [
  'post',
  'registered_mail',
  'courier',
  'in_person',
  'epuap',
  'edelivery',
  'email',
] as const
export type IncomingChannel = (typeof incomingChannels)[number]
export const outgoingChannels = ['post', 'courier', 'in_person', 'epuap', 'edelivery', 'email'] as const
export const itemForms = ['paper', 'electronic'] as const
export const senderKinds = ['person', 'institution'] as const
export const inquirerKinds = ['person', 'company', 'organisation'] as const
export const electronicChannels: readonly string[] = ['epuap', 'edelivery', 'email']

const optionalId = z.preprocess(
  emptyToUndefined,
  z.coerce.number('common.validation.invalid').int().positive('common.validation.invalid').optional(),
)
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean())

const timeField = z
  .string('registry.receivedTime.required')
  .trim()
  .min(1, 'registry.receivedTime.required')
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'registry.receivedTime.format')
  .transform((v) => v.padStart(5, '0'))

const eDeliveryField = z.preprocess(
  (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toUpperCase()) : v),
  z.string().refine(isEDeliveryAddress, 'registry.edelivery.format').optional(),
)

const caseReferenceField = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .max(60, 'common.validation.tooLong')
    .refine(isCaseReference, 'registry.caseReference.format')
    .optional(),
)

const trackingField = z.preprocess(
  (v) => (typeof v === 'string' ? emptyToUndefined(normaliseTrackingNumber(v)) : v),
  z.string().max(40, 'common.validation.tooLong').optional(),
)

const emailField = z.preprocess(
  emptyToUndefined,
  z.email('registry.email.format').max(254, 'common.validation.tooLong').optional(),
)

export const incomingForm = z
  .object({
    receivedDate: dateField('registry.receivedDate'),
    receivedTime: timeField,
    letterDate: optionalDateField(),
    senderId: optionalId,
    senderKind: z.enum(senderKinds, 'registry.senderKind.required'),
    senderName: requiredText('registry.senderName', 200),
    senderAddress: optionalText(500),
    senderEmail: emailField,
    senderEpuap: optionalText(200),
    senderEdelivery: eDeliveryField,
    senderReference: optionalText(100),
    subject: requiredText('registry.subject', 500),
    channel: z.enum(incomingChannels, 'registry.channel.required'),
    form: z.enum(itemForms, 'registry.form.required'),
    trackingNumber: trackingField,
    enclosuresCount: z.preprocess(
      (v) => (v === '' || v === undefined ? 0 : v),
      z.coerce
        .number('registry.enclosuresCount.format')
        .int('registry.enclosuresCount.format')
        .min(0, 'registry.enclosuresCount.format')
        .max(999, 'registry.enclosuresCount.format'),
    ),
    enclosuresDescription: optionalText(500),
    unitId: optionalId,
    assigneeId: optionalId,
    caseReference: caseReferenceField,
    notes: optionalText(4000),
    importId: z.preprocess(emptyToUndefined, z.uuid().optional()),
  })
  .superRefine((v, ctx) => {
    // Only registered mail has a postal tracking number to check; a courier's number is kept as given.
    if (v.trackingNumber && v.channel === 'registered_mail' && !isRegisteredMailNumber(v.trackingNumber))
      ctx.addIssue({ code: 'custom', path: ['trackingNumber'], message: 'registry.trackingNumber.format' })
    if (v.trackingNumber && v.channel !== 'registered_mail' && v.channel !== 'courier')
      ctx.addIssue({
        code: 'custom',
        path: ['trackingNumber'],
        message: 'registry.trackingNumber.notForChannel',
      })
    if (v.channel === 'edelivery' && !v.senderEdelivery)
      ctx.addIssue({ code: 'custom', path: ['senderEdelivery'], message: 'registry.edelivery.required' })
    if (v.assigneeId && !v.unitId)
      ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'registry.unit.requiredForPerson' })
  })
export type IncomingInput = z.infer<typeof incomingForm>

export const outgoingForm = z
  .object({
    addresseeName: requiredText('registry.addresseeName', 200),
    addresseeAddress: optionalText(500),
    addresseeEdelivery: eDeliveryField,
    subject: requiredText('registry.subject', 500),
    channel: z.enum(outgoingChannels, 'registry.channel.required'),
    postKind: z.preprocess(
      emptyToUndefined,
      z.enum(['ordinary', 'registered'], 'registry.postKind.required').optional(),
    ),
    priority: checkbox,
    returnReceipt: checkbox,
    trackingNumber: trackingField,
    dispatchDate: dateField('registry.dispatchDate'),
    relatedIncoming: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .trim()
        .refine((v) => !!parseRegisterNumber(v), 'registry.relatedIncoming.format')
        .optional(),
    ),
    isAnswer: checkbox,
    caseReference: caseReferenceField,
    unitId: optionalId,
    notes: optionalText(4000),
  })
  .superRefine((v, ctx) => {
    if (v.channel === 'post' && !v.postKind)
      ctx.addIssue({ code: 'custom', path: ['postKind'], message: 'registry.postKind.required' })
    const registered = v.channel === 'post' && v.postKind === 'registered'
    if (registered && !v.trackingNumber)
      ctx.addIssue({ code: 'custom', path: ['trackingNumber'], message: 'registry.trackingNumber.required' })
    if (registered && v.trackingNumber && !isRegisteredMailNumber(v.trackingNumber))
      ctx.addIssue({ code: 'custom', path: ['trackingNumber'], message: 'registry.trackingNumber.format' })
    if (v.trackingNumber && !registered && v.channel !== 'courier')
      ctx.addIssue({
        code: 'custom',
        path: ['trackingNumber'],
        message: 'registry.trackingNumber.notForChannel',
      })
    if (v.returnReceipt && !registered)
      ctx.addIssue({
        code: 'custom',
        path: ['returnReceipt'],
        message: 'registry.returnReceipt.onlyRegistered',
      })
    if (v.channel === 'edelivery' && !v.addresseeEdelivery)
      ctx.addIssue({ code: 'custom', path: ['addresseeEdelivery'], message: 'registry.edelivery.required' })
    if (v.isAnswer && !v.relatedIncoming)
      ctx.addIssue({
        code: 'custom',
        path: ['relatedIncoming'],
        message: 'registry.relatedIncoming.requiredForAnswer',
      })
  })
export type OutgoingInput = z.infer<typeof outgoingForm>

export const routeForm = z.object({
  unitId: z.coerce.number('registry.unit.required').int().positive('registry.unit.required'),
  assigneeId: optionalId,
  note: optionalText(500),
})
export type RouteInput = z.infer<typeof routeForm>

export const reasonForm = z.object({ reason: requiredText('registry.reason', 500) })

export const caseForm = z.object({
  jrwaSymbol: z
    .string('registry.jrwaSymbol.required')
    .trim()
    .min(1, 'registry.jrwaSymbol.required')
    .regex(/^\d{1,4}$/, 'registry.jrwaSymbol.format'),
  title: requiredText('registry.caseTitle', 300),
})
export type CaseInput = z.infer<typeof caseForm>

export const inquiryForm = z.object({
  inquiryTypeId: z.coerce
    .number('registry.inquiryType.required')
    .int()
    .positive('registry.inquiryType.required'),
  inquirerKind: z.enum(inquirerKinds, 'registry.inquirerKind.required'),
})
export type InquiryInput = z.infer<typeof inquiryForm>

export const delayForm = z.object({
  newDueDate: dateField('registry.newDueDate'),
  notifiedOn: dateField('registry.notifiedOn'),
  delayReason: requiredText('registry.delayReason', 1000),
})
export type DelayInput = z.infer<typeof delayForm>

export const deliveryForm = z.object({ deliveredOn: dateField('registry.deliveredOn') })

export const searchForm = z.object({
  q: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string('registry.search.required')
      .min(2, 'registry.search.tooShort')
      .max(200, 'common.validation.tooLong'),
  ),
})

/** Filters without personal data: they stay in the query string. */
export const listFilters = z.object({
  from: optionalDateField(),
  to: optionalDateField(),
  channel: z.preprocess(emptyToUndefined, z.enum(incomingChannels).optional()),
  unitId: optionalId,
  status: z.preprocess(emptyToUndefined, z.enum(['registered', 'annulled']).optional()),
  routing: z.preprocess(
    emptyToUndefined,
    z.enum(['unassigned', 'assigned', 'accepted', 'returned']).optional(),
  ),
  inquiry: z.preprocess(emptyToUndefined, z.enum(['any', 'open', 'overdue']).optional()),
})
export type ListFilters = z.infer<typeof listFilters>

export const periodFilters = z.object({ from: optionalDateField(), to: optionalDateField() })
