import crypto from 'node:crypto'
import type { Knex } from 'knex'
import PostalMime from 'postal-mime'
import { fileTypeFromBuffer } from 'file-type'
import { cleanFileName, documentTypes, type UploadedFile } from '../../shared/files/upload.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { officeDate, officeTime } from '../../shared/clock/office.js'

export interface ParsedEmail {
  senderName: string
  senderEmail: string
  subject: string
  receivedDate: string | null
  receivedTime: string | null
  messageId: string | null
  attachmentNames: string[]
  skippedAttachments: string[]
}

/** A raw RFC 822 message begins with a header line ("Name: value"). */
export function looksLikeEmail(content: Buffer): boolean {
  const head = content.subarray(0, 2000).toString('latin1')
  return /^[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r?\n/.test(head) && /\r?\n\r?\n/.test(head + '\n\n')
}

const parse = (content: Buffer) =>
  PostalMime.parse(content, {
    attachmentEncoding: 'arraybuffer',
    maxNestingDepth: 20,
    maxRfc822NestingDepth: 2,
  })

async function sniffAttachments(content: Buffer) {
  const email = await parse(content)
  const files: UploadedFile[] = []
  const skipped: string[] = []
  for (const a of email.attachments) {
    const bytes = Buffer.from(a.content as ArrayBuffer)
    const name = cleanFileName(a.filename ?? 'zalacznik')
    const type = bytes.length ? await fileTypeFromBuffer(bytes) : undefined
    if (type && documentTypes.includes(type.mime))
      files.push({ content: bytes, originalName: name, mime: type.mime, size: bytes.length })
    else skipped.push(name)
  }
  return { email, files, skipped }
}

export async function parseEmail(content: Buffer): Promise<ParsedEmail> {
  const { email, files, skipped } = await sniffAttachments(content)
  const date = email.date ? new Date(email.date) : null
  const valid = date && !Number.isNaN(date.getTime())
  return {
    senderName: (email.from?.name || email.from?.address || '').slice(0, 200),
    senderEmail: (email.from?.address ?? '').slice(0, 254),
    subject: (email.subject ?? '').slice(0, 500),
    receivedDate: valid ? officeDate(date) : null,
    receivedTime: valid ? officeTime(date) : null,
    messageId: email.messageId ? email.messageId.trim().slice(0, 300) : null,
    attachmentNames: files.map((f) => f.originalName),
    skippedAttachments: skipped,
  }
}

/** The electronic original (the .eml itself) and its attachments of accepted types, stored with the item. */
export async function extractImportFiles(content: Buffer): Promise<UploadedFile[]> {
  const { files } = await sniffAttachments(content)
  return [{ content, originalName: 'wiadomosc.eml', mime: 'message/rfc822', size: content.length }, ...files]
}

export function contentHash(content: Buffer): string {
  return crypto.createHash('sha256').update(content).digest('hex')
}

/** An item already registered from the same message: same Message-ID, or byte-identical content. */
export async function findDuplicate(db: Knex, messageId: string | null, hash: string) {
  const q = db('incoming_items')
    .where('status', 'registered')
    .andWhere((w) => {
      w.where('content_hash', hash)
      if (messageId) w.orWhere('message_id', messageId)
    })
  const row = await q.first('id', 'year', 'number')
  return row ? { id: Number(row.id), registerNumber: formatRegisterNumber(row.year, row.number) } : null
}

export async function saveImport(db: Knex, userId: number, content: Buffer, messageId: string | null) {
  const [row] = await db('registry_email_imports')
    .insert({ user_id: userId, content, content_hash: contentHash(content), message_id: messageId })
    .returning('id')
  return String(row.id)
}

export async function takeImport(db: Knex, id: string, userId: number) {
  const row = await db('registry_email_imports')
    .where({ id, user_id: userId })
    .first('id', 'content', 'content_hash', 'message_id')
  if (!row) return undefined
  // PGlite returns bytea as Uint8Array, node-postgres as Buffer.
  return {
    id: String(row.id),
    content: Buffer.from(row.content as Uint8Array),
    content_hash: String(row.content_hash),
    message_id: (row.message_id as string | null) ?? null,
  }
}

/** Imports not registered within a day are dropped (they hold personal data). */
export async function pruneImports(db: Knex): Promise<number> {
  return db('registry_email_imports')
    .where('created_at', '<', new Date(Date.now() - 24 * 3600_000))
    .del()
}
