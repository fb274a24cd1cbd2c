import type { Knex } from 'knex'
import { auditRows, recordAudit, type Actor, type AuditRow } from '../../shared/audit/audit.js'
import { formatRegisterNumber } from '../../shared/db/counters.js'
import { withStoredFiles, type FileStore } from '../../shared/files/store.js'
import type { UploadedFile } from '../../shared/files/upload.js'
import type { PendingFile } from '../../shared/files/pending.js'
import * as repo from './repository.js'
import { officeInstant } from '../../shared/clock/office.js'
import { takeImport } from './email-import.js'
import { importFiles } from './message-import.js'
import type { IncomingInput } from './schemas.js'

export type ServiceResult<T> =
  { ok: true; value: T } | { ok: false; field: string; key: string; params?: Record<string, string | number> }

const fail = (field: string, key: string, params?: Record<string, string | number>) =>
  ({ ok: false, field, key, ...(params ? { params } : {}) }) as const

export interface RegistryDeps {
  db: Knex
  files: FileStore
}

export interface Registered {
  id: number
  year: number
  number: number
  registerNumber: string
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string }
  return e?.code === '23505' && (e.constraint === constraint || !!e.message?.includes(constraint))
}

/** Checks that refer to other records; the form schema has checked everything else. */
async function checkReferences(db: Knex, input: IncomingInput): Promise<ServiceResult<null>> {
  if (input.unitId && !(await repo.findActiveUnit(db, input.unitId)))
    return fail('unitId', 'registry.unit.unknown')
  if (input.assigneeId && input.unitId && !(await repo.findUserInUnit(db, input.assigneeId, input.unitId)))
    return fail('assigneeId', 'registry.assignee.notInUnit')
  if (input.senderId && !(await repo.findSender(db, input.senderId)))
    return fail('senderName', 'registry.sender.unknown')
  return { ok: true, value: null }
}

/**
 * Registers an incoming item: sender (picked or created inline), the next number of the year, the item,
 * its files and the first routing step, all in one transaction. Files are written first and removed if
 * the transaction fails, so neither a number nor a file is left behind by a failed save.
 */
export async function registerIncoming(
  { db, files }: RegistryDeps,
  actor: Actor,
  input: IncomingInput,
  uploads: UploadedFile[] = [],
  /** Takes over files held from an earlier post of the form (pending uploads) inside the transaction. */
  claim?: (trx: Knex.Transaction) => Promise<PendingFile[]>,
): Promise<ServiceResult<Registered>> {
  const refs = await checkReferences(db, input)
  if (!refs.ok) return refs

  let attachments: UploadedFile[] = [...uploads]
  let email: { messageId: string | null; contentHash: string } | null = null
  if (input.importId) {
    const pending = await takeImport(db, input.importId, actor.id!)
    if (!pending) return fail('importId', 'registry.import.expired')
    attachments = [...(await importFiles(pending.content)), ...attachments]
    email = { messageId: pending.message_id, contentHash: pending.content_hash }
  }

  const receivedAt = officeInstant(input.receivedDate, input.receivedTime)
  const year = Number(input.receivedDate.slice(0, 4))
  try {
    const value = await withStoredFiles(
      files,
      attachments.map((a) => a.content),
      (stored) =>
        db.transaction(async (trx) => {
          // Held files first: a file gone since the form was shown fails before a number is taken.
          const held = claim ? await claim(trx) : []
          const sender = input.senderId
            ? { id: input.senderId, created: false }
            : await senderFor(trx, actor, input)
          const senderId = sender.id
          const files = [
            ...held.map((p) => ({ ...p.file, mime: p.upload.mime, originalName: p.upload.originalName })),
            ...stored.map((f, i) => ({
              ...f,
              mime: attachments[i]!.mime,
              originalName: attachments[i]!.originalName,
            })),
          ]
          // The number is taken by the statement that saves the item with its files, routing step and
          // audit rows: the counter row (then the audit head) stay locked only until the commit.
          const { id, number } = await repo.insertIncoming(
            trx,
            {
              year,
              received_at: receivedAt,
              letter_date: input.letterDate ?? null,
              sender_id: senderId,
              sender_name: input.senderName,
              sender_address: input.senderAddress ?? null,
              sender_email: input.senderEmail ?? null,
              sender_edelivery: input.senderEdelivery ?? null,
              sender_reference: input.senderReference ?? null,
              subject: input.subject,
              channel: input.channel,
              form: input.form,
              tracking_number: input.trackingNumber ?? null,
              enclosures_count: input.enclosuresCount,
              enclosures_description: input.enclosuresDescription ?? null,
              unit_id: input.unitId ?? null,
              assignee_id: input.assigneeId ?? null,
              routing_status: input.unitId ? 'assigned' : 'unassigned',
              case_reference: input.caseReference ?? null,
              notes: input.notes ?? null,
              message_id: email?.messageId ?? null,
              content_hash: email?.contentHash ?? null,
              created_by: actor.id,
            },
            {
              attachments: files.map((f) => ({
                file_id: f.id,
                sha256: f.sha256,
                size: f.size,
                mime: f.mime,
                original_name: f.originalName,
                created_by: actor.id,
              })),
              routing: input.unitId
                ? {
                    action: 'assigned',
                    unit_id: input.unitId,
                    assignee_id: input.assigneeId ?? null,
                    actor_id: actor.id,
                  }
                : null,
              importId: input.importId ?? null,
              audit: registrationAudit(actor, sender, {
                channel: input.channel,
                senderId,
                unitId: input.unitId ?? null,
                files: files.map((f) => ({ id: f.id, sha256: f.sha256 })),
                messageId: email?.messageId ?? null,
              }),
            },
          )
          return { id, year, number, registerNumber: formatRegisterNumber(year, number) }
        }),
    )
    return { ok: true, value }
  } catch (err) {
    if (isUniqueViolation(err, 'incoming_items_message_id'))
      return fail('importId', 'registry.import.duplicate')
    throw err
  }
}

