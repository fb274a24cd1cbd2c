import zlib from 'node:zlib'

/**
 * A small ZIP reader for saved ePUAP / e-Doręczenia packages, on Node's own zlib (no package of its
 * own is installed for ZIP). It reads the central directory, never writes anything to disk, and refuses
 * rather than guesses:
 * - more entries or more uncompressed bytes than the limits (checked on the declared sizes before
 *   anything is inflated; inflating is capped at the declared size, so a lying entry fails instead of
 *   filling the memory — the usual zip bomb);
 * - encrypted entries, ZIP64, multi-disk archives and methods other than stored/deflate;
 * - names with `..` segments, absolute paths, drive letters or control characters (path traversal);
 * - a CRC or length that does not match, duplicate names, data overlapping the central directory.
 */

export type ZipErrorReason = 'corrupt' | 'unsupported' | 'encrypted' | 'tooLarge' | 'badName'

export class ZipError extends Error {
  constructor(
    readonly reason: ZipErrorReason,
    message: string,
  ) {
    super(message)
    this.name = 'ZipError'
  }
}

export interface ZipEntry {
  /** The entry's path inside the archive, with `/` separators (checked: no traversal). */
  name: string
  data: Buffer
}

export interface ZipLimits {
  maxEntries: number
  /** The sum of all entries' uncompressed sizes. */
  maxTotalBytes: number
}

export const defaultZipLimits: ZipLimits = { maxEntries: 200, maxTotalBytes: 64 * 1048576 }

const SIG_LOCAL = 0x04034b50
const SIG_CENTRAL = 0x02014b50
const SIG_END = 0x06054b50
const SIG_ZIP64_LOCATOR = 0x07064b50

/** A ZIP archive starts with a local file header (or, when empty, with the end record). */
export function looksLikeZip(content: Buffer): boolean {
  if (content.length < 22) return false
  const sig = content.readUInt32LE(0)
  return sig === SIG_LOCAL || sig === SIG_END
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function decodeName(raw: Buffer): string {
  // The UTF-8 flag is often missing (Windows tools); a name that is valid UTF-8 is taken as such.
  try {
    return utf8.decode(raw)
  } catch {
    return raw.toString('latin1')
  }
}

/** True for a name that would reach outside the folder it is unpacked into, or hides control characters. */
export function unsafeEntryName(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (name === '' || /[\x00-\x1f\x7f]/.test(name)) return true
  const path = name.replace(/\\/g, '/')
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return true
  return path.split('/').some((segment) => segment === '..')
}

function findEnd(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff)
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === SIG_END && i + 22 + buf.readUInt16LE(i + 20) <= buf.length) return i
  }
  throw new ZipError('corrupt', 'no end of central directory record')
}

export function readZip(buf: Buffer, limits: ZipLimits = defaultZipLimits): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('corrupt', 'too short')
  const end = findEnd(buf)
  if (end >= 20 && buf.readUInt32LE(end - 20) === SIG_ZIP64_LOCATOR)
    throw new ZipError('unsupported', 'ZIP64')
  const disk = buf.readUInt16LE(end + 4)
  const cdDisk = buf.readUInt16LE(end + 6)
  const onDisk = buf.readUInt16LE(end + 8)
  const count = buf.readUInt16LE(end + 10)
  const cdSize = buf.readUInt32LE(end + 12)
  const cdOffset = buf.readUInt32LE(end + 16)
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    throw new ZipError('unsupported', 'ZIP64')
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipError('unsupported', 'multi-disk archive')
  if (count > limits.maxEntries) throw new ZipError('tooLarge', `more than ${limits.maxEntries} entries`)
  if (cdOffset + cdSize > end) throw new ZipError('corrupt', 'central directory out of bounds')

  const entries: ZipEntry[] = []
  const names = new Set<string>()
  let total = 0
  let p = cdOffset
  for (let n = 0; n < count; n++) {
    if (p + 46 > cdOffset + cdSize || buf.readUInt32LE(p) !== SIG_CENTRAL)
      throw new ZipError('corrupt', 'bad central directory entry')
    const flags = buf.readUInt16LE(p + 8)
    const method = buf.readUInt16LE(p + 10)
    const crc = buf.readUInt32LE(p + 16)
    const compressed = buf.readUInt32LE(p + 20)
    const size = buf.readUInt32LE(p + 24)
    const nameLength = buf.readUInt16LE(p + 28)
    const extraLength = buf.readUInt16LE(p + 30)
    const commentLength = buf.readUInt16LE(p + 32)
    const localOffset = buf.readUInt32LE(p + 42)
    const next = p + 46 + nameLength + extraLength + commentLength
    if (next > cdOffset + cdSize) throw new ZipError('corrupt', 'central directory entry out of bounds')
    const name = decodeName(buf.subarray(p + 46, p + 46 + nameLength))
    p = next

    if (flags & 0x41 || method === 99) throw new ZipError('encrypted', 'encrypted entry')
    if (compressed === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff)
      throw new ZipError('unsupported', 'ZIP64 entry')
    if (unsafeEntryName(name)) throw new ZipError('badName', 'unsafe entry name')
    const path = name.replace(/\\/g, '/')
    if (names.has(path)) throw new ZipError('corrupt', 'duplicate entry name')
    names.add(path)
    if (path.endsWith('/')) continue // a folder
    if (method !== 0 && method !== 8) throw new ZipError('unsupported', `compression method ${method}`)
    total += size
    if (total > limits.maxTotalBytes) throw new ZipError('tooLarge', 'uncompressed size over the limit')

    if (localOffset + 30 > cdOffset || buf.readUInt32LE(localOffset) !== SIG_LOCAL)
      throw new ZipError('corrupt', 'bad local header')
    const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28)
    if (start + compressed > cdOffset) throw new ZipError('corrupt', 'entry data out of bounds')
    const raw = buf.subarray(start, start + compressed)
    let data: Buffer
    if (method === 0) {
      if (compressed !== size) throw new ZipError('corrupt', 'stored entry size mismatch')
      data = Buffer.from(raw)
    } else {
      try {
        // Never more than the declared size: an entry that lies about it fails here.
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, size) })
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new ZipError('tooLarge', 'entry larger than declared')
        throw new ZipError('corrupt', 'bad deflate data')
      }
    }
    if (data.length !== size) throw new ZipError('corrupt', 'entry size mismatch')
    if (zlib.crc32(data) !== crc) throw new ZipError('corrupt', 'CRC mismatch')
    entries.push({ name: path, data })
  }
  return entries
}
