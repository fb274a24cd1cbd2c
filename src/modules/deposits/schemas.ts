import { z } from 'zod'
import { emptyToUndefined, optionalDateField, optionalText, requiredText } from '../../shared/forms/index.js'
import { countryCode, optionalCountryCode, partialDateField, sexField } from '../foreigners/schemas.js'

const latin = (key: string, required: boolean) => {
  const base = z
    .string()
    .trim()
    .max(200, 'common.validation.tooLong')
    .regex(/^[\p{Script=Latin}' .-]*$/u, 'foreigners.name.latinOnly')
  return required
    ? z.string(key + '.required').pipe(base.pipe(z.string().min(1, key + '.required')))
    : z.preprocess((v) => v ?? '', base)
}

const positiveId = (key: string) =>
  z.preprocess(emptyToUndefined, z.coerce.number(key).int(key).positive(key))

export const documentTypes = ['passport', 'travel_document', 'id_card'] as const

export const depositForm = z.object({
  mrz: optionalText(300),
  documentType: z.enum(documentTypes, 'deposits.documentType.required'),
  documentNumber: z
    .string('deposits.documentNumber.required')
    .transform((v) => v.toUpperCase().replace(/\s+/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'deposits.documentNumber.required')
        .max(30, 'common.validation.tooLong')
        .regex(/^[A-Z0-9-]+$/, 'deposits.documentNumber.format'),
    ),
  issuingCountry: countryCode('deposits.issuingCountry'),
  nationality: optionalCountryCode('deposits.nationality'),
  issueDate: optionalDateField(),
  expiryDate: optionalDateField(),
  surname: latin('deposits.surname', true),
  givenNames: latin('deposits.givenNames', false),
  sex: sexField,
  birthDate: partialDateField('foreigners.birthDate'),
  holder: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(new|\d{1,12})$/, 'deposits.holder.required')
      .optional(),
  ),
  protectionCaseRef: optionalText(60),
  placeId: positiveId('deposits.placeId.required'),
  sealNumber: requiredText('deposits.sealNumber', 40),
  conditionNotes: optionalText(2000),
})
export type DepositInput = z.infer<typeof depositForm>

export const movementForm = z.object({
  kind: z.enum(
    [
      'moved',
      'resealed',
      'released',
      'returned_to_deposit',
      'returned_to_owner',
      'handed_over',
      'reported_missing',
      'found',
      'correction',
    ],
    'deposits.movement.kind.required',
  ),
  placeId: z.preprocess(
    emptyToUndefined,
    z.coerce.number('deposits.movement.placeId.required').int().positive().optional(),
  ),
  sealOld: optionalText(40),
  sealNew: optionalText(40),
  releasedTo: optionalText(200),
  purpose: optionalText(500),
  dueBackOn: optionalDateField(),
  identityChecked: z.preprocess((v) => v === 'yes', z.boolean()),
  identityDocument: optionalText(200),
  acknowledgment: optionalText(500),
  authority: optionalText(200),
  letterRef: optionalText(100),
  correctsMovementId: z.preprocess(
    emptyToUndefined,
    z.coerce.number('deposits.movement.correctsMovementId.required').int().positive().optional(),
  ),
  note: optionalText(2000),
})
export type MovementFormInput = z.infer<typeof movementForm>

export const lookupForm = z.object({
  q: requiredText('deposits.lookup.q', 200),
})

export const placeForm = z.object({
  code: z
    .string('deposits.places.code.required')
    .trim()
    .min(1, 'deposits.places.code.required')
    .max(30, 'common.validation.tooLong')
    .regex(/^[A-Za-z0-9-]+$/, 'deposits.places.code.format'),
  kind: z.enum(['safe', 'shelf', 'envelope'], 'deposits.places.kind.required'),
  name: requiredText('deposits.places.name', 200),
})

export const stocktakeStartForm = z.object({
  placeId: z.coerce
    .number('deposits.stocktakes.placeId.required')
    .int()
    .positive('deposits.stocktakes.placeId.required'),
})

export const scansForm = z.object({
  codes: requiredText('deposits.stocktakes.codes', 20000),
})