/** The registration's audit rows: the sender's creation (if it was made), then the item's. */
function registrationAudit(
  actor: Actor,
  sender: { id: number; created: boolean },
  after: Record<string, unknown>,
): repo.IncomingFollowUp['audit'] {
  const [senderCreated, registered] = auditRows(actor, [
    { action: 'registry.senderCreated', entityType: 'registry_sender', entityId: sender.id },
    { action: 'registry.registered', entityType: 'incoming_item', details: { after } },
  ]) as [AuditRow, AuditRow]
  return { others: sender.created ? [senderCreated] : [], item: registered }
}

async function senderFor(
  trx: Knex.Transaction,
  actor: Actor,
  input: IncomingInput,
): Promise<{ id: number; created: boolean }> {
  const same = await repo.findSameSender(trx, input.senderName, input.senderAddress ?? null)
  if (same) return { id: Number(same.id), created: false }
  const id = await repo.insertSender(trx, {
    kind: input.senderKind,
    name: input.senderName,
    address: input.senderAddress ?? null,
    email: input.senderEmail ?? null,
    epuap_address: input.senderEpuap ?? null,
    edelivery_address: input.senderEdelivery ?? null,
    created_by: actor.id,
  })
  return { id, created: true }
}

/** Adds scans to an item already registered (e.g. scanned after the stamp was printed). */
export async function addFiles(
  { db, files }: RegistryDeps,
  actor: Actor,
  itemId: number,
  uploads: UploadedFile[],
): Promise<boolean> {
  return withStoredFiles(
    files,
    uploads.map((u) => u.content),
    (stored) =>
      db.transaction(async (trx) => {
        const item = await repo.lockIncoming(trx, itemId)
        if (!item || item.status !== 'registered') throw new Error('item not open for files')
        await repo.insertAttachments(
          trx,
          stored.map((f, i) => ({
            item_id: itemId,
            file_id: f.id,
            sha256: f.sha256,
            size: f.size,
            mime: uploads[i]!.mime,
            original_name: uploads[i]!.originalName,
            created_by: actor.id,
          })),
        )
        await recordAudit(trx, actor, {
          action: 'registry.filesAdded',
          entityType: 'incoming_item',
          entityId: itemId,
          details: { files: stored.map((f) => ({ id: f.id, sha256: f.sha256 })) },
        })
        return true
      }),
  )
}

/** A number is never deleted or reused: a mistaken registration is annulled with a reason and stays visible. */
export async function annulIncoming(
  db: Knex,
  actor: Actor,
  itemId: number,
  reason: string,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const item = await repo.lockIncoming(trx, itemId)
    if (!item || item.status !== 'registered') return false
    await repo.updateIncoming(trx, itemId, {
      status: 'annulled',
      annulled_at: new Date(),
      annulled_by: actor.id,
      annul_reason: reason,
    })
    await recordAudit(trx, actor, {
      action: 'registry.annulled',
      entityType: 'incoming_item',
      entityId: itemId,
      details: { before: { status: 'registered' }, after: { status: 'annulled', reason } },
    })
    return true
  })
}

/** A file of an item, with the audit row of the download written before the bytes leave. */
/** Types a browser can show in a tab (TIFF it cannot). */
export const previewableTypes: readonly string[] = ['application/pdf', 'image/jpeg', 'image/png']

export async function openAttachment(
  { db, files }: RegistryDeps,
  actor: Actor,
  itemId: number,
  attachmentId: number,
  disposition: 'inline' | 'attachment',
) {
  const att = await repo.findAttachment(db, itemId, attachmentId)
  if (!att) return null
  // Only what a browser shows safely opens inline; a package, a message or XML is always a download.
  const shown: 'inline' | 'attachment' =
    disposition === 'inline' && previewableTypes.includes(att.mime) ? 'inline' : 'attachment'
  const content = await files.read(att.file_id)
  await recordAudit(db, actor, {
    action: shown === 'inline' ? 'registry.filePreviewed' : 'registry.fileDownloaded',
    entityType: 'incoming_item',
    entityId: itemId,
    details: { attachmentId, fileId: att.file_id, sha256: att.sha256 },
  })
  return { att, content, disposition: shown }
}

export async function auditView(
  db: Knex,
  actor: Actor,
  entityType: string,
  entityId: number,
  action = 'registry.viewed',
) {
  await recordAudit(db, actor, { action, entityType, entityId })
}
