import type { Knex } from 'knex'
import { changedFields, recordAudit, type Actor } from '../../shared/audit/audit.js'
import { nextNumber } from '../../shared/db/counters.js'
import { HttpError } from '../../shared/http/errors.js'
import { retentionOf } from './domain.js'
import * as repo from './records-repository.js'
import type { AnswerInput, BorrowerInput, ExpertInput, LoanInput, QueryInput } from './schemas.js'
import type { Result } from './transfers-service.js'

// --- Archive queries (kwerendy) ------------------------------------------------------------------

export async function registerQuery(db: Knex, actor: Actor, input: QueryInput): Promise<number> {
  return db.transaction(async (trx) => {
    const year = Number(input.receivedOn.slice(0, 4))
    const number = await nextNumber(trx, 'archive.query', year)
    const row = {
      year,
      number,
      requester_kind: input.requesterKind,
      requester_unit_id: input.requesterKind === 'unit' ? input.requesterUnitId : null,
      requester_name: input.requesterKind === 'unit' ? null : input.requesterName,
      subject: input.subject,
      received_on: input.receivedOn,
      due_on: input.dueOn,
      assignee_id: input.assigneeId ?? null,
      created_by: actor.id,
    }
    const id = await repo.insertQuery(trx, row)
    await recordAudit(trx, actor, {
      action: 'archive.queryRegistered',
      entityType: 'archive_query',
      entityId: id,
      details: { after: row },
    })
    return id
  })
}

/** Viewing a query shows the requester's name (personal data): every view is logged. */
export async function viewQuery(db: Knex, actor: Actor, id: number) {
  const query = await repo.findQuery(db, id)
  if (!query) throw new HttpError(404)
  await recordAudit(db, actor, { action: 'archive.queryViewed', entityType: 'archive_query', entityId: id })
  return query
}

export async function attachFolderToQuery(
  db: Knex,
  actor: Actor,
  queryId: number,
  barcode: string,
): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const query = await trx('archive_queries').where({ id: queryId }).forUpdate().first('status')
    if (!query) throw new HttpError(404)
    if (query.status !== 'open') throw new HttpError(409)
    const folder = await repo.folderByBarcode(trx, barcode)
    if (!folder) return { ok: false, field: 'barcode', key: 'archive.v.query.barcode.unknown' }
    const inserted = await trx('archive_query_folders')
      .insert({ query_id: queryId, folder_id: folder.id, added_by: actor.id })
      .onConflict(['query_id', 'folder_id'])
      .ignore()
      .returning('folder_id')
    if (inserted.length)
      await recordAudit(trx, actor, {
        action: 'archive.queryFolderAttached',
        entityType: 'archive_query',
        entityId: queryId,
        details: { folderId: folder.id },
      })
    return { ok: true, value: folder.id }
  })
}

export async function answerQuery(
  db: Knex,
  actor: Actor,
  queryId: number,
  input: AnswerInput,
): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await trx('archive_queries')
      .where({ id: queryId })
      .forUpdate()
      .first('status', 'outcome', 'answer_note', 'outgoing_item_id', 'answered_on')
    if (!before) throw new HttpError(404)
    const after = {
      status: 'answered',
      outcome: input.outcome,
      answer_note: input.answerNote ?? null,
      outgoing_item_id: input.outgoingItemId ?? null,
      answered_on: input.answeredOn,
    }
    await repo.updateQuery(trx, queryId, after)
    await recordAudit(trx, actor, {
      action: 'archive.queryAnswered',
      entityType: 'archive_query',
      entityId: queryId,
      details: changedFields(before, after),
    })
  })
}

// --- Authorised borrowers and loans ---------------------------------------------------------------

export async function addBorrower(db: Knex, actor: Actor, input: BorrowerInput): Promise<number> {
  return db.transaction(async (trx) => {
    const row = {
      full_name: input.fullName,
      unit_id: input.unitId,
      position: input.position ?? null,
      authorised_by: input.authorisedBy,
      authorised_on: input.authorisedOn,
      valid_until: input.validUntil ?? null,
      created_by: actor.id,
    }
    const [r] = await trx('archive_borrowers').insert(row).returning('id')
    const id = Number(r.id)
    await recordAudit(trx, actor, {
      action: 'archive.borrowerAuthorised',
      entityType: 'archive_borrower',
      entityId: id,
      details: { after: row },
    })
    return id
  })
}

export async function revokeBorrower(db: Knex, actor: Actor, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const n = await trx('archive_borrowers')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date(), revoked_by: actor.id })
    if (n === 0) throw new HttpError(404)
    await recordAudit(trx, actor, {
      action: 'archive.borrowerRevoked',
      entityType: 'archive_borrower',
      entityId: id,
    })
  })
}

/**
 * Lends a folder (or opens it in the reading room) to a person on the list of authorised borrowers,
 * whose authorisation is in force on the day. One folder is with one borrower at a time.
 */
