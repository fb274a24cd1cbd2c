import type { Knex } from 'knex'
import type { Role } from '../../src/shared/auth/permissions.js'

/** What the core demo seed created, for the module seeds to build on. */
export interface DemoContext {
  knex: Knex
  /** Unit symbol → id, e.g. units.BOK, units.WAE. */
  units: Record<string, number>
  /** One demo user per role. */
  users: Record<Role, { id: number; username: string; displayName: string; unitSymbol: string | null }>
  log(message: string): void
}

export type DemoSeed = (ctx: DemoContext) => Promise<void>
