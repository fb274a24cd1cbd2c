import { z } from 'zod'
import { PASSWORD_MAX } from '../../shared/auth/passwords.js'
import { displayNameField, usernameField } from '../admin/schemas.js'

export const loginForm = z.object({
  username: z
    .string('auth.login.usernameRequired')
    .trim()
    .min(1, 'auth.login.usernameRequired')
    .max(64, 'auth.login.usernameRequired'),
  password: z
    .string('auth.login.passwordRequired')
    .min(1, 'auth.login.passwordRequired')
    .max(PASSWORD_MAX * 4, 'auth.password.tooLong'),
  next: z.string().optional(),
})

export const secondFactorForm = z.object({
  code: z
    .string('auth.totp.codeRequired')
    .trim()
    .min(1, 'auth.totp.codeRequired')
    .max(40, 'auth.totp.codeWrong'),
})

const newPassword = z.string('auth.password.required').min(1, 'auth.password.required')

export const setupForm = z
  .object({
    username: usernameField,
    displayName: displayNameField,
    newPassword,
    confirmPassword: z.string().optional(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'auth.password.mismatch',
  })

export const passwordForm = z
  .object({
    currentPassword: z.string('auth.password.currentRequired').min(1, 'auth.password.currentRequired'),
    newPassword,
    confirmPassword: z.string().optional(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'auth.password.mismatch',
  })

export const enrolForm = z.object({
  code: z
    .string('auth.totp.codeRequired')
    .trim()
    .min(1, 'auth.totp.codeRequired')
    .max(10, 'auth.totp.codeWrong'),
  currentPassword: z.string('auth.password.currentRequired').min(1, 'auth.password.currentRequired'),
})

export const reauthForm = z.object({
  currentPassword: z.string('auth.password.currentRequired').min(1, 'auth.password.currentRequired'),
})
