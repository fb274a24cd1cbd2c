import { z } from 'zod'
import { PASSWORD_MAX } from '../../shared/auth/passwords.js'

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
    username: z
      .string('admin.users.usernameRequired')
      .trim()
      .min(1, 'admin.users.usernameRequired')
      .max(64, 'common.validation.tooLong')
      .regex(/^[A-Za-z0-9._-]+$/, 'admin.users.usernameFormat'),
    displayName: z
      .string('admin.users.displayNameRequired')
      .trim()
      .min(1, 'admin.users.displayNameRequired')
      .max(200, 'common.validation.tooLong'),
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
