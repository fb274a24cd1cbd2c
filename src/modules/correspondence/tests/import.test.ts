import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signInAs, type SignedIn, type TestContext } from '../../../../tests/helpers/app.js'
import { samplePdf } from './helpers.js'

let ctx: TestContext
let clerk: SignedIn
beforeAll(async () => {
  ctx = await createTestApp()
  clerk = await signInAs(ctx, ['registry_clerk'])
})
afterAll(() => ctx.close())

const eml = Buffer.from(
  [
    'From: =?UTF-8?Q?Zofia_W=C3=B3jcik?= <zofia.wojcik@example.pl>',
    'To: kancelaria@udsc.example',
    'Subject: =?UTF-8?Q?Zapytanie_o_status_sprawy?=',
    'Date: Tue, 03 Mar 2026 10:15:00 +0100',
    'Message-ID: <abc123@example.pl>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="XYZ"',
    '',
    '--XYZ',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Dzień dobry, proszę o informację.',
    '--XYZ',
    'Content-Type: application/pdf; name="pismo.pdf"',
    'Content-Disposition: attachment; filename="pismo.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    samplePdf.toString('base64'),
    '--XYZ--',
    '',
  ].join('\r\n'),
)

const upload = () =>
  clerk.agent.post('/registry/import').field('_csrf', clerk.csrf).attach('message', eml, 'wiadomosc.eml')

describe('e-mail import', () => {
  it('prefills the form, stores the message and its attachment with the item, and refuses it the second time', async () => {
    const res = await upload()
    expect(res.status).toBe(303)
    const location = String(res.headers.location)
    expect(location).toMatch(/^\/registry\/incoming\/new\?importId=[0-9a-f-]{36}$/)
    const form = await clerk.agent.get(location)
    expect(form.text).toContain('value="Zofia Wójcik"')
    expect(form.text).toContain('value="zofia.wojcik@example.pl"')
    expect(form.text).toContain('value="Zapytanie o status sprawy"')
    expect(form.text).toContain('value="03.03.2026"')
    expect(form.text).toContain('value="10:15"')
    expect(form.text).toContain('pismo.pdf')
    const importId = location.split('=')[1]!
    const saved = await clerk.agent
      .post('/registry/incoming')
      .field('_csrf', clerk.csrf)
      .field('importId', importId)
      .field('receivedDate', '03.03.2026')
      .field('receivedTime', '10:15')
      .field('channel', 'email')
      .field('form', 'electronic')
      .field('senderKind', 'person')
      .field('senderName', 'Zofia Wójcik')
      .field('senderEmail', 'zofia.wojcik@example.pl')
      .field('subject', 'Zapytanie o status sprawy')
    expect(saved.status).toBe(303)
    const item = await ctx.db('incoming_items').first('id', 'message_id', 'content_hash')
    expect(item.message_id).toBe('<abc123@example.pl>')
    const files = await ctx
      .db('incoming_attachments')
      .where({ item_id: item.id })
      .orderBy('id')
      .select('mime', 'original_name')
    expect(files).toEqual([
      { mime: 'message/rfc822', original_name: 'wiadomosc.eml' },
      { mime: 'application/pdf', original_name: 'pismo.pdf' },
    ])
    expect(await ctx.db('registry_email_imports').count<{ c: string }>({ c: '*' }).first()).toEqual({ c: 0 })

    const again = await upload()
    expect(again.status).toBe(422)
    expect(again.text).toContain('Ta wiadomość została już zarejestrowana pod numerem 2026/000001')
  })

  it('refuses a file that is not an e-mail', async () => {
    const res = await clerk.agent
      .post('/registry/import')
      .field('_csrf', clerk.csrf)
      .attach('message', samplePdf, 'x.eml')
    expect(res.status).toBe(422)
    expect(res.text).toContain('To nie jest wiadomość e-mail (.eml) ani paczka ePUAP / e-Doręczeń (.zip)')
  })
})

describe('sender directory', () => {
  it('answers search-as-you-type by POST with the CSRF header, folding Polish letters, and audits it', async () => {
    const res = await clerk.agent
      .post('/registry/senders/lookup')
      .set('X-CSRF-Token', clerk.csrf)
      .send({ q: 'wojcik' })
    expect(res.status).toBe(200)
    expect(res.body.senders.map((s: { name: string }) => s.name)).toEqual(['Zofia Wójcik'])
    const refused = await clerk.agent.post('/registry/senders/lookup').send({ q: 'wojcik' })
    expect(refused.status).toBe(403)
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'registry.sendersLookedUp' })
        .count<{ c: string }>({ c: '*' })
        .first(),
    ).toEqual({ c: 1 })
  })

  it('offers a plain search page that leads to the form prefilled with the sender', async () => {
    const res = await clerk.agent
      .post('/registry/senders')
      .type('form')
      .send({ _csrf: clerk.csrf, q: 'ZOFIA' })
    expect(res.status).toBe(303)
    const page = await clerk.agent.get(String(res.headers.location))
    const link = /href="(\/registry\/incoming\/new\?senderId=\d+)"/.exec(page.text)
    expect(link).toBeTruthy()
    const form = await clerk.agent.get(link![1]!)
    expect(form.text).toContain('value="Zofia Wójcik"')
  })
})
