import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { createTestDatabase } from '../../../../tests/helpers/db.js'
import { createUnit, createUser } from '../../../../tests/helpers/app.js'
import { FileStore } from '../../../shared/files/store.js'
import { annulIncoming, registerIncoming } from '../service.js'
import { acceptItem, openCase, returnItem, routeItem } from '../routing-service.js'
import { markInquiry, recordDelay, inquiryDashboard } from '../inquiries.js'
import { registerOutgoing } from '../outgoing.js'
import { listAnnulments, registerSummary, routingHistory } from '../repository.js'
import { actorFor, auditActions, incomingInput, samplePdf } from './helpers.js'

let db: Knex
let close: () => Promise<void>
let files: FileStore
let dir: string
let clerk: number
beforeAll(async () => {
  const database = await createTestDatabase()
  db = database.knex
  close = database.close
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-registry-'))
  files = new FileStore(dir)
  clerk = (await createUser(db, { roles: ['registry_clerk'] })).id
})
afterAll(async () => {
  await close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const register = (over = {}, uploads: Parameters<typeof registerIncoming>[3] = []) =>
  registerIncoming({ db, files }, actorFor(clerk), incomingInput(over), uploads)

const pdfUpload = () => [
  { content: samplePdf, originalName: 'skan.pdf', mime: 'application/pdf', size: samplePdf.length },
]

describe('numbering under concurrency', () => {
  it('gives 100 concurrent registrations the numbers 1..100 with no gap or duplicate', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => register({ receivedDate: '2031-05-04', subject: `Pismo ${i}` })),
    )
    const numbers = results.map((r) => (r.ok ? r.value.number : -1)).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    const rows = await db('incoming_items').where({ year: 2031 }).select('number')
    expect(new Set(rows.map((r: { number: number }) => r.number)).size).toBe(100)
    const summary = await registerSummary(db, 2031)
    expect(summary).toEqual({ total: 100, lastNumber: 100, annulled: 0 })
  })
})

describe('a failed save', () => {
  it('uses no number and leaves no file behind', async () => {
    const first = await register({ receivedDate: '2032-01-10' }, pdfUpload())
    expect(first.ok && first.value.number).toBe(1)
    const before = (await files.list()).length
    // Make the attachment insert fail after the number was taken and the file written.
    await db.raw(`CREATE FUNCTION registry_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk on fire'; END $$`)
    await db.raw(`CREATE TRIGGER registry_test_fail BEFORE INSERT ON incoming_attachments
      FOR EACH ROW EXECUTE FUNCTION registry_test_fail()`)
    await expect(register({ receivedDate: '2032-01-10' }, pdfUpload())).rejects.toThrow(/disk on fire/)
    await db.raw('DROP TRIGGER registry_test_fail ON incoming_attachments')
    await db.raw('DROP FUNCTION registry_test_fail()')
    expect((await files.list()).length).toBe(before)
    expect(await db('incoming_items').where({ year: 2032 }).count<{ c: string }>({ c: '*' }).first()).toEqual(
      { c: 1 },
    )
    const next = await register({ receivedDate: '2032-01-10' }, pdfUpload())
    expect(next.ok && next.value.number).toBe(2)
  })

  it('stores files with their SHA-256 in the same transaction as the item', async () => {
    const r = await register({ receivedDate: '2032-02-01' }, pdfUpload())
    if (!r.ok) throw new Error('not registered')
    const att = await db('incoming_attachments')
      .where({ item_id: r.value.id })
      .first('file_id', 'sha256', 'size')
    expect(await files.exists(att.file_id)).toBe(true)
    expect(att.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await auditActions(db, r.value.id)).toContain('registry.registered')
  })

  it('saves the item, its file, routing step and audit row in one statement, the audit row naming them', async () => {
    const unitId = await createUnit(db, 'JS')
    const statements: string[] = []
    const count = (q: { sql: string }) => statements.push(q.sql)
    db.on('query', count)
    const r = await register({ receivedDate: '2032-03-02', unitId }, pdfUpload())
    db.off('query', count)
    if (!r.ok) throw new Error('not registered')
    expect(statements.filter((sql) => /register_counters/.test(sql))).toHaveLength(1)
    expect(statements.filter((sql) => /insert into "(incoming_|audit_log)/i.test(sql))).toEqual([
      expect.stringMatching(/incoming_items.*incoming_attachments.*incoming_routing.*audit_log/s),
    ])
    const audit = await db('audit_log')
      .where({ action: 'registry.registered', entity_id: String(r.value.id) })
      .first('details')
    const file = await db('incoming_attachments').where({ item_id: r.value.id }).first('file_id', 'sha256')
    expect(audit.details.after).toMatchObject({
      registerNumber: r.value.registerNumber,
      unitId,
      files: [{ id: file.file_id, sha256: file.sha256 }],
    })
    expect(await db('incoming_routing').where({ item_id: r.value.id }).pluck('action')).toEqual(['assigned'])
  })
})

