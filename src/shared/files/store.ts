import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import crypto from 'node:crypto'

export interface StoredFile {
  id: string
  sha256: string
  size: number
}

/**
 * Files (scans, attachments) on disk under server-generated names, never the user's file name.
 * The folder can be shared by several app instances (a shared volume). The row that refers to a
 * file is written in the same transaction that calls `put`; if that transaction fails the caller
 * removes the file (`remove`), and `npm run integrity:check` reports any leftover either way.
 */
export class FileStore {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true })
  }

  pathFor(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('invalid file id')
    return path.join(this.root, id.slice(0, 2), id)
  }

  async put(content: Buffer): Promise<StoredFile> {
    const id = crypto.randomUUID()
    const sha256 = crypto.createHash('sha256').update(content).digest('hex')
    const target = this.pathFor(id)
    await fsp.mkdir(path.dirname(target), { recursive: true })
    const temp = `${target}.part`
    const handle = await fsp.open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fsp.rename(temp, target)
    return { id, sha256, size: content.length }
  }

  async read(id: string): Promise<Buffer> {
    return fsp.readFile(this.pathFor(id))
  }

  async remove(id: string): Promise<void> {
    await fsp.rm(this.pathFor(id), { force: true })
  }

  async exists(id: string): Promise<boolean> {
    return fsp.access(this.pathFor(id)).then(
      () => true,
      () => false,
    )
  }

  /** All stored file ids (for the integrity check). */
  async list(): Promise<string[]> {
    const ids: string[] = []
    for (const dir of await fsp.readdir(this.root).catch(() => [] as string[])) {
      const full = path.join(this.root, dir)
      if (!(await fsp.stat(full)).isDirectory()) continue
      for (const f of await fsp.readdir(full)) ids.push(f)
    }
    return ids
  }
}

/** Puts files, runs the database work, and removes the files again if that work fails. */
export async function withStoredFiles<T>(
  store: FileStore,
  contents: Buffer[],
  work: (files: StoredFile[]) => Promise<T>,
): Promise<T> {
  const stored: StoredFile[] = []
  try {
    for (const c of contents) stored.push(await store.put(c))
    return await work(stored)
  } catch (err) {
    await Promise.all(stored.map((f) => store.remove(f.id)))
    throw err
  }
}
