import path from 'node:path'
import { fileTypeFromBuffer } from 'file-type'
import { cleanFileName, documentTypes, type UploadedFile } from '../../shared/files/upload.js'
import { officeDate, officeTime } from '../../shared/clock/office.js'
import { defaultZipLimits, readZip, ZipError, type ZipLimits } from './zip-reader.js'
import { attr, child, find, findAll, parseXml, textOf, XmlError, type XmlElement } from './xml-reader.js'

/**
 * A saved ePUAP or e-Doręczenia message package (a ZIP) read into the fields of the registration form.
 * The formats are **unverified** (DOMAIN.md has no source for them), so the reading is tolerant: elements
 * are looked up by local name whatever their namespace, JSON keys by a list of likely names, and the kind
 * of package is told by its content, not its name. CONTEXT.md lists what is recognised.
 */

export type PackageKind = 'epuap' | 'edelivery'

export type PackageErrorReason = 'corrupt' | 'tooLarge' | 'badName' | 'unsupported' | 'doctype' | 'unknown'

export class PackageError extends Error {
  constructor(readonly reason: PackageErrorReason) {
    super(`package: ${reason}`)
    this.name = 'PackageError'
  }
}

export interface ParsedPackage {
  kind: PackageKind
  senderKind: 'person' | 'institution'
  senderName: string
  senderAddress: string
  senderEmail: string
  senderEpuap: string
  senderEdelivery: string
  subject: string
  /** The date on the letter (ePUAP: `Data typDaty="utworzenia"`; e-Doręczenia: sent), ISO. */
  letterDate: string | null
  receivedDate: string | null
  receivedTime: string | null
  /** Prefixed with the kind (`epuap:…`, `edelivery:…`) so it never meets an e-mail's Message-ID. */
  messageId: string | null
  /** Documents of accepted types (PDF, JPEG, PNG, TIFF), stored with the item. */
  files: UploadedFile[]
  attachmentNames: string[]
  /** Files of other types: not stored separately (they stay in the saved package). */
  skippedAttachments: string[]
  /** The message's own XML/JSON, confirmations (UPP/UPD) and signatures: kept in the saved package. */
  packageFiles: string[]
}

const adePattern = /AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}/i
const signatureExtensions = new Set(['.sig', '.xades', '.p7s', '.p7m', '.cades', '.asc', '.tsr', '.ers'])

const norm = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '')
const clip = (s: string, n: number) => s.replace(/\s+/g, ' ').trim().slice(0, n)

// --- Dates -----------------------------------------------------------------------------------------

interface Moment {
  date: string
  time: string | null
}

/** ISO date or date-time; with a zone it is moved to the office's clock, without one it is taken as is. */
export function parseMoment(value: string | number | undefined): Moment | null {
  if (value === undefined || value === '') return null
  const s = String(value).trim()
  if (/^\d{12,13}$/.test(s)) {
    const d = new Date(Number(s))
    return Number.isNaN(d.getTime()) ? null : { date: officeDate(d), time: officeTime(d) }
  }
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      s,
    )
  if (!m) return null
  const [, y, mo, d, h, min, zone] = m
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)))
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return null
  if (h !== undefined && (Number(h) > 23 || Number(min) > 59)) return null
  if (h !== undefined && zone) {
    const instant = new Date(s.replace(' ', 'T').replace(',', '.'))
    if (Number.isNaN(instant.getTime())) return null
    return { date: officeDate(instant), time: officeTime(instant) }
  }
  return { date: `${y}-${mo}-${d}`, time: h !== undefined ? `${h}:${min}` : null }
}

// --- Addresses -------------------------------------------------------------------------------------

interface PostalParts {
  street?: string
  building?: string
  flat?: string
  postalCode?: string
  city?: string
  post?: string
  country?: string
}

