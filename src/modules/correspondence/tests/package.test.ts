import { describe, expect, it } from 'vitest'
import { looksLikeZip, readZip, unsafeEntryName, ZipError } from '../zip-reader.js'
import { child, find, parseXml, textOf, XmlError } from '../xml-reader.js'
import { formatAddress, PackageError, parseMoment, parsePackage } from '../package-import.js'
import { samplePdf } from './helpers.js'
import { buildZip, edeliveryPackage, epuapDocument, epuapPackage, epuapUpp, samplePng } from './packages.js'

const zipReason = (buf: Buffer, limits?: Parameters<typeof readZip>[1]) => {
  try {
    readZip(buf, limits)
    return 'ok'
  } catch (err) {
    if (err instanceof ZipError) return err.reason
    throw err
  }
}

const packageReason = async (buf: Buffer) => {
  try {
    await parsePackage(buf)
    return 'ok'
  } catch (err) {
    if (err instanceof PackageError) return err.reason
    throw err
  }
}

describe('ZIP reader', () => {
  it('reads stored and deflated entries, skipping folders', () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'Zażółć gęślą jaźń', method: 0 },
      { name: 'dir/', data: '', method: 0 },
      { name: 'dir/b.bin', data: Buffer.alloc(5000, 7) },
    ])
    expect(looksLikeZip(zip)).toBe(true)
    const entries = readZip(zip)
    expect(entries.map((e) => e.name)).toEqual(['a.txt', 'dir/b.bin'])
    expect(entries[0]!.data.toString('utf8')).toBe('Zażółć gęślą jaźń')
    expect(entries[1]!.data.equals(Buffer.alloc(5000, 7))).toBe(true)
  })

  it('refuses what is not a ZIP, is cut short or has a wrong CRC', () => {
    expect(looksLikeZip(samplePdf)).toBe(false)
    expect(zipReason(samplePdf)).toBe('corrupt')
    const zip = buildZip([{ name: 'a.txt', data: 'hello hello hello', method: 0 }])
    expect(zipReason(zip.subarray(0, zip.length - 5))).toBe('corrupt')
    const flipped = Buffer.from(zip)
    flipped[36] = flipped[36]! ^ 0xff // a byte of the data (after the 30-byte header and the name)
    expect(zipReason(flipped)).toBe('corrupt')
  })

  it('refuses zip bombs: too many entries, too many bytes declared, an entry bigger than it says', () => {
    const many = buildZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })))
    expect(zipReason(many, { maxEntries: 4, maxTotalBytes: 1000 })).toBe('tooLarge')
    const big = buildZip([{ name: 'zeros.bin', data: Buffer.alloc(2 * 1048576) }])
    expect(big.length).toBeLessThan(5000)
    expect(zipReason(big, { maxEntries: 10, maxTotalBytes: 1048576 })).toBe('tooLarge')
    const liar = buildZip([{ name: 'zeros.bin', data: Buffer.alloc(2 * 1048576), declaredSize: 100 }])
    expect(zipReason(liar)).toBe('tooLarge')
  })

  it('refuses path traversal, absolute names and encrypted entries', () => {
    for (const name of ['../evil.pdf', 'a/../../evil.pdf', '/etc/passwd', 'C:\\Windows\\x.pdf', '..\\x.pdf'])
      expect(zipReason(buildZip([{ name, data: 'x' }])), name).toBe('badName')
    expect(unsafeEntryName('dir/ok..pdf')).toBe(false)
    expect(zipReason(buildZip([{ name: 'a.pdf', data: 'x', flags: 1 }]))).toBe('encrypted')
    expect(zipReason(buildZip([{ name: 'a.pdf', data: 'x', method: 12 }]))).toBe('unsupported')
  })
})

