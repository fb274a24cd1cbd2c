import type { NextFunction, Request, RequestHandler, Response } from 'express'
import multer from 'multer'
import { fileTypeFromBuffer } from 'file-type'
import { verifyCsrfAfterUpload } from '../http/csrf.js'
import type { FieldError } from '../forms/index.js'

export interface UploadedFile {
  content: Buffer
  /** The user's file name, kept as data only (never used as a path). */
  originalName: string
  /** Type found from the content's magic bytes. */
  mime: string
  size: number
}

export const documentTypes = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']

/**
 * A browser sends only a file's base name. A name with a path separator, a `..` segment or a control
 * character was made by hand to reach somewhere else: refused rather than quietly cleaned.
 */
export function suspiciousFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  return /[\\/\x00-\x1f\x7f]/.test(name) || name.split('.').every((part) => part === '')
}

/** A file name safe to show and to put in Content-Disposition: no path, no control characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const cleaned = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && !'"<>|:*?'.includes(ch))
    .join('')
    .trim()
    .slice(0, 200)
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'plik' : cleaned
}

/**
 * Multipart parsing for one file field: size and count limits, CSRF check right after parsing,
 * type by content (not by name or header). Problems become form errors (`req.uploadErrors`) for the
 * route to show next to the field; nothing is stored here.
 */
export function acceptFiles(
  field: string,
  opts: { maxBytes: number; maxFiles?: number; types?: string[] },
): RequestHandler[] {
  const types = opts.types ?? documentTypes
  const parser = multer({
    storage: multer.memoryStorage(),
    // Keep the name as sent, so a name with a path in it is seen (and refused) rather than cut short.
    preservePath: true,
    limits: { fileSize: opts.maxBytes, files: opts.maxFiles ?? 10, fields: 100, fieldSize: 1024 * 1024 },
  }).array(field, opts.maxFiles ?? 10)

  const parse: RequestHandler = (req, res, next) => {
    parser(req, res, (err: unknown) => {
      req.uploaded = []
      req.uploadErrors = []
      if (err instanceof multer.MulterError) {
        req.body ??= {}
        const key =
          err.code === 'LIMIT_FILE_SIZE'
            ? 'files.tooLarge'
            : err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE'
              ? 'files.tooMany'
              : 'files.invalid'
        req.uploadErrors.push({
          field,
          href: `#${field}`,
          key,
          params: { max: Math.round(opts.maxBytes / 1048576) },
        })
        return next()
      }
      next(err)
    })
  }

  const sniff = async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const files = (req.files as Express.Multer.File[] | undefined) ?? []
      const errors: FieldError[] = req.uploadErrors ?? []
      for (const f of files) {
        if (f.size === 0) {
          errors.push({ field, href: `#${field}`, key: 'files.empty' })
          continue
        }
        const name = Buffer.from(f.originalname, 'latin1').toString('utf8')
        if (suspiciousFileName(name)) {
          errors.push({ field, href: `#${field}`, key: 'files.badName' })
          continue
        }
        const detected = await fileTypeFromBuffer(f.buffer)
        if (!detected || !types.includes(detected.mime)) {
          errors.push({ field, href: `#${field}`, key: 'files.wrongType' })
          continue
        }
        req.uploaded!.push({
          content: f.buffer,
          originalName: cleanFileName(name),
          mime: detected.mime,
          size: f.size,
        })
      }
      req.uploadErrors = errors.slice(0, 1)
      if (req.uploadErrors.length) req.uploaded = []
      next()
    } catch (err) {
      next(err)
    }
  }
  // The field name travels with the handler, so the security suites can post to every upload route.
  return [Object.assign(parse, { uploadField: field }), verifyCsrfAfterUpload, sniff]
}

export interface UploadedText {
  /** The content decoded as UTF-8, without a byte order mark. */
  text: string
  /** The user's file name, kept as data only (never used as a path). */
  originalName: string
  size: number
}

/**
 * Multipart parsing for one text file (a CSV), with the limits, CSRF check and name checks of
 * `acceptFiles`. Text has no magic bytes, so the content is checked the other way round: not a format
 * `file-type` recognises (a workbook, a PDF, an image), UTF-8 (a byte order mark is dropped), no NUL or
 * other control characters but tab, CR and LF, and `looksRight` (e.g. a separator on the first line).
 * Problems become form errors (`req.uploadErrors`, with the caller's keys); the text is in
 * `req.uploadedText`. Nothing is stored.
 */
export function acceptTextFile(
  field: string,
  opts: {
    maxBytes: number
    keys: { notText: string; notUtf8: string }
    looksRight?: (text: string) => boolean
  },
): RequestHandler[] {
  const parser = multer({
    storage: multer.memoryStorage(),
    preservePath: true,
    limits: { fileSize: opts.maxBytes, files: 1, fields: 20, fieldSize: opts.maxBytes },
  }).single(field)
  const error = (key: string, params?: Record<string, string | number>): FieldError => ({
    field,
    href: `#${field}`,
    key,
    ...(params ? { params } : {}),
  })

  const parse: RequestHandler = (req, res, next) => {
    parser(req, res, (err: unknown) => {
      req.uploadErrors = []
      if (err instanceof multer.MulterError) {
        req.body ??= {}
        const key =
          err.code === 'LIMIT_FILE_SIZE'
            ? 'files.tooLarge'
            : err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE'
              ? 'files.tooMany'
              : 'files.invalid'
        req.uploadErrors.push(error(key, { max: Math.max(1, Math.round(opts.maxBytes / 1048576)) }))
        return next()
      }
      next(err)
    })
  }

  const checkText = async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const f = req.file
      if (!f || req.uploadErrors?.length) return next()
      const name = Buffer.from(f.originalname, 'latin1').toString('utf8')
      const refuse = (key: string) => {
        req.uploadErrors = [error(key)]
        next()
      }
      if (f.size === 0) return refuse('files.empty')
      if (suspiciousFileName(name)) return refuse('files.badName')
      if (await fileTypeFromBuffer(f.buffer)) return refuse(opts.keys.notText)
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(f.buffer)
      } catch {
        return refuse(opts.keys.notUtf8)
      }
      // eslint-disable-next-line no-control-regex -- control characters are what this looks for
      if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return refuse(opts.keys.notText)
      if (opts.looksRight && !opts.looksRight(text)) return refuse(opts.keys.notText)
      req.uploadedText = { text, originalName: cleanFileName(name), size: f.size }
      next()
    } catch (err) {
      next(err)
    }
  }
  return [Object.assign(parse, { uploadField: field }), verifyCsrfAfterUpload, checkText]
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const clean = cleanFileName(name)
  const ascii = clean
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(clean)}`
}
