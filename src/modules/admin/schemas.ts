import { z } from 'zod'
import { roles } from '../../shared/auth/permissions.js'
import { optionalText } from '../../shared/forms/index.js'

const toArray = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v])

export const usernameField = z
  .string('admin.users.usernameRequired')
  .trim()
  .min(1, 'admin.users.usernameRequired')
  .max(64, 'common.validation.tooLong')
  .regex(/^[A-Za-z0-9._-]+$/, 'admin.users.usernameFormat')

export const displayNameField = z
  .string('admin.users.displayNameRequired')
  .trim()
  .min(1, 'admin.users.displayNameRequired')
  .max(200, 'common.validation.tooLong')

export const userForm = z.object({
  username: usernameField,
  displayName: displayNameField,
  email: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.email('admin.users.emailFormat').max(254, 'common.validation.tooLong').optional(),
  ),
  roles: z.preprocess(
    toArray,
    z.array(z.enum(roles, 'admin.users.rolesRequired')).min(1, 'admin.users.rolesRequired'),
  ),
  orgUnitId: z.preprocess(
    (v) => (v === '' || v === undefined ? null : v),
    z.coerce.number('admin.users.unitInvalid').int().positive().nullable(),
  ),
})
export type UserInput = z.infer<typeof userForm>

export const userEditForm = userForm.omit({ username: true })
export type UserEditInput = z.infer<typeof userEditForm>

export const unitForm = z.object({
  symbol: z
    .string('admin.units.symbolRequired')
    .trim()
    .min(1, 'admin.units.symbolRequired')
    .max(20, 'common.validation.tooLong')
    // Case-sign rule: letters and digits with at least one letter, optional hyphenated sub-unit (DOMAIN.md §1).
    .regex(/^[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)?$/, 'admin.units.symbolFormat'),
  name: z
    .string('admin.units.nameRequired')
    .trim()
    .min(1, 'admin.units.nameRequired')
    .max(200, 'common.validation.tooLong'),
  parentId: z.preprocess(
    (v) => (v === '' || v === undefined ? null : v),
    z.coerce.number().int().positive().nullable(),
  ),
})
export type UnitInput = z.infer<typeof unitForm>

export const mergeForm = z.object({
  targetId: z.coerce
    .number('admin.units.mergeTargetRequired')
    .int()
    .positive('admin.units.mergeTargetRequired'),
  note: optionalText(500),
})