export function formatAddress(p: PostalParts): string {
  const number = [p.building, p.flat].filter(Boolean).join('/')
  const town = p.post || p.city
  const streetLine = [p.street || (p.post && p.city !== p.post ? p.city : ''), number]
    .filter(Boolean)
    .join(' ')
  const cityLine = [p.postalCode, town].filter(Boolean).join(' ')
  const country = p.country && !/^(pl|polska|poland)$/i.test(p.country) ? p.country : ''
  return clip([streetLine, cityLine, country].filter(Boolean).join(', '), 500)
}

function xmlAddress(el: XmlElement | undefined): string {
  const adres = find(el, 'Adres', 'AdresPocztowy', 'AdresKorespondencyjny')
  if (!adres) return ''
  return formatAddress({
    street: textOf(adres, 'Ulica'),
    building: textOf(adres, 'Budynek', 'NumerBudynku', 'NrDomu', 'NumerDomu'),
    flat: textOf(adres, 'Lokal', 'NumerLokalu', 'NrLokalu'),
    postalCode: textOf(adres, 'KodPocztowy'),
    city: textOf(adres, 'Miejscowosc'),
    post: textOf(adres, 'Poczta'),
    country: textOf(adres, 'Kraj'),
  })
}

// --- ePUAP (CRD document + UPP/UPD) -----------------------------------------------------------------

const isDocument = (e: XmlElement) =>
  e.name.toLowerCase() === 'dokument' && !!(child(e, 'DaneDokumentu') || child(e, 'OpisDokumentu'))

function findDocument(trees: XmlElement[]): XmlElement | undefined {
  const all = trees.flatMap((t) => findAll(t, 'Dokument').filter(isDocument))
  return all.find((e) => e.ns.includes('crd.gov.pl')) ?? all[0]
}

function findConfirmation(trees: XmlElement[]): XmlElement | undefined {
  return trees.flatMap((t) => findAll(t, 'UPP', 'UPD'))[0]
}

/** Text below `el`, skipping the subtrees named (so a sender's details are not taken for the subject). */
function textOutside(el: XmlElement | undefined, skip: string[], ...names: string[]): string {
  if (!el) return ''
  const skipped = new Set(skip.map((s) => s.toLowerCase()))
  for (const name of names) {
    let found = ''
    const walk = (e: XmlElement) => {
      if (found || skipped.has(e.name.toLowerCase())) return
      if (e.name.toLowerCase() === name.toLowerCase() && e.text.trim()) found = clip(e.text, 1000)
      else e.children.forEach(walk)
    }
    walk(el)
    if (found) return found
  }
  return ''
}

interface Sender {
  kind: 'person' | 'institution'
  name: string
  address: string
  email: string
  epuap: string
  edelivery: string
}

function xmlSender(el: XmlElement | undefined): Sender {
  const osoba = find(el, 'Osoba')
  const personName = osoba
    ? [textOf(osoba, 'Imie', 'ImiePierwsze'), textOf(osoba, 'Nazwisko')].filter(Boolean).join(' ')
    : ''
  const institution = textOf(el, 'NazwaInstytucji', 'NazwaFirmy', 'PelnaNazwa', 'Nazwa', 'NazwaPodmiotu')
  const electronic = (
    el ? findAll(el, 'AdresSkrytki', 'AdresElektroniczny', 'AdresEpuap', 'Skrytka', 'AdresOdpowiedzi') : []
  )
    .map((e) => clip(e.text, 200))
    .filter(Boolean)
  const email = textOf(el, 'Email', 'AdresEmail', 'EMail', 'AdresPocztyElektronicznej')
  return {
    kind: personName || !institution ? 'person' : 'institution',
    name: clip(personName || institution, 200),
    address: xmlAddress(el),
    email: email.includes('@') ? clip(email, 254) : (electronic.find((a) => a.includes('@')) ?? ''),
    epuap: electronic.find((a) => !a.includes('@') && !adePattern.test(a)) ?? '',
    edelivery: (electronic.find((a) => adePattern.test(a))?.match(adePattern)?.[0] ?? '').toUpperCase(),
  }
}