describe('XML reader', () => {
  it('reads elements by local name whatever the prefix, with attributes, entities and CDATA', () => {
    const root = parseXml(epuapDocument())
    expect(root.name).toBe('Dokument')
    expect(root.ns).toBe('http://crd.gov.pl/wzor/2013/12/12/1410/')
    expect(textOf(root, 'Tytul')).toBe('Wniosek o wgląd w akta & kopie')
    expect(textOf(root, 'Wartosc')).toBe('DOC-1')
    expect(textOf(find(root, 'TrescDokumentu'), 'Wartosc')).toBe('Proszę o <wgląd> w akta.')
    expect(child(root, 'daneDokumentu')?.name).toBe('DaneDokumentu')
    expect(parseXml('<a x="1 &lt; 2 &#x41;&#66;"/>').attrs.x).toBe('1 < 2 AB')
  })

  it('refuses a DOCTYPE (external entities, entity bombs) and unknown entities', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'
    expect(() => parseXml(xxe)).toThrow(XmlError)
    expect(() => parseXml(xxe)).toThrow(/DOCTYPE/)
    expect(() => parseXml('<a>&x;</a>')).toThrow(/entity/)
  })

  it('refuses broken or over-deep documents', () => {
    for (const bad of ['<a><b></a>', '<a>', 'text', '<a></a><b/>', '<a x=1/>', '<a x="1" x="2"/>'])
      expect(() => parseXml(bad), bad).toThrow(XmlError)
    expect(() => parseXml('<a>'.repeat(100) + '</a>'.repeat(100))).toThrow(/deep/)
  })

  it('decodes the declared encoding', () => {
    const latin2 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-2"?><a>'),
      Buffer.from([0xa3, 0xf3, 0xbf, 0x6b, 0x6f]),
      Buffer.from('</a>'),
    ])
    expect(parseXml(latin2).text).toBe('Łóżko')
  })
})

describe('dates and addresses', () => {
  it('moves a zoned time to the office clock and keeps a local one', () => {
    expect(parseMoment('2026-03-03T10:15:00.000+01:00')).toEqual({ date: '2026-03-03', time: '10:15' })
    expect(parseMoment('2026-07-01T22:30:00Z')).toEqual({ date: '2026-07-02', time: '00:30' })
    expect(parseMoment('2026-03-03T10:15:00')).toEqual({ date: '2026-03-03', time: '10:15' })
    expect(parseMoment('2026-03-03')).toEqual({ date: '2026-03-03', time: null })
    expect(parseMoment('2026-02-30')).toBeNull()
    expect(parseMoment('wczoraj')).toBeNull()
  })

  it('writes a postal address on one line', () => {
    expect(
      formatAddress({ street: 'Długa', building: '5', flat: '12', postalCode: '00-950', city: 'Warszawa' }),
    ).toBe('Długa 5/12, 00-950 Warszawa')
    expect(formatAddress({ building: '3', postalCode: '05-500', city: 'Mysiadło', post: 'Piaseczno' })).toBe(
      'Mysiadło 3, 05-500 Piaseczno',
    )
  })
})

