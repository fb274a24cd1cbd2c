import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Express } from 'express'
import request from 'supertest'
import type TestAgent from 'supertest/lib/agent.js'
import type { Knex } from 'knex'
import { loadConfig, type Config } from '../../src/config.js'
import { createApp } from '../../src/app.js'
import { createLogger } from '../../src/shared/logger.js'
import { hashPassword } from '../../src/shared/auth/passwords.js'
import { insertUser } from '../../src/modules/admin/users-repository.js'
import { insertUnit } from '../../src/modules/admin/units-repository.js'
import type { Role } from '../../src/shared/auth/permissions.js'
import type { AppDeps } from '../../src/modules/types.js'
import { createTestDatabase } from './db.js'

export const TEST_PASSWORD = 'correct horse battery staple 2026'

export interface TestContext {
  app: Express
  db: Knex
  deps: AppDeps
  config: Config
  dataDir: string
  close(): Promise<void>
}

/** The whole app on a fresh database and a fresh data folder. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestContext> {
  const database = await createTestDatabase()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-test-'))
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Suites walk every route many times a minute as one user; the limiter has its own test.
    SEARCHES_PER_MINUTE: '100000',
    EXPORTS_PER_MINUTE: '100000',
    ...env,
  })
  const { app, deps } = await createApp({ db: database.knex, config, logger: createLogger('silent') })
  return {
    app,
    db: database.knex,
    deps,
    config,
    dataDir,
    close: async () => {
      await database.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

let unitCounter = 0
export async function createUnit(db: Knex, symbol?: string, name?: string): Promise<number> {
  unitCounter += 1
  return insertUnit(db, { symbol: symbol ?? `U${unitCounter}`, name: name ?? `Unit ${unitCounter}` })
}

let userCounter = 0
export async function createUser(
  db: Knex,
  opts: {
    roles: Role[]
    orgUnitId?: number | null
    username?: string
    password?: string
    mustChangePassword?: boolean
  },
): Promise<{ id: number; username: string; password: string }> {
  userCounter += 1
  const username = opts.username ?? `${opts.roles[0]}${userCounter}`
  const password = opts.password ?? TEST_PASSWORD
  const id = await insertUser(db, {
    username,
    displayName: `Test ${username}`,
    passwordHash: await hashPassword(password),
    roles: opts.roles,
    orgUnitId: opts.orgUnitId ?? null,
    mustChangePassword: opts.mustChangePassword ?? false,
  })
  return { id, username, password }
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match) throw new Error('no CSRF token on the page')
  return match[1]!
}

export interface SignedIn {
  agent: TestAgent
  csrf: string
  userId: number
}

/** A supertest agent signed in as the user, with the session's CSRF token. */
export async function signIn(
  app: Express,
  user: { username: string; password: string; id: number },
): Promise<SignedIn> {
  const agent = request.agent(app)
  const loginPage = await agent.get('/login')
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(loginPage.text), username: user.username, password: user.password })
  if (res.status !== 303) throw new Error(`login failed with ${res.status}`)
  const home = await agent.get('/account/password')
  return { agent, csrf: csrfFrom(home.text), userId: user.id }
}

/** Creates a user with the roles and signs them in. */
export async function signInAs(
  ctx: TestContext,
  roles: Role[],
  orgUnitId?: number | null,
): Promise<SignedIn> {
  const user = await createUser(ctx.db, { roles, orgUnitId: orgUnitId ?? null })
  return signIn(ctx.app, user)
}
