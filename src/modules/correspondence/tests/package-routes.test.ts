import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signInAs, type SignedIn, type TestContext } from '../../../../tests/helpers/app.js'
import { samplePdf } from './helpers.js'
import { buildZip, edeliveryPackage, epuapDocument, epuapPackage, epuapUpp } from './packages.js'

let ctx: TestContext
let clerk: SignedIn
beforeAll(async () => {
  ctx = await createTestApp()
  clerk = await signInAs(ctx, ['registry_clerk'])
})
afterAll(() => ctx.close())

const upload = (content: Buffer, name = 'paczka.zip') =>
  clerk.agent.post('/registry/import').field('_csrf', clerk.csrf).attach('message', content, name)

const count = async (table: string) =>
  Number((await ctx.db(table).count<{ c: string }>({ c: '*' }).first())!.c)

const selected = (html: string, name: string) =>
  new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?<option value="([^"]*)" selected`).exec(html)?.[1]

const importIdOf = (location: string) => /importId=([0-9a-f-]{36})$/.exec(location)![1]!

describe('ePUAP package import', () => {
  it('prefills the form, registers the item with the package and its documents, and recognises the package again', async () => {
    const res = await upload(epuapPackage('1'))
    expect(res.status).toBe(303)
    const location = String(res.headers.location)
    const form = await clerk.agent.get(location)
    expect(form.status).toBe(200)
    expect(form.text).toContain('Formularz wypełniono danymi z paczki ePUAP')
    for (const value of [
      'Zofia Wójcik',
      'Długa 5/12, 00-950 Warszawa',
      'zofia@example.pl',
      '/zwojcik/SkrytkaESP',
      'Wniosek o wgląd w akta &amp; kopie',
      '03.03.2026',
      '10:15',
      '02.03.2026',
    ])
      expect(form.text).toContain(`value="${value}"`)
    expect(selected(form.text, 'channel')).toBe('epuap')
    expect(selected(form.text, 'form')).toBe('electronic')
    expect(form.text).toContain('Załączniki: pismo.pdf, skan.png')
    expect(form.text).toContain('notatka.docx')
    expect(form.text).toContain('Dokument.xml, UPP.xml, Dokument.xml.xades')

    const saved = await clerk.agent
      .post('/registry/incoming')
      .field('_csrf', clerk.csrf)
      .field('importId', importIdOf(location))
      .field('receivedDate', '03.03.2026')
      .field('receivedTime', '10:15')
      .field('letterDate', '02.03.2026')
      .field('channel', 'epuap')
      .field('form', 'electronic')
      .field('senderKind', 'person')
      .field('senderName', 'Zofia Wójcik')
      .field('senderAddress', 'Długa 5/12, 00-950 Warszawa')
      .field('senderEmail', 'zofia@example.pl')
      .field('senderEpuap', '/zwojcik/SkrytkaESP')
      .field('subject', 'Wniosek o wgląd w akta & kopie')
    expect(saved.status).toBe(303)
    const item = await ctx.db('incoming_items').orderBy('id', 'desc').first('id', 'message_id', 'channel')
    expect(item).toMatchObject({ message_id: 'epuap:EPUAP-1', channel: 'epuap' })
    const files = await ctx
      .db('incoming_attachments')
      .where({ item_id: item.id })
      .orderBy('id')
      .select('id', 'mime', 'original_name')
    expect(files.map(({ mime, original_name }) => ({ mime, original_name }))).toEqual([
      { mime: 'application/zip', original_name: 'paczka-epuap.zip' },
      { mime: 'application/pdf', original_name: 'pismo.pdf' },
      { mime: 'image/png', original_name: 'skan.png' },
    ])
    expect(await count('registry_email_imports')).toBe(0)
    const sender = await ctx.db('registry_senders').where({ name: 'Zofia Wójcik' }).first('epuap_address')
    expect(sender.epuap_address).toBe('/zwojcik/SkrytkaESP')

    // The package itself is never opened in the browser, even when asked to.
    const zip = await clerk.agent.get(`/registry/incoming/${item.id}/files/${files[0].id}?inline=1`)
    expect(zip.headers['content-disposition']).toMatch(/^attachment;/)
    expect(zip.headers['content-type']).toBe('application/zip')

    // The same package again, and the same message saved again (other bytes, same document id).
    const again = await upload(epuapPackage('1'))
    expect(again.status).toBe(422)
    expect(again.text).toContain('Ta wiadomość została już zarejestrowana pod numerem 2026/000001')
    const resaved = buildZip([
      { name: 'UPP.xml', data: epuapUpp('1') },
      { name: 'Dokument.xml', data: epuapDocument({ id: '1' }), method: 0 },
    ])
    const byId = await upload(resaved)
    expect(byId.status).toBe(422)
    expect(byId.text).toContain('2026/000001')
    expect(await count('registry_email_imports')).toBe(0)
  })

  it('recognises a package without any identifier by its content hash', async () => {
    const anonymous = buildZip([
      {
        name: 'pismo.xml',
        data: epuapDocument({ subject: 'Bez identyfikatora' }).replace(
          /<meta:Identyfikator[\s\S]*?<\/meta:Identyfikator>/,
          '',
        ),
      },
    ])
    const first = await upload(anonymous)
    expect(first.status).toBe(303)
    const saved = await clerk.agent
      .post('/registry/incoming')
      .field('_csrf', clerk.csrf)
      .field('importId', importIdOf(String(first.headers.location)))
      .field('receivedDate', '05.03.2026')
      .field('receivedTime', '09:00')
      .field('channel', 'epuap')
      .field('form', 'electronic')
      .field('senderKind', 'person')
      .field('senderName', 'Zofia Wójcik')
      .field('subject', 'Bez identyfikatora')
    expect(saved.status).toBe(303)
    const item = await ctx.db('incoming_items').orderBy('id', 'desc').first('message_id', 'content_hash')
    expect(item.message_id).toBeNull()
    expect(item.content_hash).toMatch(/^[0-9a-f]{64}$/)
    const again = await upload(anonymous)
    expect(again.status).toBe(422)
    expect(again.text).toContain('Ta wiadomość została już zarejestrowana pod numerem 2026/000002')
  })
})