describe('package parser', () => {
  it('reads an ePUAP package: sender, subject, dates, document id, attachments inside and beside the XML', async () => {
    const p = await parsePackage(epuapPackage('7'))
    expect(p).toMatchObject({
      kind: 'epuap',
      senderKind: 'person',
      senderName: 'Zofia Wójcik',
      senderAddress: 'Długa 5/12, 00-950 Warszawa',
      senderEmail: 'zofia@example.pl',
      senderEpuap: '/zwojcik/SkrytkaESP',
      senderEdelivery: '',
      subject: 'Wniosek o wgląd w akta & kopie',
      letterDate: '2026-03-02',
      receivedDate: '2026-03-03',
      receivedTime: '10:15',
      messageId: 'epuap:EPUAP-7',
      attachmentNames: ['pismo.pdf', 'skan.png'],
      skippedAttachments: ['notatka.docx'],
      packageFiles: ['Dokument.xml', 'UPP.xml', 'Dokument.xml.xades'],
    })
    expect(p.files.map((f) => f.mime)).toEqual(['application/pdf', 'image/png'])
    expect(p.files[1]!.content.equals(samplePng)).toBe(true)
  })

  it('takes the document id from the document when there is no UPP, and finds a document inside a XAdES envelope', async () => {
    const enveloped = `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Object>${epuapDocument({ id: '9' }).replace(/^<\?xml[^>]*\?>/, '')}</ds:Object></ds:Signature>`
    const p = await parsePackage(buildZip([{ name: 'pismo.xml.xades', data: enveloped }]))
    expect(p.kind).toBe('epuap')
    expect(p.messageId).toBe('epuap:DOC-9')
    expect(p.senderName).toBe('Zofia Wójcik')
    expect(p.receivedDate).toBeNull()
  })

  it('reads an e-Doręczenia package from its JSON metadata', async () => {
    const p = await parsePackage(edeliveryPackage())
    expect(p).toMatchObject({
      kind: 'edelivery',
      senderName: 'Fundacja Pomocy Prawnej',
      senderEdelivery: 'AE:PL-12345-67890-ABCDE-12',
      subject: 'Skarga na przewlekłość',
      letterDate: '2026-03-04',
      receivedDate: '2026-03-04',
      receivedTime: '09:01',
      messageId: 'edelivery:MSG-a1b2c3',
      attachmentNames: ['skarga.pdf'],
      skippedAttachments: [],
      packageFiles: ['metadata.json', 'skarga.pdf.xades'],
    })
  })

  it('reads e-Doręczenia metadata given as XML in any namespace', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ed:Wiadomosc xmlns:ed="urn:example:edoreczenia">
  <ed:IdWiadomosci>X-42</ed:IdWiadomosci>
  <ed:Nadawca><ed:Imie>Jan</ed:Imie><ed:Nazwisko>Kowalski</ed:Nazwisko><ed:Adres>AE:PL-11111-22222-QWERT-33</ed:Adres></ed:Nadawca>
  <ed:Adresat><ed:Adres>AE:PL-55754-97181-CHDVR-19</ed:Adres></ed:Adresat>
  <ed:Temat>Wniosek o zaświadczenie</ed:Temat>
  <ed:DataNadania>2026-05-10T12:00:00+02:00</ed:DataNadania>
  <ed:DataOdbioru>2026-05-10T12:05:00+02:00</ed:DataOdbioru>
</ed:Wiadomosc>`
    const p = await parsePackage(
      buildZip([
        { name: 'wiadomosc.xml', data: xml },
        { name: 'w.pdf', data: samplePdf },
      ]),
    )
    expect(p).toMatchObject({
      kind: 'edelivery',
      senderKind: 'person',
      senderName: 'Jan Kowalski',
      senderEdelivery: 'AE:PL-11111-22222-QWERT-33',
      subject: 'Wniosek o zaświadczenie',
      receivedDate: '2026-05-10',
      receivedTime: '12:05',
      messageId: 'edelivery:X-42',
    })
  })

  it('refuses an unknown, corrupt or hostile package with a reason', async () => {
    expect(await packageReason(buildZip([{ name: 'a.pdf', data: samplePdf }]))).toBe('unknown')
    expect(await packageReason(Buffer.from('PK\x03\x04 and then nothing'))).toBe('corrupt')
    expect(await packageReason(buildZip([{ name: '../UPP.xml', data: epuapUpp() }]))).toBe('badName')
    const doctype = `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>${epuapUpp().replace(/^<\?xml[^>]*\?>/, '')}`
    expect(await packageReason(buildZip([{ name: 'UPP.xml', data: doctype }]))).toBe('doctype')
    const bomb = buildZip([{ name: 'UPP.xml', data: Buffer.alloc(80 * 1048576, 0x20) }])
    expect(await packageReason(bomb)).toBe('tooLarge')
    expect(await packageReason(buildZip([{ name: 'UPP.xml', data: epuapUpp(), flags: 1 }]))).toBe(
      'unsupported',
    )
  })
})