describe('annulment', () => {
  it('keeps the number visible as annulled with who, when and why', async () => {
    const r = await register({ receivedDate: '2033-06-01' })
    if (!r.ok) throw new Error('not registered')
    expect(await annulIncoming(db, actorFor(clerk), r.value.id, 'Zarejestrowano dwukrotnie')).toBe(true)
    expect(await annulIncoming(db, actorFor(clerk), r.value.id, 'again')).toBe(false)
    const [row] = await listAnnulments(db, 2033)
    expect(row).toMatchObject({ number: 1, annul_reason: 'Zarejestrowano dwukrotnie' })
    expect(row.annulled_by_name).toContain('Test')
    const next = await register({ receivedDate: '2033-06-01' })
    expect(next.ok && next.value.number).toBe(2)
    expect(await registerSummary(db, 2033)).toEqual({ total: 2, lastNumber: 2, annulled: 1 })
    expect(await auditActions(db, r.value.id)).toContain('registry.annulled')
  })
})

describe('routing between two units', () => {
  it('keeps every step as history and lets only the addressed unit act', async () => {
    const unitA = await createUnit(db, 'RA')
    const unitB = await createUnit(db, 'RB')
    const staffA = await createUser(db, { roles: ['archivist'], orgUnitId: unitA })
    const staffB = await createUser(db, { roles: ['archivist'], orgUnitId: unitB })
    const userA = { id: staffA.id, orgUnitId: unitA } as Express.User
    const userB = { id: staffB.id, orgUnitId: unitB } as Express.User
    const r = await register({ receivedDate: '2034-01-05' })
    if (!r.ok) throw new Error('not registered')
    const id = r.value.id
    expect(
      (await routeItem(db, actorFor(clerk), id, { unitId: unitA, assigneeId: undefined, note: undefined }))
        .ok,
    ).toBe(true)
    await expect(acceptItem(db, actorFor(staffB.id), userB, id)).rejects.toMatchObject({ status: 403 })
    expect(await returnItem(db, actorFor(staffA.id), userA, id, 'Nie nasza właściwość')).toBe(true)
    expect(
      (
        await routeItem(db, actorFor(clerk), id, {
          unitId: unitB,
          assigneeId: staffB.id,
          note: 'Proszę o pilne',
        })
      ).ok,
    ).toBe(true)
    expect(await acceptItem(db, actorFor(staffB.id), userB, id)).toBe(true)
    const history = await routingHistory(db, id)
    expect(history.map((h: { action: string }) => h.action)).toEqual([
      'assigned',
      'returned',
      'rerouted',
      'accepted',
    ])
    expect(history[1].note).toBe('Nie nasza właściwość')
    expect(await auditActions(db, id)).toEqual(
      expect.arrayContaining([
        'registry.routed',
        'registry.returned',
        'registry.rerouted',
        'registry.accepted',
      ]),
    )
  })

  it('opens cases with the next number per unit, JRWA symbol and year', async () => {
    const unit = await createUnit(db, 'KS')
    const staff = await createUser(db, { roles: ['records_officer'], orgUnitId: unit })
    const user = { id: staff.id, orgUnitId: unit } as Express.User
    const refs: string[] = []
    for (const symbol of ['0153', '0153', '012']) {
      const r = await register({ receivedDate: '2034-02-01', unitId: unit })
      if (!r.ok) throw new Error('not registered')
      const opened = await openCase(db, actorFor(staff.id), user, r.value.id, {
        jrwaSymbol: symbol,
        title: 'Sprawa',
      })
      if (!opened.ok) throw new Error(opened.key)
      refs.push(opened.value)
    }
    const year = new Date().getFullYear()
    expect(refs).toEqual([`KS.0153.1.${year}`, `KS.0153.2.${year}`, `KS.012.1.${year}`])
  })
})

