import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestApp,
  createUser,
  signIn,
  signInAs,
  type SignedIn,
  type TestContext,
} from '../../../../tests/helpers/app.js'
import { runIntegrityCheck } from '../../../shared/integrity/check.js'
import { claimPending, holdPending, sweepExpiredPending } from '../../../shared/files/pending.js'
import * as service from '../service.js'
import { depositForm } from '../schemas.js'
import { checkDigit } from '../mrz.js'

/**
 * The scan chosen before "read MRZ" (or before a validation error) is kept as a pending upload: the
 * re-rendered form carries a token, and the save attaches the held file in the deposit's transaction.
 */
let ctx: TestContext
let hall: SignedIn
let placeId: number

function passportMrz(number: string) {
  const l1 = ('P<UKRMELNYK<<OKSANA' + '<'.repeat(44)).slice(0, 44)
  const birth = '900102'
  const expiry = '320630'
  const body =
    number +
    checkDigit(number) +
    'UKR' +
    birth +
    checkDigit(birth) +
    'F' +
    expiry +
    checkDigit(expiry) +
    '<'.repeat(15)
  const composite = checkDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43))
  return `${l1}\n${body}${composite}`
}

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% druga strona\n%%EOF\n')

beforeAll(async () => {
  ctx = await createTestApp()
  hall = await signInAs(ctx, ['hall_staff'])
  await hall.agent
    .post('/deposits/places')
    .type('form')
    .send({ _csrf: hall.csrf, code: 'S1', kind: 'safe', name: 'Sejf 1' })
  placeId = Number((await ctx.db('storage_places').where({ code: 'S1' }).first('id')).id)
})
afterAll(() => ctx.close())

function post(who: SignedIn, fields: Record<string, string | string[]>) {
  const req = who.agent.post('/deposits/new').field('_csrf', who.csrf)
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) req.field(k, one)
  return req
}

const tokenIn = (html: string) => /name="scanPending" value="([0-9a-f-]{36})"/.exec(html)?.[1]

/** The rest of the take-in form, as the MRZ read leaves it filled. */
const completed = (number: string) => ({
  action: 'save',
  mrz: passportMrz(number),
  documentType: 'passport',
  documentNumber: number,
  issuingCountry: 'UKR',
  surname: 'MELNYK',
  givenNames: 'OKSANA',
  birthDate: '02.01.1990',
  holder: 'new',
  placeId: String(placeId),
  sealNumber: `PL-${number}`,
})

const integrity = () =>
  runIntegrityCheck(ctx.db, {
    filesRoot: ctx.config.filesDir,
    checkpoints: { checkpointDir: ctx.config.checkpointDir, signingKeyFile: ctx.config.signingKeyFile },
  })

