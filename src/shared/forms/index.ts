import { z } from 'zod'
import { formatterPerZone } from './intl.js'
import { officeTimeZone } from '../clock/office.js'

export interface FieldError {
  field: string
  href: string
  key: string
  params?: Record<string, string | number>
}

/** One error for one field, as the error summary and the field's message show it. */
export function fieldError(field: string, key: string, params?: Record<string, string | number>): FieldError {
  return { field, href: `#${field}`, key, ...(params ? { params } : {}) }
}

/** The same, from a service's refusal `{ field, key, params? }`. */
export const toFieldError = (r: { field: string; key: string; params?: Record<string, string | number> }) =>
  fieldError(r.field, r.key, r.params)

export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, unknown>; errors: [] }
  | { ok: false; values: Record<string, unknown>; errors: FieldError[] }

const isCatalogKey = (m: string) => /^[a-z][\w-]*(\.[\w-]+)+$/i.test(m)

function keyFor(issue: z.core.$ZodIssue): string {
  if (isCatalogKey(issue.message)) return issue.message
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
    return 'common.validation.required'
  }
  if (issue.code === 'too_big') return 'common.validation.tooLong'
  if (issue.code === 'too_small') return 'common.validation.required'
  return 'common.validation.invalid'
}

/**
 * Parses a submitted form. On failure returns the typed values (so the page shows them again) and
 * the errors in the order of the form's fields, each a catalog key translated when rendered.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = (body && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {}) as Record<
    string,
    unknown
  >
  delete values._csrf
  delete values.password
  delete values.newPassword
  delete values.currentPassword
  delete values.confirmPassword
  const result = schema.safeParse(body ?? {})
  if (result.success) return { ok: true, data: result.data, values, errors: [] }
  const order = schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    if (seen.has(field)) continue
    seen.add(field)
    const params = (issue as { params?: Record<string, string | number> }).params
    errors.push({ field, href: `#${field}`, key: keyFor(issue), ...(params ? { params } : {}) })
  }
  errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field))
  return { ok: false, values, errors }
}

/** Empty strings from a form become undefined, so optional fields stay optional. */
export const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

export function requiredText(key: string, max = 500) {
  return z
    .string(key + '.required')
    .trim()
    .min(1, key + '.required')
    .max(max, 'common.validation.tooLong')
}

export function optionalText(max = 2000) {
  return z.preprocess(emptyToUndefined, z.string().trim().max(max, 'common.validation.tooLong').optional())
}

/** dd.mm.rrrr (Polish), d.m.rrrr, or ISO yyyy-mm-dd → 'YYYY-MM-DD' when the day exists. */
export function parseDate(input: string): string | null {
  const s = input.trim()
  let y: number, m: number, d: number
  let match = /^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$/.exec(s)
  if (match) {
    d = Number(match[1])
    m = Number(match[2])
    y = Number(match[3])
  } else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) {
    y = Number(match[1])
    m = Number(match[2])
    d = Number(match[3])
  } else return null
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null
  if (y < 1850 || y > 2200) return null
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

export function dateField(key: string) {
  return z
    .string(key + '.required')
    .trim()
    .min(1, key + '.required')
    .transform((v, ctx) => {
      const iso = parseDate(v)
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'common.validation.date' })
        return z.NEVER
      }
      return iso
    })
}

export function optionalDateField() {
  return z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v, ctx) => {
        const iso = parseDate(v)
        if (!iso) {
          ctx.addIssue({ code: 'custom', message: 'common.validation.date' })
          return z.NEVER
        }
        return iso
      })
      .optional(),
  )
}

/** Formats an ISO date (or Date) the Polish way for display. */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return ''
  const iso = value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10)
  const [y, m, d] = iso.split('-')
  return `${d}.${m}.${y}`
}

const polishDateTime = formatterPerZone(
  (timeZone) =>
    new Intl.DateTimeFormat('pl-PL', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }),
)

export function formatDateTime(value: Date | string | null | undefined, timeZone = officeTimeZone): string {
  if (!value) return ''
  const date = value instanceof Date ? value : new Date(value)
  return polishDateTime(timeZone).format(date)
}