export async function lendFolder(db: Knex, actor: Actor, input: LoanInput): Promise<Result<number>> {
  if (input.dueOn < input.lentOn) return { ok: false, field: 'dueOn', key: 'archive.v.loan.dueOn.beforeLent' }
  return db.transaction(async (trx) => {
    const borrower = await repo.findBorrower(trx, input.borrowerId)
    if (
      !borrower ||
      borrower.revoked_at ||
      borrower.authorised_on > input.lentOn ||
      (borrower.valid_until && borrower.valid_until < input.lentOn)
    )
      return { ok: false, field: 'borrowerId', key: 'archive.v.loan.borrower.notAuthorised' }
    const folder = await trx('archive_folders')
      .where({ barcode: input.barcode })
      .forUpdate()
      .first('id', 'status')
    if (!folder) return { ok: false, field: 'barcode', key: 'archive.v.loan.barcode.unknown' }
    if (folder.status !== 'held')
      return { ok: false, field: 'barcode', key: 'archive.v.loan.barcode.notHeld' }
    const open = await trx('archive_loans')
      .where({ folder_id: folder.id })
      .whereNull('returned_on')
      .first('id')
    if (open) return { ok: false, field: 'barcode', key: 'archive.v.loan.barcode.alreadyOut' }
    const year = Number(input.lentOn.slice(0, 4))
    const number = await nextNumber(trx, 'archive.loan', year)
    const row = {
      year,
      number,
      folder_id: folder.id,
      borrower_id: borrower.id,
      kind: input.kind,
      query_id: input.queryId ?? null,
      purpose: input.purpose ?? null,
      lent_on: input.lentOn,
      due_on: input.dueOn,
      lent_by: actor.id,
    }
    const [r] = await trx('archive_loans').insert(row).returning('id')
    const id = Number(r.id)
    await recordAudit(trx, actor, {
      action: 'archive.folderLent',
      entityType: 'archive_loan',
      entityId: id,
      details: { after: row },
    })
    return { ok: true, value: id }
  })
}

export async function returnLoan(db: Knex, actor: Actor, loanId: number, returnedOn: string): Promise<void> {
  await db.transaction(async (trx) => {
    const loan = await trx('archive_loans')
      .where({ id: loanId })
      .forUpdate()
      .first('returned_on', 'folder_id')
    if (!loan) throw new HttpError(404)
    if (loan.returned_on) throw new HttpError(409)
    await trx('archive_loans')
      .where({ id: loanId })
      .update({ returned_on: returnedOn, received_by: actor.id })
    await recordAudit(trx, actor, {
      action: 'archive.folderReturned',
      entityType: 'archive_loan',
      entityId: loanId,
      details: {
        before: { returned_on: null },
        after: { returned_on: returnedOn },
        folderId: loan.folder_id,
      },
    })
  })
}

// --- Holds and expert appraisal -------------------------------------------------------------------

export async function placeHold(db: Knex, actor: Actor, folderId: number, reason: string): Promise<void> {
  await db.transaction(async (trx) => {
    const folder = await trx('archive_folders').where({ id: folderId }).first('status')
    if (!folder || folder.status === 'unit') throw new HttpError(404)
    const [r] = await trx('archive_holds')
      .insert({ folder_id: folderId, reason, placed_by: actor.id })
      .returning('id')
    await recordAudit(trx, actor, {
      action: 'archive.holdPlaced',
      entityType: 'archive_folder',
      entityId: folderId,
      details: { holdId: Number(r.id), reason },
    })
  })
}

export async function liftHold(db: Knex, actor: Actor, folderId: number, holdId: number): Promise<void> {
  await db.transaction(async (trx) => {
    const n = await trx('archive_holds')
      .where({ id: holdId, folder_id: folderId })
      .whereNull('lifted_at')
      .update({ lifted_at: new Date(), lifted_by: actor.id })
    if (n === 0) throw new HttpError(404)
    await recordAudit(trx, actor, {
      action: 'archive.holdLifted',
      entityType: 'archive_folder',
      entityId: folderId,
      details: { holdId },
    })
  })
}

/**
 * The State Archive's expert appraisal of a BE folder: 'destroy' lets it onto a disposal list,
 * 'keep' reclassifies it as A (kept forever, passed to the State Archive).
 */
export async function recordExpertDecision(
  db: Knex,
  actor: Actor,
  folderId: number,
  input: ExpertInput,
): Promise<Result<number>> {
  return db.transaction(async (trx) => {
    const before = await trx('archive_folders')
      .where({ id: folderId })
      .forUpdate()
      .first(
        'category',
        'status',
        'year_from',
        'year_to',
        'expert_decision',
        'expert_reference',
        'expert_decided_on',
        'disposable_from',
        'state_archive_from',
      )
    if (!before || before.status !== 'held') throw new HttpError(404)
    if (!String(before.category).startsWith('BE'))
      return { ok: false, field: 'decision', key: 'archive.expert.notBE' }
    const after: Record<string, unknown> = {
      expert_decision: input.decision,
      expert_reference: input.reference,
      expert_decided_on: input.decidedOn,
    }
    if (input.decision === 'keep') {
      const retention = retentionOf('A', before.year_to ?? before.year_from, before.year_from)
      Object.assign(after, {
        category: 'A',
        disposable_from: null,
        state_archive_from: retention.kind === 'permanent' ? retention.stateArchiveFrom : null,
      })
    }
    await trx('archive_folders').where({ id: folderId }).update(after)
    await recordAudit(trx, actor, {
      action: 'archive.expertDecisionRecorded',
      entityType: 'archive_folder',
      entityId: folderId,
      details: changedFields(before, after),
    })
    return { ok: true, value: folderId }
  })
}
