/**
 * A minimal, strict XML reader for the documents inside ePUAP / e-Doręczenia packages (no XML parser is
 * installed). It builds a small element tree and knows only what those documents need:
 * elements, attributes, namespaces (kept, but looked up by local name), text, CDATA, comments and
 * processing instructions. A DOCTYPE (and so any entity declaration, external entity or entity
 * expansion) is refused, as is any entity other than the five predefined ones and character references.
 * Depth and element count are limited.
 */

export class XmlError extends Error {
  constructor(
    readonly reason: 'doctype' | 'malformed' | 'tooLarge' | 'encoding',
    message: string,
  ) {
    super(message)
    this.name = 'XmlError'
  }
}

export interface XmlElement {
  /** Local name, without the prefix. */
  name: string
  /** Namespace URI ('' when none). */
  ns: string
  /** Attributes by local name (namespace declarations left out). */
  attrs: Record<string, string>
  children: XmlElement[]
  /** The element's own text (not its children's), CDATA included, entities decoded. */
  text: string
}

export interface XmlLimits {
  maxDepth: number
  maxElements: number
}

const defaultLimits: XmlLimits = { maxDepth: 64, maxElements: 50_000 }

/** Bytes → text: BOM first, then the declaration's encoding (UTF-8 when none). */
export function decodeXml(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8')
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
  const head = bytes.subarray(0, 200).toString('latin1')
  const declared = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase()
  if (!declared || declared === 'utf-8' || declared === 'utf8') return bytes.toString('utf8')
  try {
    return new TextDecoder(declared).decode(bytes)
  } catch {
    throw new XmlError('encoding', `unknown encoding ${declared}`)
  }
}

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&([^;\s&]{0,32});/g, (_m, ref: string) => {
    if (ref in predefined) return predefined[ref]!
    const code = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1]
    const dec = /^#([0-9]+)$/.exec(ref)?.[1]
    const cp = code ? parseInt(code, 16) : dec ? parseInt(dec, 10) : NaN
    if (!Number.isFinite(cp) || cp < 1 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      throw new XmlError('malformed', `unknown entity &${ref};`)
    return String.fromCodePoint(cp)
  })
}

