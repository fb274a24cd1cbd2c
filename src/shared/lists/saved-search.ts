import type { Knex } from 'knex'
import { HttpError } from '../http/errors.js'

/**
 * Searches by personal data (names, document numbers, PESEL) are POSTed and kept here; the result page
 * shows them under an opaque id, so the terms never appear in a URL, browser history or proxy logs.
 * Only the user who ran the search can open it.
 */
export async function saveSearch(
  db: Knex,
  userId: number,
  scope: string,
  criteria: Record<string, unknown>,
): Promise<string> {
  const [row] = await db('saved_searches')
    .insert({ user_id: userId, scope, criteria: JSON.stringify(criteria) })
    .returning('id')
  return String(row.id)
}

export async function loadSearch<T = Record<string, unknown>>(
  db: Knex,
  id: string,
  userId: number,
  scope: string,
): Promise<T> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new HttpError(404)
  const row = await db('saved_searches').where({ id, user_id: userId, scope }).first('criteria')
  if (!row) throw new HttpError(404)
  return (typeof row.criteria === 'string' ? JSON.parse(row.criteria) : row.criteria) as T
}

/** Saved searches older than a day are removed (they are personal data too). */
export async function pruneSavedSearches(db: Knex): Promise<number> {
  return db('saved_searches')
    .where('created_at', '<', new Date(Date.now() - 24 * 3600_000))
    .del()
}
