import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Db } from '../db/index.js'
import type { FieldError } from '../forms/index.js'
import { withStoredFiles, type FileStore, type StoredFile } from './store.js'
import type { UploadedFile } from './upload.js'

/**
 * Pending uploads: a file chosen in a form that was posted but not saved (an MRZ read, a validation
 * error) is kept in the file store with a `pending_uploads` row, and the re-rendered form carries an
 * opaque token (hidden field) instead of asking for the file again. Only the same user in the same
 * session can use the token. On the final save the row is claimed (deleted) in the saving transaction,
 * which writes the record's own file row: the file always has exactly one row. Expired rows and their
 * files are swept (`sweepExpiredPending`: at start-up, every 10 minutes, and when files are held).
 */

export interface PendingOwner {
  userId: number
  sessionId: string
}

export interface PendingFile {
  token: string
  file: StoredFile
  upload: Omit<UploadedFile, 'content'>
  expiresAt: Date
}

/** How long a held file waits for its form to be saved. */
export const pendingLifetimeMs = 2 * 3600_000

const tokenPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const sessionHash = (sessionId: string) => crypto.createHash('sha256').update(sessionId).digest('hex')

interface Row {
  token: string
  file_id: string
  sha256: string
  size: number | string
  mime: string
  original_name: string
  expires_at: Date
}

const toPending = (r: Row): PendingFile => ({
  token: String(r.token),
  file: { id: String(r.file_id), sha256: r.sha256, size: Number(r.size) },
  upload: { originalName: r.original_name, mime: r.mime, size: Number(r.size) },
  expiresAt: new Date(r.expires_at),
})

const returned = ['token', 'file_id', 'sha256', 'size', 'mime', 'original_name', 'expires_at']

/** The tokens a form posted back (one hidden field or several); anything else is dropped. */
export function pendingTokens(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]
  return [...new Set(list.map(String))].slice(0, 20)
}

function owned(q: Knex.QueryBuilder, owner: PendingOwner, purpose: string) {
  return q.where({ user_id: owner.userId, session_hash: sessionHash(owner.sessionId), purpose })
}

/** Stores accepted uploads and records them as pending for this user and session. */
export async function holdPending(
  db: Knex,
  store: FileStore,
  owner: PendingOwner,
  purpose: string,
  uploads: UploadedFile[],
  lifetimeMs = pendingLifetimeMs,
): Promise<PendingFile[]> {
  if (uploads.length === 0) return []
  await sweepExpiredPending(db, store)
  const expiresAt = new Date(Date.now() + lifetimeMs)
  return withStoredFiles(
    store,
    uploads.map((u) => u.content),
    async (stored) => {
      const rows: Row[] = await db('pending_uploads')
        .insert(
          stored.map((f, i) => ({
            user_id: owner.userId,
            session_hash: sessionHash(owner.sessionId),
            purpose,
            file_id: f.id,
            sha256: f.sha256,
            size: f.size,
            mime: uploads[i]!.mime,
            original_name: uploads[i]!.originalName,
            expires_at: expiresAt,
          })),
        )
        .returning(returned)
      return rows.map(toPending)
    },
  )
}

/**
 * The pending files the tokens name, if they are this user's, in this session, for this form and not
 * expired. `refused` lists the tokens that are not (another user's, expired, made up).
 */
export async function findPending(
  db: Db,
  owner: PendingOwner,
  purpose: string,
  tokens: string[],
): Promise<{ files: PendingFile[]; refused: string[] }> {
  const valid = tokens.filter((t) => tokenPattern.test(t))
  const rows: Row[] = valid.length
    ? await owned(db('pending_uploads'), owner, purpose)
        .whereIn('token', valid)
        .where('expires_at', '>', new Date())
        .orderBy('created_at')
        .select(returned)
    : []
  const found = new Set(rows.map((r) => String(r.token)))
  return { files: rows.map(toPending), refused: tokens.filter((t) => !found.has(t)) }
}

export class PendingGoneError extends Error {
  constructor() {
    super('a pending upload expired or was removed before the save')
  }
}

/**
 * Inside the saving transaction: takes the pending files over (their rows are deleted; the caller writes
 * its own file rows in the same transaction). All or nothing: throws `PendingGoneError` when any token
 * no longer names this user's live pending file.
 */
export async function claimPending(
  trx: Knex.Transaction,
  owner: PendingOwner,
  purpose: string,
  tokens: string[],
): Promise<PendingFile[]> {
  if (tokens.length === 0) return []
  if (!tokens.every((t) => tokenPattern.test(t))) throw new PendingGoneError()
  const rows: Row[] = await owned(trx('pending_uploads'), owner, purpose)
    .whereIn('token', tokens)
    .where('expires_at', '>', new Date())
    .del()
    .returning(returned)
  if (rows.length !== tokens.length) throw new PendingGoneError()
  return rows.map(toPending)
}

/** The user removed (or replaced) pending files: rows first, then the files. */
export async function discardPending(
  db: Knex,
  store: FileStore,
  owner: PendingOwner,
  purpose: string,
  tokens: string[],
): Promise<void> {
  const valid = tokens.filter((t) => tokenPattern.test(t))
  if (valid.length === 0) return
  const rows: Array<{ file_id: string }> = await owned(db('pending_uploads'), owner, purpose)
    .whereIn('token', valid)
    .del()
    .returning(['file_id'])
  await Promise.all(rows.map((r) => store.remove(String(r.file_id))))
}

/**
 * Removes expired pending uploads: the rows first (committed), then their files, so a crash in between
 * leaves at worst an orphan file for the integrity check to report, never a row without its file.
 */
export async function sweepExpiredPending(db: Knex, store: FileStore, now = new Date()): Promise<number> {
  const rows: Array<{ file_id: string }> = await db('pending_uploads')
    .where('expires_at', '<=', now)
    .del()
    .returning(['file_id'])
  await Promise.all(rows.map((r) => store.remove(String(r.file_id))))
  return rows.length
}

/** The form error for tokens that were refused: the file must be chosen again. */
export const pendingRefused = (field: string): FieldError => ({
  field,
  href: `#${field}`,
  key: 'files.pendingGone',
})