const nameRe = /^[^\s<>/=!?"'&]+/

interface Open {
  el: XmlElement
  qname: string
  scope: Record<string, string>
}

export function parseXml(input: Buffer | string, limits: XmlLimits = defaultLimits): XmlElement {
  const src = typeof input === 'string' ? input : decodeXml(input)
  const stack: Open[] = []
  let root: XmlElement | null = null
  let count = 0
  let i = 0
  const fail = (what: string): never => {
    throw new XmlError('malformed', `${what} at ${i}`)
  }
  const addText = (text: string) => {
    const top = stack[stack.length - 1]
    if (top) top.el.text += text
    else if (text.trim() !== '') fail('text outside the root element')
  }
  const until = (marker: string, from: number) => {
    const at = src.indexOf(marker, from)
    if (at < 0) fail(`missing ${marker}`)
    return at
  }

  while (i < src.length) {
    const lt = src.indexOf('<', i)
    if (lt < 0) {
      addText(decodeEntities(src.slice(i)))
      break
    }
    if (lt > i) addText(decodeEntities(src.slice(i, lt)))
    i = lt
    if (src.startsWith('<?', i)) {
      i = until('?>', i + 2) + 2
    } else if (src.startsWith('<!--', i)) {
      i = until('-->', i + 4) + 3
    } else if (src.startsWith('<![CDATA[', i)) {
      if (!stack.length) fail('CDATA outside the root element')
      const end = until(']]>', i + 9)
      addText(src.slice(i + 9, end))
      i = end + 3
    } else if (src.startsWith('<!', i)) {
      // <!DOCTYPE …>, <!ENTITY …> and the like: the way to external entities and entity bombs.
      if (/^<!doctype/i.test(src.slice(i, i + 9))) throw new XmlError('doctype', 'DOCTYPE is not accepted')
      fail('markup declaration')
    } else if (src.startsWith('</', i)) {
      const end = until('>', i + 2)
      const qname = src.slice(i + 2, end).trim()
      const top = stack.pop()
      if (!top || top.qname !== qname) fail(`unexpected </${qname}>`)
      i = end + 1
    } else {
      i += 1
      const qname = nameRe.exec(src.slice(i, i + 300))?.[0]
      if (!qname) fail('bad element name')
      i += qname!.length
      const raw: Array<[string, string]> = []
      let selfClosing = false
      for (;;) {
        while (i < src.length && /\s/.test(src[i]!)) i++
        if (src.startsWith('/>', i)) {
          selfClosing = true
          i += 2
          break
        }
        if (src[i] === '>') {
          i += 1
          break
        }
        const attr = nameRe.exec(src.slice(i, i + 300))?.[0]
        if (!attr) fail('bad attribute')
        i += attr!.length
        while (/\s/.test(src[i] ?? '')) i++
        if (src[i] !== '=') fail('attribute without a value')
        i++
        while (/\s/.test(src[i] ?? '')) i++
        const quote = src[i]
        if (quote !== '"' && quote !== "'") fail('unquoted attribute')
        const end = until(quote!, i + 1)
        const value = src.slice(i + 1, end)
        if (value.includes('<')) fail('< in an attribute')
        if (raw.some(([n]) => n === attr)) fail('duplicate attribute')
        raw.push([attr!, decodeEntities(value)])
        i = end + 1
      }
      if (++count > limits.maxElements) throw new XmlError('tooLarge', 'too many elements')
      if (stack.length >= limits.maxDepth) throw new XmlError('tooLarge', 'nested too deep')
      if (!stack.length && root) fail('a second root element')
      // The parent's namespace scope is shared unless this element declares its own (no copy per element).
      let scope = stack[stack.length - 1]?.scope ?? {}
      const declared = raw.filter(([n]) => n === 'xmlns' || n.startsWith('xmlns:'))
      if (declared.length) {
        scope = { ...scope }
        for (const [n, v] of declared) scope[n === 'xmlns' ? '' : n.slice(6)] = v
      }
      const colon = qname!.indexOf(':')
      const prefix = colon > 0 ? qname!.slice(0, colon) : ''
      const el: XmlElement = {
        name: colon > 0 ? qname!.slice(colon + 1) : qname!,
        ns: scope[prefix] ?? '',
        attrs: {},
        children: [],
        text: '',
      }
      for (const [n, v] of raw) {
        if (n === 'xmlns' || n.startsWith('xmlns:')) continue
        el.attrs[n.slice(n.indexOf(':') + 1)] = v
      }
      const parent = stack[stack.length - 1]
      if (parent) parent.el.children.push(el)
      else root = el
      if (!selfClosing) stack.push({ el, qname: qname!, scope })
    }
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1]!.qname}>`)
  if (!root) fail('no root element')
  return root!
}

// --- Lookups by local name (namespace-agnostic, case-insensitive) ----------------------------------

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Every element below `el` (and `el` itself) whose local name is one of `names`, in document order. */
export function findAll(el: XmlElement, ...names: string[]): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (e: XmlElement) => {
    if (names.some((n) => same(n, e.name))) out.push(e)
    e.children.forEach(walk)
  }
  walk(el)
  return out
}

export function find(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  return el ? findAll(el, ...names)[0] : undefined
}

/** A direct child by local name. */
export function child(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  return el?.children.find((c) => names.some((n) => same(n, c.name)))
}

export function attr(el: XmlElement | undefined, name: string): string | undefined {
  if (!el) return undefined
  const key = Object.keys(el.attrs).find((k) => same(k, name))
  return key === undefined ? undefined : el.attrs[key]
}

/** The first non-empty text among the elements named (searched below `el`), trimmed. */
export function textOf(el: XmlElement | undefined, ...names: string[]): string {
  if (!el) return ''
  for (const name of names)
    for (const e of findAll(el, name)) {
      const t = e.text.replace(/\s+/g, ' ').trim()
      if (t) return t
    }
  return ''
}
