import zlib from 'node:zlib'
import { samplePdf } from './helpers.js'

/** One entry of a hand-made ZIP; the overrides make broken or hostile archives on purpose. */
export interface FixtureEntry {
  name: string
  data: Buffer | string
  /** 0 stored, 8 deflate (default). */
  method?: number
  /** The uncompressed size written in the headers (a zip bomb lies here). */
  declaredSize?: number
  flags?: number
}

/** Builds ZIP bytes (local headers, central directory, end record) like any archiver would. */
export function buildZip(entries: FixtureEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8')
    const method = e.method ?? 8
    const body = method === 8 ? zlib.deflateRawSync(data) : data
    const name = Buffer.from(e.name, 'utf8')
    const crc = zlib.crc32(data)
    const size = e.declaredSize ?? data.length
    const flags = (e.flags ?? 0) | 0x800
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, body)
    centrals.push(central, name)
    offset += local.length + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

/** A smallest valid PNG (1×1). */
export const samplePng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

/** An ePUAP "pismo ogólne" in the CRD namespaces, with one attachment inside it. */
export function epuapDocument(opts: { id?: string; subject?: string; inline?: Buffer } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wnio:Dokument xmlns:wnio="http://crd.gov.pl/wzor/2013/12/12/1410/"
  xmlns:meta="http://crd.gov.pl/xml/schematy/meta/2009/11/16/"
  xmlns:str="http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"
  xmlns:oso="http://crd.gov.pl/xml/schematy/osoba/2009/11/16/"
  xmlns:adr="http://crd.gov.pl/xml/schematy/adres/2009/11/09/"
  xmlns:inst="http://crd.gov.pl/xml/schematy/instytucja/2009/11/16/"
  xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <wnio:OpisDokumentu>
    <meta:Data typDaty="utworzenia">2026-03-02</meta:Data>
    <meta:Identyfikator typIdentyfikatora="idDokumentu"><meta:Wartosc>DOC-${opts.id ?? '1'}</meta:Wartosc></meta:Identyfikator>
  </wnio:OpisDokumentu>
  <wnio:DaneDokumentu>
    <str:Naglowek>
      <str:NazwaDokumentu>Pismo ogólne do podmiotu publicznego</str:NazwaDokumentu>
      <str:Tytul>${opts.subject ?? 'Wniosek o wgląd w akta &amp; kopie'}</str:Tytul>
    </str:Naglowek>
    <meta:Adresaci><meta:Podmiot><inst:Instytucja><inst:NazwaInstytucji>Urząd do Spraw Cudzoziemców</inst:NazwaInstytucji></inst:Instytucja></meta:Podmiot></meta:Adresaci>
    <meta:Nadawcy>
      <meta:Podmiot>
        <oso:Osoba><oso:Imie>Zofia</oso:Imie><oso:Nazwisko>Wójcik</oso:Nazwisko></oso:Osoba>
        <adr:Adres>
          <adr:KodPocztowy>00-950</adr:KodPocztowy><adr:Poczta>Warszawa</adr:Poczta>
          <adr:Miejscowosc>Warszawa</adr:Miejscowosc><adr:Ulica>Długa</adr:Ulica>
          <adr:Budynek>5</adr:Budynek><adr:Lokal>12</adr:Lokal>
        </adr:Adres>
        <meta:Kontakt><meta:Email>zofia@example.pl</meta:Email></meta:Kontakt>
        <meta:AdresSkrytki>/zwojcik/SkrytkaESP</meta:AdresSkrytki>
      </meta:Podmiot>
    </meta:Nadawcy>
    <wnio:TrescDokumentu format="text/plain"><wnio:Wartosc><![CDATA[Proszę o <wgląd> w akta.]]></wnio:Wartosc></wnio:TrescDokumentu>
  </wnio:DaneDokumentu>
  <wnio:Zalaczniki>
    <str:Zalacznik format="image/png" kodowanie="base64" nazwaPliku="skan.png"><str:DaneZalacznika>${(opts.inline ?? samplePng).toString('base64')}</str:DaneZalacznika></str:Zalacznik>
  </wnio:Zalaczniki>
  <ds:Signature Id="sig-1"><ds:SignedInfo/></ds:Signature>
</wnio:Dokument>`
}

export function epuapUpp(id = '1'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ns2:UPP xmlns:ns2="http://crd.gov.pl/xml/schematy/ppzp/2009/11/16/">
  <ns2:IdentyfikatorPoswiadczenia>UPP-${id}</ns2:IdentyfikatorPoswiadczenia>
  <ns2:DataDoreczenia>2026-03-03T10:15:00.000+01:00</ns2:DataDoreczenia>
  <ns2:Dokument><ns2:IdentyfikatorDokumentu>EPUAP-${id}</ns2:IdentyfikatorDokumentu></ns2:Dokument>
</ns2:UPP>`
}

/** What the ePUAP inbox saves: the document, its confirmation, an attachment, a signature, a stray file. */
export function epuapPackage(id = '1'): Buffer {
  return buildZip([
    { name: 'Dokument.xml', data: epuapDocument({ id }) },
    { name: 'UPP.xml', data: epuapUpp(id) },
    { name: 'zalaczniki/pismo.pdf', data: samplePdf },
    { name: 'Dokument.xml.xades', data: '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>' },
    { name: 'notatka.docx', data: 'PK not really a docx', method: 0 },
  ])
}

export function edeliveryMetadata(id = 'a1b2c3'): string {
  return JSON.stringify({
    messageId: `MSG-${id}`,
    subject: 'Skarga na przewlekłość',
    sender: { eDeliveryAddress: 'AE:PL-12345-67890-ABCDE-12', name: 'Fundacja Pomocy Prawnej' },
    recipients: [{ eDeliveryAddress: 'AE:PL-55754-97181-CHDVR-19', name: 'Urząd do Spraw Cudzoziemców' }],
    sentAt: '2026-03-04T08:00:00Z',
    receivedAt: '2026-03-04T08:01:30Z',
    attachments: [{ fileName: 'skarga.pdf', title: 'Skarga' }],
  })
}

export function edeliveryPackage(id = 'a1b2c3'): Buffer {
  return buildZip([
    { name: 'metadata.json', data: edeliveryMetadata(id) },
    { name: 'skarga.pdf', data: samplePdf },
    { name: 'skarga.pdf.xades', data: '<Signature/>' },
  ])
}
