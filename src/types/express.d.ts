import type { TFunction } from 'i18next'
import type { Actor } from '../shared/audit/audit.js'
import type { UploadedFile, UploadedText } from '../shared/files/upload.js'
import type { FieldError } from '../shared/forms/index.js'

declare global {
  namespace Express {
    interface User {
      id: number
      username: string
      displayName: string
      roles: string[]
      orgUnitId: number | null
      unitSymbol: string | null
      unitName: string | null
      totpEnabled: boolean
      mustChangePassword: boolean
    }
    interface Request {
      t: TFunction
      lang: 'pl' | 'en'
      actor: Actor
      uploaded?: UploadedFile[]
      uploadedText?: UploadedText
      uploadErrors?: FieldError[]
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    createdAt: number
    csrfToken: string
    flash: Array<{
      type: 'success' | 'info' | 'error'
      key: string
      params?: Record<string, string | number>
    }>
    pendingMfa: { userId: number; next?: string; createdAt: number }
    reauthAt: number
  }
}

export {}
