import { z } from 'zod'
import {
  dateField,
  emptyToUndefined,
  optionalDateField,
  optionalText,
  requiredText,
} from '../../shared/forms/index.js'

/** A whole number typed into a form: empty → undefined, anything else but digits → NaN (invalid). */
const toInt = (v: unknown) => {
  const s = emptyToUndefined(v)
  if (s === undefined) return undefined
  return /^\s*-?\d+\s*$/.test(String(s)) ? Number(s) : Number.NaN
}

function intField(key: string, min: number, max: number) {
  return z.preprocess(
    toInt,
    z
      .number({ error: (iss) => (iss.input === undefined ? key + '.required' : key + '.invalid') })
      .int(key + '.invalid')
      .min(min, key + '.invalid')
      .max(max, key + '.invalid'),
  )
}

function optionalInt(key: string, min: number, max: number) {
  return z.preprocess(
    toInt,
    z
      .number(key + '.invalid')
      .int(key + '.invalid')
      .min(min, key + '.invalid')
      .max(max, key + '.invalid')
      .optional(),
  )
}

const year = (key: string) => intField(key, 1900, 2100)

export const jrwaSymbol = z
  .string('archive.v.folder.jrwa.required')
  .trim()
  .min(1, 'archive.v.folder.jrwa.required')
  .regex(/^\d{1,4}$/, 'archive.v.folder.jrwa.invalid')

export const unitFolderForm = z
  .object({
    jrwaSymbol,
    title: requiredText('archive.v.folder.title', 500),
    yearFrom: year('archive.v.folder.yearFrom'),
    yearTo: optionalInt('archive.v.folder.yearTo', 1900, 2100),
    volumes: z.preprocess((v) => emptyToUndefined(v) ?? '1', intField('archive.v.folder.volumes', 1, 999)),
    notes: optionalText(1000),
  })
  .refine((f) => f.yearTo === undefined || f.yearTo >= f.yearFrom, {
    path: ['yearTo'],
    message: 'archive.v.folder.yearTo.beforeFrom',
  })
export type UnitFolderInput = z.infer<typeof unitFolderForm>

const toArray = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v])

export const attachFoldersForm = z.object({
  folderIds: z.preprocess(
    toArray,
    z.array(z.coerce.number().int().positive()).min(1, 'archive.v.transfer.chooseFolders'),
  ),
})

export const returnListForm = z.object({ remarks: requiredText('archive.v.transfer.remarks', 4000) })

const placePart = (key: string) =>
  requiredText(key, 20).regex(/^[\p{L}\d .\-/]+$/u, 'common.validation.invalid')

/** Acceptance: the delivery's linear metres and a shelf place for every folder on the list. */
export function acceptListForm(folderIds: number[]) {
  const shape: Record<string, z.ZodType> = {
    linearMetres: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().replace(',', '.') : v),
      z
        .string('archive.v.transfer.linearMetres.required')
        .min(1, 'archive.v.transfer.linearMetres.required')
        .regex(/^\d{1,4}(\.\d{1,3})?$/, 'archive.v.transfer.linearMetres.invalid')
        .refine((v) => Number(v) > 0, 'archive.v.transfer.linearMetres.invalid'),
    ),
  }
  for (const id of folderIds) {
    shape[`room_${id}`] = placePart('archive.v.place.room')
    shape[`rack_${id}`] = placePart('archive.v.place.rack')
    shape[`shelf_${id}`] = intField('archive.v.place.shelf', 1, 999)
    shape[`box_${id}`] = optionalText(20)
  }
  return z.object(shape)
}

export const queryForm = z
  .object({
    requesterKind: z.enum(['unit', 'person', 'authority'], 'archive.v.query.requesterKind.required'),
    requesterUnitId: optionalInt('archive.v.query.requesterUnit', 1, Number.MAX_SAFE_INTEGER),
    requesterName: optionalText(200),
    subject: requiredText('archive.v.query.subject', 1000),
    receivedOn: dateField('archive.v.query.receivedOn'),
    dueOn: dateField('archive.v.query.dueOn'),
    assigneeId: optionalInt('archive.v.query.assignee', 1, Number.MAX_SAFE_INTEGER),
  })
  .superRefine((q, ctx) => {
    if (q.requesterKind === 'unit' && !q.requesterUnitId)
      ctx.addIssue({
        code: 'custom',
        path: ['requesterUnitId'],
        message: 'archive.v.query.requesterUnit.required',
      })
    if (q.requesterKind !== 'unit' && !q.requesterName)
      ctx.addIssue({
        code: 'custom',
        path: ['requesterName'],
        message: 'archive.v.query.requesterName.required',
      })
    if (q.dueOn < q.receivedOn)
      ctx.addIssue({ code: 'custom', path: ['dueOn'], message: 'archive.v.query.dueOn.beforeReceived' })
  })
