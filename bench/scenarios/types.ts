import type { Knex } from 'knex'
import type { Role } from '../../src/shared/auth/permissions.js'
import type { ScaleSizes } from '../../seeds/scale/context.js'
import type { BenchRequest } from '../load.js'
import type { Session } from '../bok.js'

/** The same SQL a read scenario runs in BOK, for the bare node:http + pg floor server. */
export interface FloorSpec {
  /** Run in order per request with params[i % params.length]; the last one's rows are rendered. */
  queries: Array<{
    sql: string
    params: unknown[][]
    /** Prepared, where BOK prepares it. */ prepared?: boolean
  }>
  /**
   * The page records its view in the audit log (personal data shown): the floor writes one durable row
   * per request too (its own table, one INSERT committed before the response, beside the reads), so the
   * ratio measures BOK's layers and not the price of the audit trail the office requires.
   */
  audit?: string
}

export interface Prepared {
  requests: BenchRequest[]
  /** Send the role's session cookie (false: an anonymous visitor). */
  signedIn: boolean
  expect: number[]
  floor?: FloorSpec
  /** The search query to show with EXPLAIN (ANALYZE, BUFFERS) at the largest size. */
  explain?: { sql: string; params: unknown[] }
}

export interface BenchEnv {
  knex: Knex
  sizes: ScaleSizes
  session(role: Role): Promise<Session>
  /** How many different requests to prepare per scenario (search terms, ids). */
  variety: number
}

export interface Quality {
  recall_at_10: number
  decoy_above_match_rate: number
  queries: number
  /** Recall by name origin (uk, ru, ar, ka, tr, vi), for the report. */
  breakdown?: string
}

export interface Scenario {
  name: string
  role: Role | null
  /** Tables that must exist (the module has landed) for the scenario to run. */
  requires: string[]
  /** The size the scenario is measured against (rows of its main table). */
  rows(sizes: ScaleSizes): number
  kind: 'page' | 'list' | 'search' | 'write' | 'pdf'
  /** Steady arrival rate for this scenario (default 50/s; a receipt is printed every few seconds, not 50 a second). */
  steadyRate?: number
  prepare(env: BenchEnv): Promise<Prepared>
  quality?(env: BenchEnv): Promise<Quality>
}

/** The session id inside express-session's signed cookie `bok.sid=s%3A<sid>.<signature>`. */
export function sidOf(cookie: string): string {
  const value = decodeURIComponent(cookie.split('=').slice(1).join('='))
  return value.replace(/^s:/, '').replace(/\.[^.]+$/, '')
}