describe('inquiries', () => {
  it('sets the due date from the type table and moves it only with a notice of delay', async () => {
    const types = await db('inquiry_types').select('id', 'code')
    const typeId = (code: string) => types.find((t: { code: string }) => t.code === code)!.id as number
    const r = await register({ receivedDate: '2026-01-31' })
    if (!r.ok) throw new Error('not registered')
    const marked = await markInquiry(db, actorFor(clerk), r.value.id, {
      inquiryTypeId: typeId('kpa_complaint'),
      inquirerKind: 'person',
    })
    expect(marked).toEqual({ ok: true, value: '2026-02-28' })
    const info = await register({ receivedDate: '2026-03-02' })
    if (!info.ok) throw new Error('not registered')
    expect(
      await markInquiry(db, actorFor(clerk), info.value.id, {
        inquiryTypeId: typeId('public_information'),
        inquirerKind: 'company',
      }),
    ).toEqual({ ok: true, value: '2026-03-16' })
    const petition = await register({ receivedDate: '2026-11-30' })
    if (!petition.ok) throw new Error('not registered')
    expect(
      await markInquiry(db, actorFor(clerk), petition.value.id, {
        inquiryTypeId: typeId('petition'),
        inquirerKind: 'organisation',
      }),
    ).toEqual({ ok: true, value: '2027-02-28' })

    const earlier = await recordDelay(db, actorFor(clerk), info.value.id, {
      newDueDate: '2026-03-10',
      notifiedOn: '2026-03-10',
      delayReason: 'x',
    })
    expect(earlier).toMatchObject({ ok: false, key: 'registry.delay.notLater' })
    const tooLate = await recordDelay(db, actorFor(clerk), info.value.id, {
      newDueDate: '2026-05-10',
      notifiedOn: '2026-03-10',
      delayReason: 'x',
    })
    expect(tooLate).toMatchObject({ ok: false, key: 'registry.delay.publicInfoLimit' })
    const moved = await recordDelay(db, actorFor(clerk), info.value.id, {
      newDueDate: '2026-04-30',
      notifiedOn: '2026-03-12',
      delayReason: 'Obszerny zakres',
    })
    expect(moved.ok).toBe(true)
    expect((await db('incoming_items').where({ id: info.value.id }).first('due_date')).due_date).toBe(
      '2026-04-30',
    )
    expect(
      await db('inquiry_delays').where({ item_id: info.value.id }).first('previous_due', 'new_due'),
    ).toEqual({ previous_due: '2026-03-16', new_due: '2026-04-30' })

    const dash = await inquiryDashboard(db, '2026-04-28')
    const unrouted = dash.find((d) => d.unitId === null)!
    expect(unrouted).toMatchObject({ overdue: 1, dueSoon: 1, open: 3 })

    const answer = await registerOutgoing(db, actorFor(clerk), {
      addresseeName: 'Firma Sp. z o.o.',
      addresseeAddress: undefined,
      addresseeEdelivery: undefined,
      subject: 'Odpowiedź',
      channel: 'email',
      postKind: undefined,
      priority: false,
      returnReceipt: false,
      trackingNumber: undefined,
      dispatchDate: '2026-04-20',
      relatedIncoming: `2026/${info.value.number}`,
      isAnswer: true,
      caseReference: undefined,
      unitId: undefined,
      notes: undefined,
    })
    expect(answer.ok).toBe(true)
    expect(
      (await db('incoming_items').where({ id: info.value.id }).first('answered_at')).answered_at,
    ).toBeInstanceOf(Date)
    expect(await auditActions(db, info.value.id)).toEqual(
      expect.arrayContaining([
        'registry.inquiryMarked',
        'registry.inquiryDelayed',
        'registry.inquiryAnswered',
      ]),
    )
  })
})