function documentId(doc: XmlElement | undefined, upp: XmlElement | undefined): string {
  const fromUpp = textOf(upp, 'IdentyfikatorDokumentu')
  if (fromUpp) return fromUpp
  for (const id of doc ? findAll(doc, 'Identyfikator') : []) {
    const type = attr(id, 'typIdentyfikatora') ?? ''
    if (/dokument/i.test(type)) {
      const value = textOf(id, 'Wartosc') || clip(id.text, 300)
      if (value) return value
    }
  }
  return textOf(doc, 'IdentyfikatorDokumentu') || textOf(upp, 'IdentyfikatorPoswiadczenia')
}

function letterDateOf(doc: XmlElement | undefined): string | null {
  const created = doc
    ? findAll(doc, 'Data').find((d) => /utworzenia/i.test(attr(d, 'typDaty') ?? ''))
    : undefined
  return parseMoment(created?.text.trim() || textOf(doc, 'DataUtworzenia'))?.date ?? null
}

// --- e-Doręczenia (metadata XML or JSON) -----------------------------------------------------------

/** A leaf of a metadata file: its path of (normalised) names and its text. */
interface Leaf {
  path: string[]
  value: string
}

function xmlLeaves(root: XmlElement): Leaf[] {
  const out: Leaf[] = []
  const walk = (e: XmlElement, above: string[]) => {
    const here = [...above, norm(e.name)]
    const text = e.text.trim()
    if (text && !e.children.length) out.push({ path: here, value: text })
    for (const [k, v] of Object.entries(e.attrs))
      if (v.trim()) out.push({ path: [...here, norm(k)], value: v })
    e.children.forEach((c) => walk(c, here))
  }
  walk(root, [])
  return out
}

function jsonLeaves(value: unknown, above: string[] = [], out: Leaf[] = [], depth = 0): Leaf[] {
  if (depth > 32 || out.length > 20_000) return out
  if (Array.isArray(value)) value.forEach((v) => jsonLeaves(v, above, out, depth + 1))
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) jsonLeaves(v, [...above, norm(k)], out, depth + 1)
  else if ((typeof value === 'string' && value.trim()) || typeof value === 'number')
    out.push({ path: above, value: String(value).trim() })
  return out
}

const senderContext = (l: Leaf) => l.path.some((p) => /sender|nadawc|originator|^from$/.test(p))
const recipientContext = (l: Leaf) => l.path.some((p) => /recipient|adresat|odbiorc|receiver|^to$/.test(p))
const attachmentContext = (l: Leaf) => l.path.some((p) => /attachment|zalacznik|document|file|plik/.test(p))

/** The shallowest leaf whose own name is one of `keys` (normalised), among those `where` lets through. */
function pick(leaves: Leaf[], keys: string[], where: (l: Leaf) => boolean = () => true): string {
  const wanted = new Set(keys.map(norm))
  const hits = leaves.filter((l) => l.path.length && wanted.has(l.path[l.path.length - 1]!) && where(l))
  hits.sort((a, b) => a.path.length - b.path.length)
  return hits[0]?.value ?? ''
}

function metadataSender(leaves: Leaf[]): Sender {
  const own = leaves.filter((l) => senderContext(l) && !recipientContext(l))
  const first = pick(own, ['firstName', 'givenName', 'imie'])
  const last = pick(own, ['lastName', 'surname', 'familyName', 'nazwisko'])
  const institution = pick(own, ['companyName', 'institutionName', 'nazwaInstytucji', 'nazwaPodmiotu'])
  const name =
    [first, last].filter(Boolean).join(' ') ||
    institution ||
    pick(own, ['name', 'nazwa', 'displayName', 'fullName', 'senderName', 'nazwaNadawcy'])
  const ade = own.map((l) => adePattern.exec(l.value)?.[0]).find(Boolean) ?? ''
  const email = pick(own, ['email', 'emailAddress', 'adresEmail'])
  return {
    kind: institution && !(first || last) ? 'institution' : 'person',
    name: clip(name, 200),
    address: formatAddress({
      street: pick(own, ['street', 'ulica']),
      building: pick(own, ['buildingNumber', 'houseNumber', 'numerBudynku', 'budynek']),
      flat: pick(own, ['flatNumber', 'apartmentNumber', 'numerLokalu', 'lokal']),
      postalCode: pick(own, ['postalCode', 'zipCode', 'kodPocztowy']),
      city: pick(own, ['city', 'town', 'miejscowosc']),
      post: pick(own, ['postOffice', 'poczta']),
      country: pick(own, ['country', 'kraj']),
    }),
    email: email.includes('@') ? clip(email, 254) : '',
    epuap: '',
    edelivery: ade.toUpperCase(),
  }
}

