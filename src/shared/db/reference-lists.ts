import type { Knex } from 'knex'
import type { Db } from './index.js'

/** Bumped by every drop: a copy made under an older generation is not served. */
let generation = 0

/**
 * Small reference lists (active units, staff) that most pages read for their filter and form choices,
 * kept per process for a few seconds: two round trips fewer on every list page. A change made through
 * this process drops them once it commits; one made through another process (behind a load balancer)
 * shows within `ttlMs`. Decisions never rest on these copies: services check a submitted unit or person
 * against the database.
 */
export function referenceList<T>(load: (db: Knex) => Promise<T>, ttlMs = 10_000): (db: Knex) => Promise<T> {
  const copies = new WeakMap<Knex, { at: number; generation: number; value: Promise<T> }>()
  return (db) => {
    const now = Date.now()
    const copy = copies.get(db)
    if (copy && copy.generation === generation && now - copy.at < ttlMs) return copy.value
    // A real promise: a query builder handed back as is would run again at every await.
    const value = Promise.resolve(load(db))
    const fresh = { at: now, generation, value }
    copies.set(db, fresh)
    value.catch(() => copies.get(db) === fresh && copies.delete(db))
    return value
  }
}

/**
 * Drops every reference list of this process, now and, inside a transaction, again once it ends: a
 * page loading the list meanwhile would otherwise keep the version from before the commit.
 */
export function dropReferenceLists(db: Db): void {
  generation += 1
  const ending = (db as Knex.Transaction).executionPromise as Promise<unknown> | undefined
  if ((db as Knex.Transaction).isTransaction && ending)
    void ending.then(
      () => (generation += 1),
      () => (generation += 1),
    )
}