describe('the scan is kept when the form is posted without saving', () => {
  it('reading the MRZ keeps the chosen scan; the save attaches it in the same transaction', async () => {
    const read = await post(hall, { action: 'readMrz', mrz: passportMrz('FA1000001') }).attach(
      'scan',
      png,
      'strona danych.png',
    )
    expect(read.status).toBe(200)
    expect(read.text).toContain('Odczytano MRZ')
    expect(read.text).toContain('Załączono:')
    expect(read.text).toContain('strona danych.png')
    expect(read.text).toMatch(/\(1 KB\)/)
    const token = tokenIn(read.text)!
    expect(token).toBeTruthy()
    const held = await ctx.db('pending_uploads').where({ token }).first()
    expect(held.purpose).toBe('deposits.scan')
    expect(Number(held.user_id)).toBe(hall.userId)
    expect(Number(held.size)).toBe(png.length)
    expect(await ctx.deps.files.exists(held.file_id)).toBe(true)
    // Held files are not orphans for the integrity check.
    expect((await integrity()).problems).toEqual([])

    const saved = await post(hall, { ...completed('FA1000001'), scanPending: token })
    expect(saved.status).toBe(303)
    const id = Number(saved.headers.location!.split('/').pop())
    const file = await ctx.db('deposit_files').where({ deposit_id: id }).first()
    expect(file).toMatchObject({
      file_id: held.file_id,
      sha256: held.sha256,
      original_name: 'strona danych.png',
    })
    expect(await ctx.db('pending_uploads').where({ token }).first()).toBeUndefined()
    expect((await ctx.deps.files.read(held.file_id)).equals(png)).toBe(true)
    const audit = await ctx
      .db('audit_log')
      .where({ action: 'deposits.takenIn', entity_id: String(id) })
      .first()
    expect(JSON.stringify(audit.details)).toContain(held.sha256)
    expect((await integrity()).problems).toEqual([])

    // The token is used up: posting it again is refused with the message next to the field.
    const again = await post(hall, { ...completed('FA1000002'), scanPending: token })
    expect(again.status).toBe(422)
    expect(again.text).toContain('Załączony wcześniej plik nie jest już dostępny')
    expect(again.text).toContain('id="scan-error"')
  })

  it('a validation error keeps the scan too, and a later save attaches it', async () => {
    const bad = await post(hall, { ...completed('FA1000003'), sealNumber: '' }).attach(
      'scan',
      png,
      'skan.png',
    )
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('Wpisz numer plomby koperty')
    expect(bad.text).toContain('skan.png')
    const token = tokenIn(bad.text)!
    expect(await ctx.db('deposits').where({ document_number: 'FA1000003' }).first()).toBeUndefined()

    const saved = await post(hall, { ...completed('FA1000003'), scanPending: token })
    expect(saved.status).toBe(303)
    const id = Number(saved.headers.location!.split('/').pop())
    expect(await ctx.db('deposit_files').where({ deposit_id: id }).pluck('original_name')).toEqual([
      'skan.png',
    ])
  })

  it('a file chosen again replaces the held one; "remove" drops it with its file', async () => {
    const first = await post(hall, { action: 'readMrz', mrz: passportMrz('FA1000004') }).attach(
      'scan',
      png,
      'a.png',
    )
    const oldToken = tokenIn(first.text)!
    const oldFile = (await ctx.db('pending_uploads').where({ token: oldToken }).first('file_id')).file_id
    const replaced = await post(hall, {
      action: 'readMrz',
      mrz: passportMrz('FA1000004'),
      scanPending: oldToken,
    }).attach('scan', pdf, 'b.pdf')
    expect(replaced.text).toContain('b.pdf')
    expect(replaced.text).not.toContain('a.png')
    const newToken = tokenIn(replaced.text)!
    expect(newToken).not.toBe(oldToken)
    expect(await ctx.db('pending_uploads').where({ token: oldToken }).first()).toBeUndefined()
    expect(await ctx.deps.files.exists(oldFile)).toBe(false)

    const newFile = (await ctx.db('pending_uploads').where({ token: newToken }).first('file_id')).file_id
    const removed = await post(hall, {
      mrz: passportMrz('FA1000004'),
      surname: 'MELNYK',
      scanPending: newToken,
      removeScan: newToken,
    })
    expect(removed.status).toBe(200)
    expect(removed.text).not.toContain('Załączono:')
    expect(removed.text).toContain('value="MELNYK"')
    expect(await ctx.db('pending_uploads').where({ token: newToken }).first()).toBeUndefined()
    expect(await ctx.deps.files.exists(newFile)).toBe(false)
  })

  it("refuses another user's token, and the same user's token from another session", async () => {
    const read = await post(hall, { action: 'readMrz', mrz: passportMrz('FA1000005') }).attach(
      'scan',
      png,
      'c.png',
    )
    const token = tokenIn(read.text)!
    const other = await signInAs(ctx, ['hall_staff'])
    const user = await createUser(ctx.db, { roles: ['hall_staff'] })
    const firstSession = await signIn(ctx.app, user)
    const secondSession = await signIn(ctx.app, user)
    const theirs = tokenIn(
      (
        await post(firstSession, { action: 'readMrz', mrz: passportMrz('FA1000006') }).attach(
          'scan',
          png,
          'd.png',
        )
      ).text,
    )!

    for (const [who, t] of [
      [other, token],
      [secondSession, theirs],
    ] as const) {
      const res = await post(who, { ...completed('FA1000005'), scanPending: t })
      expect(res.status).toBe(422)
      expect(res.text).toContain('Załączony wcześniej plik nie jest już dostępny')
      expect(res.text).not.toContain(t)
    }
    expect(await ctx.db('deposits').where({ document_number: 'FA1000005' }).first()).toBeUndefined()
    // The owners' files are untouched and still theirs.
    expect(
      Number((await ctx.db('pending_uploads').whereIn('token', [token, theirs]).count({ n: '*' }))[0]!.n),
    ).toBe(2)
    const saved = await post(hall, { ...completed('FA1000005'), scanPending: token })
    expect(saved.status).toBe(303)
  })

  it('expired pending uploads are swept with their files and refused afterwards', async () => {
    const read = await post(hall, { action: 'readMrz', mrz: passportMrz('FA1000007') }).attach(
      'scan',
      png,
      'e.png',
    )
    const token = tokenIn(read.text)!
    const fileId = (await ctx.db('pending_uploads').where({ token }).first('file_id')).file_id
    await ctx
      .db('pending_uploads')
      .where({ token })
      .update({ expires_at: new Date(Date.now() - 60_000) })

    // An expired token is refused even before the sweep has run.
    const late = await post(hall, { ...completed('FA1000007'), scanPending: token })
    expect(late.status).toBe(422)
    expect(late.text).toContain('Załączony wcześniej plik nie jest już dostępny')

    expect(await sweepExpiredPending(ctx.db, ctx.deps.files)).toBe(1)
    expect(await ctx.db('pending_uploads').where({ token }).first()).toBeUndefined()
    expect(await ctx.deps.files.exists(fileId)).toBe(false)
    expect((await integrity()).problems).toEqual([])
  })

  it('holding a new file sweeps the expired ones', async () => {
    const read = await post(hall, { action: 'readMrz', mrz: passportMrz('FA1000008') }).attach(
      'scan',
      png,
      'f.png',
    )
    const token = tokenIn(read.text)!
    const fileId = (await ctx.db('pending_uploads').where({ token }).first('file_id')).file_id
    await ctx
      .db('pending_uploads')
      .where({ token })
      .update({ expires_at: new Date(Date.now() - 60_000) })
    await post(hall, { action: 'readMrz', mrz: passportMrz('FA1000009') }).attach('scan', png, 'g.png')
    expect(await ctx.db('pending_uploads').where({ token }).first()).toBeUndefined()
    expect(await ctx.deps.files.exists(fileId)).toBe(false)
  })

  it('a take-in that fails after claiming the held scan leaves it held (no orphan, no missing file)', async () => {
    const owner = { userId: hall.userId, sessionId: 'session-of-the-test' }
    const [held] = await holdPending(ctx.db, ctx.deps.files, owner, 'deposits.scan', [
      { content: png, originalName: 'h.png', mime: 'image/png', size: png.length },
    ])
    const actor = { id: hall.userId, name: 'Hala', unit: null }
    const input = depositForm.parse({ ...completed('FA1000010'), issuingCountry: 'QQQ' })
    await expect(
      service.takeIn(ctx.db, actor, input, [], new Date(), (trx) =>
        claimPending(trx, owner, 'deposits.scan', [held!.token]),
      ),
    ).rejects.toThrow()
    expect(await ctx.db('pending_uploads').where({ token: held!.token }).first()).toBeTruthy()
    expect(await ctx.db('deposit_files').where({ file_id: held!.file.id }).first()).toBeUndefined()
    expect((await integrity()).problems).toEqual([])

    const ok = await service.takeIn(
      ctx.db,
      actor,
      depositForm.parse(completed('FA1000010')),
      [],
      new Date(),
      (trx) => claimPending(trx, owner, 'deposits.scan', [held!.token]),
    )
    expect(await ctx.db('deposit_files').where({ deposit_id: ok.id }).pluck('file_id')).toEqual([
      held!.file.id,
    ])
    expect(await ctx.db('pending_uploads').where({ token: held!.token }).first()).toBeUndefined()
    expect((await integrity()).problems).toEqual([])
  })
})