// --- The package ------------------------------------------------------------------------------------

const looksLikeXml = (data: Buffer) => /^(\xef\xbb\xbf)?\s*</.test(data.subarray(0, 64).toString('latin1'))
const looksLikeJson = (data: Buffer) =>
  /^(\xef\xbb\xbf)?\s*[[{]/.test(data.subarray(0, 64).toString('latin1'))

export async function parsePackage(
  content: Buffer,
  limits: ZipLimits = defaultZipLimits,
): Promise<ParsedPackage> {
  let entries
  try {
    entries = readZip(content, limits)
  } catch (err) {
    if (err instanceof ZipError)
      throw new PackageError(err.reason === 'encrypted' ? 'unsupported' : err.reason)
    throw err
  }

  const trees: XmlElement[] = []
  const metadata: Leaf[][] = []
  const files: UploadedFile[] = []
  const skipped: string[] = []
  const packageFiles: string[] = []
  for (const entry of entries) {
    const name = cleanFileName(entry.name)
    const ext = path.extname(entry.name).toLowerCase()
    if (ext === '.json' || (ext !== '.xml' && looksLikeJson(entry.data))) {
      try {
        metadata.push(jsonLeaves(JSON.parse(entry.data.toString('utf8').replace(/^\ufeff/, ''))))
        packageFiles.push(name)
        continue
      } catch {
        skipped.push(name)
        continue
      }
    }
    if (ext === '.xml' || ext === '.xades' || looksLikeXml(entry.data)) {
      let tree: XmlElement
      try {
        tree = parseXml(entry.data)
      } catch (err) {
        // A DOCTYPE anywhere refuses the whole package; any other broken XML is only left out.
        if (err instanceof XmlError && err.reason === 'doctype') throw new PackageError('doctype')
        ;(signatureExtensions.has(ext) ? packageFiles : skipped).push(name)
        continue
      }
      trees.push(tree)
      const structural = tree.name === 'Signature' || findAll(tree, 'Dokument', 'UPP', 'UPD').length > 0
      if (!structural) metadata.push(xmlLeaves(tree))
      packageFiles.push(name)
      continue
    }
    if (signatureExtensions.has(ext)) {
      packageFiles.push(name)
      continue
    }
    const type = entry.data.length ? await fileTypeFromBuffer(entry.data) : undefined
    if (type && documentTypes.includes(type.mime))
      files.push({ content: entry.data, originalName: name, mime: type.mime, size: entry.data.length })
    else skipped.push(name)
  }

  const doc = findDocument(trees)
  const upp = findConfirmation(trees)
  const leaves = metadata.flat()
  const metaSender = metadataSender(leaves)
  const kind: PackageKind | null = metaSender.edelivery
    ? 'edelivery'
    : doc || upp
      ? 'epuap'
      : leaves.some((l) => adePattern.test(l.value))
        ? 'edelivery'
        : null
  if (!kind) throw new PackageError('unknown')

  // Attachments carried inside the ePUAP document itself (base64 in <Zalacznik>).
  for (const z of doc ? findAll(doc, 'Zalacznik') : []) {
    const data = textOf(z, 'DaneZalacznika', 'Zawartosc') || z.text.trim()
    const encoding = attr(z, 'kodowanie') ?? 'base64'
    if (!data || !/base64/i.test(encoding)) continue
    const bytes = Buffer.from(data.replace(/\s+/g, ''), 'base64')
    const zname = cleanFileName(attr(z, 'nazwaPliku') || textOf(z, 'NazwaPliku') || 'zalacznik')
    const type = bytes.length ? await fileTypeFromBuffer(bytes) : undefined
    if (type && documentTypes.includes(type.mime))
      files.push({ content: bytes, originalName: zname, mime: type.mime, size: bytes.length })
    else skipped.push(zname)
  }

  let sender: Sender
  let subject: string
  let letterDate: string | null
  let received: Moment | null
  let id: string
  if (kind === 'epuap') {
    const fromDoc = xmlSender(find(doc, 'Nadawcy', 'Nadawca'))
    const fromUpp = xmlSender(find(upp, 'Nadawca', 'Nadawcy'))
    sender = {
      kind: fromDoc.name ? fromDoc.kind : fromUpp.kind,
      name: fromDoc.name || fromUpp.name,
      address: fromDoc.address || fromUpp.address,
      email: fromDoc.email || fromUpp.email,
      epuap: fromDoc.epuap || fromUpp.epuap,
      edelivery: fromDoc.edelivery || fromUpp.edelivery,
    }
    const dane = child(doc, 'DaneDokumentu') ?? doc
    subject =
      textOutside(find(dane, 'Naglowek'), [], 'Tytul', 'TytulDokumentu', 'Temat', 'NazwaDokumentu') ||
      textOutside(
        dane,
        ['Nadawcy', 'Nadawca', 'Adresaci', 'Adresat', 'Zalaczniki'],
        'Tytul',
        'TytulDokumentu',
        'Temat',
        'NazwaDokumentu',
      )
    letterDate = letterDateOf(doc)
    received = parseMoment(textOf(upp, 'DataDoreczenia', 'DataOdbioru'))
    id = documentId(doc, upp)
  } else {
    sender = metaSender
    const notAttachment = (l: Leaf) => !attachmentContext(l)
    subject =
      clip(pick(leaves, ['subject', 'temat', 'tytul', 'title', 'tytulWiadomosci'], notAttachment), 1000) ||
      textOutside(doc, ['Nadawcy', 'Adresaci', 'Zalaczniki'], 'Tytul', 'NazwaDokumentu')
    letterDate =
      parseMoment(
        pick(leaves, [
          'sentAt',
          'sendDate',
          'sendingDate',
          'sentDate',
          'submissionDate',
          'submissionTime',
          'dataNadania',
          'dataWyslania',
        ]),
      )?.date ?? null
    received = parseMoment(
      pick(leaves, [
        'receivedAt',
        'receiptDate',
        'receivedDate',
        'receiptTime',
        'deliveryDate',
        'deliveryTime',
        'deliveredAt',
        'dataOdbioru',
        'dataDoreczenia',
        'dataOtrzymania',
      ]),
    )
    id =
      pick(
        leaves,
        ['messageId', 'messageIdentifier', 'idWiadomosci', 'identyfikatorWiadomosci', 'msgId'],
        notAttachment,
      ) ||
      leaves.find((l) => l.path.length === 1 && l.path[0] === 'id')?.value ||
      ''
  }

  return {
    kind,
    senderKind: sender.kind,
    senderName: sender.name,
    senderAddress: sender.address,
    senderEmail: sender.email,
    senderEpuap: sender.epuap,
    senderEdelivery: sender.edelivery,
    subject: clip(subject, 500),
    letterDate,
    receivedDate: received?.date ?? null,
    receivedTime: received?.time ?? null,
    messageId: id ? `${kind}:${clip(id, 280)}` : null,
    files,
    attachmentNames: files.map((f) => f.originalName),
    skippedAttachments: skipped,
    packageFiles,
  }
}

export const packageFileName = (kind: PackageKind) =>
  kind === 'epuap' ? 'paczka-epuap.zip' : 'paczka-e-doreczenia.zip'