export type QueryInput = z.infer<typeof queryForm>

export const attachByBarcodeForm = z.object({
  barcode: requiredText('archive.v.query.barcode', 20).transform((v) => v.toUpperCase()),
})

export const answerForm = z
  .object({
    outcome: z.enum(['found', 'partly', 'nothing'], 'archive.v.query.outcome.required'),
    answerNote: optionalText(4000),
    outgoingItemId: optionalInt('archive.v.query.outgoingItemId', 1, Number.MAX_SAFE_INTEGER),
    answeredOn: dateField('archive.v.query.answeredOn'),
  })
  .refine((a) => a.answerNote || a.outgoingItemId, {
    path: ['answerNote'],
    message: 'archive.v.query.answerNote.required',
  })
export type AnswerInput = z.infer<typeof answerForm>

export const borrowerForm = z.object({
  fullName: requiredText('archive.v.borrower.fullName', 200),
  unitId: intField('archive.v.borrower.unit', 1, Number.MAX_SAFE_INTEGER),
  position: optionalText(200),
  authorisedBy: requiredText('archive.v.borrower.authorisedBy', 200),
  authorisedOn: dateField('archive.v.borrower.authorisedOn'),
  validUntil: optionalDateField(),
})
export type BorrowerInput = z.infer<typeof borrowerForm>

export const loanForm = z.object({
  barcode: requiredText('archive.v.loan.barcode', 20).transform((v) => v.toUpperCase()),
  borrowerId: intField('archive.v.loan.borrower', 1, Number.MAX_SAFE_INTEGER),
  kind: z.enum(['loan', 'reading_room'], 'archive.v.loan.kind.required'),
  lentOn: dateField('archive.v.loan.lentOn'),
  dueOn: dateField('archive.v.loan.dueOn'),
  purpose: optionalText(500),
  queryId: optionalInt('archive.v.loan.query', 1, Number.MAX_SAFE_INTEGER),
})
export type LoanInput = z.infer<typeof loanForm>

export const returnLoanForm = z.object({ returnedOn: dateField('archive.v.loan.returnedOn') })

export const holdForm = z.object({ reason: requiredText('archive.v.hold.reason', 500) })

export const expertForm = z.object({
  decision: z.enum(['destroy', 'keep'], 'archive.v.expert.decision.required'),
  reference: requiredText('archive.v.expert.reference', 100),
  decidedOn: dateField('archive.v.expert.decidedOn'),
})
export type ExpertInput = z.infer<typeof expertForm>

export const stocktakeForm = z
  .object({
    room: placePart('archive.v.place.room'),
    rack: placePart('archive.v.place.rack'),
    shelfFrom: intField('archive.v.stocktake.shelfFrom', 1, 999),
    shelfTo: intField('archive.v.stocktake.shelfTo', 1, 999),
    barcodes: requiredText('archive.v.stocktake.barcodes', 200_000),
  })
  .refine((s) => s.shelfTo >= s.shelfFrom, {
    path: ['shelfTo'],
    message: 'archive.v.stocktake.shelfTo.beforeFrom',
  })
export type StocktakeInput = z.infer<typeof stocktakeForm>

export const consentForm = z.object({
  consentReference: requiredText('archive.v.disposal.consentReference', 100),
  consentOn: dateField('archive.v.disposal.consentOn'),
})

export const destroyForm = z.object({
  protocolReference: requiredText('archive.v.disposal.protocolReference', 100),
  destroyedOn: dateField('archive.v.disposal.destroyedOn'),
})

/** Holdings filters from the query string: non-personal, so they stay in the URL. */
export const holdingsQuery = z.object({
  q: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  unit: optionalInt('archive.v.holdings.unit', 1, Number.MAX_SAFE_INTEGER),
  jrwa: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{1,4}$/, 'archive.v.folder.jrwa.invalid')
      .optional(),
  ),
  category: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(A|B\d{1,3}|BE\d{1,3}|Bc)$/, 'archive.v.holdings.category.invalid')
      .optional(),
  ),
  yearFrom: optionalInt('archive.v.holdings.yearFrom', 1900, 2100),
  yearTo: optionalInt('archive.v.holdings.yearTo', 1900, 2100),
  room: z.preprocess(emptyToUndefined, z.string().trim().max(20).optional()),
  rack: z.preprocess(emptyToUndefined, z.string().trim().max(20).optional()),
  shelf: optionalInt('archive.v.holdings.shelf', 1, 999),
  status: z.preprocess(emptyToUndefined, z.enum(['held', 'destroyed', 'state_archive']).optional()),
  after: optionalInt('archive.v.holdings.after', 1, Number.MAX_SAFE_INTEGER),
})
