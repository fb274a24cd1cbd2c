import type { Knex } from 'knex'
import type { IncomingInput } from '../schemas.js'
import type { Actor } from '../../../shared/audit/audit.js'

export const samplePdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

export function actorFor(id: number | null, name = 'Tester'): Actor {
  return { id, name, unit: null }
}

/** A valid incoming item for service tests; override what the test is about. */
export function incomingInput(over: Partial<IncomingInput> = {}): IncomingInput {
  return {
    receivedDate: '2026-03-02',
    receivedTime: '09:30',
    letterDate: undefined,
    senderId: undefined,
    senderKind: 'person',
    senderName: 'Jan Kowalski',
    senderAddress: 'ul. Długa 1, 00-001 Warszawa',
    senderEmail: undefined,
    senderEpuap: undefined,
    senderEdelivery: undefined,
    senderReference: undefined,
    subject: 'Wniosek o udostępnienie akt',
    channel: 'post',
    form: 'paper',
    trackingNumber: undefined,
    enclosuresCount: 0,
    enclosuresDescription: undefined,
    unitId: undefined,
    assigneeId: undefined,
    caseReference: undefined,
    notes: undefined,
    importId: undefined,
    ...over,
  }
}

export async function auditActions(db: Knex, entityId?: number): Promise<string[]> {
  const q = db('audit_log').orderBy('id').select('action')
  if (entityId !== undefined) q.where('entity_id', String(entityId))
  return (await q).map((r: { action: string }) => r.action)
}
