import type { UploadedFile } from '../../shared/files/upload.js'
import { extractImportFiles, looksLikeEmail, parseEmail } from './email-import.js'
import {
  packageFileName,
  parsePackage,
  PackageError,
  type PackageKind,
  type ParsedPackage,
} from './package-import.js'
import { defaultZipLimits, looksLikeZip } from './zip-reader.js'

/**
 * One entry point for the electronic messages the registry imports: an e-mail (.eml) or a saved ePUAP /
 * e-Doręczenia package (.zip). Both wait in `registry_email_imports` (the kind is told again from the
 * content, so no column says it) and share its duplicate check (message id, else SHA-256 of the file).
 */

export type ImportChannel = 'email' | PackageKind

/** What the form is prefilled with: a package's fields (an e-mail fills the same), without its files. */
export interface ParsedImport extends Omit<ParsedPackage, 'kind' | 'files'> {
  channel: ImportChannel
}

export { PackageError }

/** The form's message key for a refused package. */
export function packageErrorKey(err: PackageError): { key: string; params?: Record<string, number> } {
  if (err.reason === 'tooLarge')
    return {
      key: 'registry.import.package.tooLarge',
      params: { files: defaultZipLimits.maxEntries, mb: defaultZipLimits.maxTotalBytes / 1048576 },
    }
  return { key: `registry.import.package.${err.reason}` }
}

export type Recognised = 'email' | 'package' | null

export function recognise(content: Buffer): Recognised {
  if (looksLikeZip(content)) return 'package'
  if (looksLikeEmail(content)) return 'email'
  return null
}

/** Reads the message; a package that cannot be read throws `PackageError`. */
export async function parseImport(content: Buffer): Promise<ParsedImport> {
  if (looksLikeZip(content)) {
    const { kind, files: _files, ...p } = await parsePackage(content)
    return { channel: kind, ...p }
  }
  const mail = await parseEmail(content)
  return {
    channel: 'email',
    senderKind: 'person',
    senderName: mail.senderName,
    senderAddress: '',
    senderEmail: mail.senderEmail,
    senderEpuap: '',
    senderEdelivery: '',
    subject: mail.subject,
    letterDate: null,
    receivedDate: mail.receivedDate,
    receivedTime: mail.receivedTime,
    messageId: mail.messageId,
    attachmentNames: mail.attachmentNames,
    skippedAttachments: mail.skippedAttachments,
    packageFiles: [],
  }
}

/** The electronic original (the .eml or the .zip as loaded) first, then its documents of accepted types. */
export async function importFiles(content: Buffer): Promise<UploadedFile[]> {
  if (!looksLikeZip(content)) return extractImportFiles(content)
  const p = await parsePackage(content)
  return [
    { content, originalName: packageFileName(p.kind), mime: 'application/zip', size: content.length },
    ...p.files,
  ]
}
