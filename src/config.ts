import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { z } from 'zod'

const roleList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

/** Every environment variable BOK reads, in one place (README lists them). */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  FILES_DIR: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  FIELD_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().min(1).max(24).default(10),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: z.string().default('loopback'),
  MFA_REQUIRED_ROLES: roleList,
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(3).max(100).default(10),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(5).max(10000).default(50),
  ARGON2_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  AUDIT_CHECKPOINT_DIR: z.string().optional(),
  AUDIT_SIGNING_KEY_FILE: z.string().optional(),
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  SEARCHES_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(240),
  EXPORTS_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(20),
  UPLOAD_MAX_MB: z.coerce.number().min(1).max(200).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_LANGUAGE: z.enum(['pl', 'en']).default('pl'),
})

export type Env = z.infer<typeof envSchema>

export interface Config extends Env {
  dataDir: string
  filesDir: string
  checkpointDir: string
  signingKeyFile: string
  sessionSecret: string
  fieldEncryptionKey: string
  publicUrl: string
  cookieSecure: boolean
  embedded: boolean
}

export class ConfigError extends Error {}

export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(env)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return result.data
}

/** Reads a secret kept in the data folder, creating it on first use. */
function persistentSecret(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  const secret = crypto.randomBytes(48).toString('base64url')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
  return secret
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseEnv(env)
  const dataDir = path.resolve(parsed.DATA_DIR)
  fs.mkdirSync(dataDir, { recursive: true })
  const publicUrl = (parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/$/, '')
  return {
    ...parsed,
    dataDir,
    filesDir: path.resolve(parsed.FILES_DIR ?? path.join(dataDir, 'files')),
    checkpointDir: path.resolve(parsed.AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, 'audit-checkpoints')),
    signingKeyFile: path.resolve(
      parsed.AUDIT_SIGNING_KEY_FILE ?? path.join(dataDir, 'keys', 'audit-signing.pem'),
    ),
    sessionSecret: parsed.SESSION_SECRET ?? persistentSecret(path.join(dataDir, 'keys', 'session-secret')),
    fieldEncryptionKey:
      parsed.FIELD_ENCRYPTION_KEY ?? persistentSecret(path.join(dataDir, 'keys', 'field-encryption-key')),
    publicUrl,
    cookieSecure: parsed.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
    embedded: !parsed.DATABASE_URL,
  }
}
