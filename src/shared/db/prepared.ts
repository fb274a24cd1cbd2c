import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Db } from './index.js'

const names = new Map<string, string>()

/**
 * A statement PostgreSQL parses and plans once per connection (a named prepared statement) instead of
 * on every run: worth it for a long statement run often, where planning costs a good part of running
 * it. The name comes from the text, so one text is one statement; keep values out of the text (each
 * distinct text stays prepared on every connection). The embedded database ignores the name.
 */
export function prepared(db: Db, sql: string, bindings: readonly Knex.RawBinding[]): Knex.Raw {
  let name = names.get(sql)
  if (!name)
    names.set(sql, (name = `bok_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 24)}`))
  return db.raw(sql, bindings).options({ name })
}
