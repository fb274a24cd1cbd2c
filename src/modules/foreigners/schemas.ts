import { z } from 'zod'
import { emptyToUndefined, optionalText, requiredText } from '../../shared/forms/index.js'
import { parsePartialDate, peselProblem } from './identifiers.js'

/** A country code as typed or read from an MRZ: `ukr`, `UKR`, `D<<` → `UKR`, `D`. */
export const countryCode = (key: string) =>
  z
    .string(key + '.required')
    .transform((v) => v.toUpperCase().replace(/[<\s]/g, ''))
    .pipe(z.string().regex(/^[A-Z]{1,3}$/, key + '.required'))

export const optionalCountryCode = (key: string) =>
  z.preprocess(emptyToUndefined, countryCode(key).optional())

export const partialDateField = (key: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v, ctx) => {
        const parsed = parsePartialDate(v)
        if (!parsed) {
          ctx.addIssue({ code: 'custom', message: key + '.invalid' })
          return z.NEVER
        }
        return parsed
      })
      .optional(),
  )

export const peselField = z.preprocess(
  (v) => (typeof v === 'string' ? (v.replace(/\s/g, '') === '' ? undefined : v.replace(/\s/g, '')) : v),
  z
    .string()
    .superRefine((v, ctx) => {
      const problem = peselProblem(v)
      if (problem) ctx.addIssue({ code: 'custom', message: `foreigners.pesel.${problem}` })
    })
    .optional(),
)

/** Names as in the document, Latin script; letters of any alphabet with accents, spaces, ' - . allowed. */
const latinName = (key: string, required: boolean) => {
  const base = z
    .string()
    .trim()
    .max(200, 'common.validation.tooLong')
    .regex(/^[\p{Script=Latin}' .-]*$/u, 'foreigners.name.latinOnly')
  return required
    ? z.string(key + '.required').pipe(base.pipe(z.string().min(1, key + '.required')))
    : z.preprocess((v) => v ?? '', base)
}

export const sexField = z.preprocess(
  emptyToUndefined,
  z.enum(['F', 'M', 'X'], 'foreigners.sex.invalid').optional(),
)

export const foreignerForm = z.object({
  surname: latinName('foreigners.surname', true),
  givenNames: latinName('foreigners.givenNames', false),
  surnameOriginal: optionalText(200),
  givenNamesOriginal: optionalText(200),
  sex: sexField,
  birthDate: partialDateField('foreigners.birthDate'),
  birthPlace: optionalText(200),
  citizenship: optionalCountryCode('foreigners.citizenship'),
  citizenship2: optionalCountryCode('foreigners.citizenship'),
  caseNumber: optionalText(50),
  pesel: peselField,
  confirmedNotDuplicate: z.preprocess(emptyToUndefined, z.literal('yes').optional()),
})
export type ForeignerInput = z.infer<typeof foreignerForm>

/** The edit form: the create form's fields, the case status, and the version the form was shown. */
export const foreignerEditForm = foreignerForm.extend({
  caseStatus: z.enum(['open', 'ended'], 'foreigners.caseStatus.required'),
  version: z.coerce
    .number('foreigners.edit.stale')
    .int('foreigners.edit.stale')
    .positive('foreigners.edit.stale'),
})
export type ForeignerEditInput = z.infer<typeof foreignerEditForm>

export const caseStatusForm = z.object({
  caseStatus: z.enum(['open', 'ended'], 'foreigners.caseStatus.required'),
})

export const nameSearchForm = z.object({
  name: requiredText('foreigners.search.name', 200),
  birthYear: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number('foreigners.search.birthYear.invalid')
      .int('foreigners.search.birthYear.invalid')
      .min(1900, 'foreigners.search.birthYear.invalid')
      .max(2100, 'foreigners.search.birthYear.invalid')
      .optional(),
  ),
})