describe('e-Doręczenia package import', () => {
  it('prefills the ADE address, subject and dates, and registers it on the e-Doręczenia channel', async () => {
    const res = await upload(edeliveryPackage('x1'))
    expect(res.status).toBe(303)
    const location = String(res.headers.location)
    const form = await clerk.agent.get(location)
    expect(form.text).toContain('Formularz wypełniono danymi z paczki e-Doręczeń')
    for (const value of [
      'Fundacja Pomocy Prawnej',
      'AE:PL-12345-67890-ABCDE-12',
      'Skarga na przewlekłość',
      '09:01',
    ])
      expect(form.text).toContain(`value="${value}"`)
    expect(selected(form.text, 'channel')).toBe('edelivery')
    const saved = await clerk.agent
      .post('/registry/incoming')
      .field('_csrf', clerk.csrf)
      .field('importId', importIdOf(location))
      .field('receivedDate', '04.03.2026')
      .field('receivedTime', '09:01')
      .field('channel', 'edelivery')
      .field('form', 'electronic')
      .field('senderKind', 'institution')
      .field('senderName', 'Fundacja Pomocy Prawnej')
      .field('senderEdelivery', 'AE:PL-12345-67890-ABCDE-12')
      .field('subject', 'Skarga na przewlekłość')
    expect(saved.status).toBe(303)
    const item = await ctx
      .db('incoming_items')
      .orderBy('id', 'desc')
      .first('id', 'message_id', 'sender_edelivery')
    expect(item).toMatchObject({
      message_id: 'edelivery:MSG-x1',
      sender_edelivery: 'AE:PL-12345-67890-ABCDE-12',
    })
    const names = await ctx
      .db('incoming_attachments')
      .where({ item_id: item.id })
      .orderBy('id')
      .pluck('original_name')
    expect(names).toEqual(['paczka-e-doreczenia.zip', 'skarga.pdf'])
    expect((await upload(edeliveryPackage('x1'))).status).toBe(422)
  })
})

describe('refused packages', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['corrupt', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 1)]), 'Paczka jest uszkodzona'],
    [
      'zip bomb',
      buildZip([{ name: 'UPP.xml', data: Buffer.alloc(80 * 1048576, 0x20) }]),
      'Paczka jest za duża po rozpakowaniu (najwyżej 200 plików i 64 MB)',
    ],
    [
      'lying zip bomb',
      buildZip([{ name: 'UPP.xml', data: Buffer.alloc(4 * 1048576, 0x20), declaredSize: 10 }]),
      'Paczka jest za duża po rozpakowaniu',
    ],
    [
      'path traversal',
      buildZip([{ name: '../../etc/UPP.xml', data: epuapUpp() }]),
      'Paczka zawiera plik o niedozwolonej nazwie',
    ],
    [
      'DOCTYPE',
      buildZip([
        {
          name: 'UPP.xml',
          data: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><UPP>&e;</UPP>',
        },
      ]),
      'zawiera deklarację DOCTYPE',
    ],
    ['encrypted', buildZip([{ name: 'UPP.xml', data: epuapUpp(), flags: 1 }]), 'Paczka jest zaszyfrowana'],
    ['unknown', buildZip([{ name: 'skan.pdf', data: samplePdf }]), 'Nie rozpoznano paczki'],
  ]

  it.each(cases)(
    'refuses a %s package next to the field, storing and recording nothing',
    async (_label, zip, message) => {
      const audit = await count('audit_log')
      const res = await upload(zip)
      expect(res.status).toBe(422)
      expect(res.text).toMatch(/<p id="message-error" class="field-error">/)
      expect(res.text).toContain(message)
      expect(res.text).toContain('href="#message"')
      expect(await count('registry_email_imports')).toBe(0)
      expect(await count('audit_log')).toBe(audit)
    },
  )
})
