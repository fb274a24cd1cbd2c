import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { startScratchPg, type ScratchPg } from '../../scripts/scratch-pg.js'
import { knexForPostgres, migrateLatest } from '../../src/shared/db/index.js'
import { loadConfig } from '../../src/config.js'
import { FileStore } from '../../src/shared/files/store.js'
import { runIntegrityCheck } from '../../src/shared/integrity/check.js'
import { createUser } from '../helpers/app.js'
import { createProbeTable, probeFileTable } from '../security/probe-module.js'
import { runTsx } from '../security/cli-env.js'
import { postForms, textKinds } from '../security/forms.js'
import { Client, startBok, type BokProcess } from './bok-process.js'

/**
 * BOK killed with SIGKILL during a file upload. Files are written before the saving transaction
 * commits (so a failed save can remove them), hence the two moments that matter: killed while the body
 * is still arriving (nothing written), and killed after the file was written but before the commit
 * (an orphan file, never a row without its file). `npm run integrity:check` reports the orphan and exits
 * non-zero; `--fix-orphans` removes it. The upload route is the probe built like a module's
 * (tests/security/probe-module.ts); the commit is held back by holding the audit chain head, which every
 * saving transaction locks.
 */
let pg: ScratchPg
let db: Knex
let user: { id: number; username: string; password: string }
let dataDir: string

const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n')
const env = () => ({ DATABASE_URL: pg.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' })

async function startProbe(): Promise<{ bok: BokProcess; client: Client }> {
  const bok = await startBok({ DATABASE_URL: pg.url, DATA_DIR: dataDir }, 'tests/faults/probe-server.ts')
  const client = new Client(bok.url)
  await client.signIn(user.username, user.password)
  await client.get('/probe/uploads')
  return { bok, client }
}

const storeFiles = () => new FileStore(loadConfig(env()).filesDir).list()

beforeAll(async () => {
  pg = await startScratchPg()
  db = knexForPostgres(pg.url, 3)
  await migrateLatest(db)
  await createProbeTable(db)
  user = await createUser(db, { roles: ['registry_clerk'], username: 'fault.clerk' })
  dataDir = fs.mkdtempSync('/tmp/bok-kill-')
})
afterAll(async () => {
  await db?.destroy()
  pg?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('BOK killed during an upload', () => {
  it('while the file is still arriving: nothing is stored', async () => {
    const { bok, client } = await startProbe()
    let sent = false
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent) return new Promise(() => undefined) // the rest of the body never comes
        sent = true
        const head =
          `--B\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.csrf}\r\n` +
          `--B\r\nContent-Disposition: form-data; name="files"; filename="skan.pdf"\r\n` +
          `Content-Type: application/pdf\r\n\r\n`
        controller.enqueue(new TextEncoder().encode(head + pdf.toString('latin1')))
      },
    })
    const upload = fetch(`${bok.url}/probe/uploads`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        'content-type': 'multipart/form-data; boundary=B',
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    } as RequestInit).catch((err: unknown) => err)
    await new Promise((r) => setTimeout(r, 500))
    await bok.kill('SIGKILL')
    expect(await upload).toBeInstanceOf(Error)
    expect(await storeFiles()).toEqual([])
    expect(await db('probe_uploads').count({ n: '*' })).toEqual([{ n: 0 }])
  })

  it('after the file was written, before the commit: an orphan file, no row; integrity:check finds and fixes it', async () => {
    const { bok, client } = await startProbe()
    const hold = await db.transaction()
    await hold('audit_head').where({ id: 1 }).forUpdate().first('seq')
    const form = new FormData()
    form.append('_csrf', client.csrf)
    form.append('files', new Blob([pdf], { type: 'application/pdf' }), 'skan.pdf')
    const upload = client.post('/probe/uploads', form).catch((err: unknown) => err)
    const deadline = Date.now() + 20_000
    while ((await storeFiles()).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    expect(await storeFiles()).toHaveLength(1)
    await bok.kill('SIGKILL')
    await hold.rollback()
    expect(await upload).toBeInstanceOf(Error)

    expect(await db('probe_uploads').count({ n: '*' })).toEqual([{ n: 0 }])
    const [orphan] = await storeFiles()
    const check = runTsx('src/cli/integrity-check.ts', [], env())
    expect(check.stdout).toMatch(/1 file\(s\) in the store with no row referring to them/)
    expect(check.stdout).toContain(orphan!)
    expect(check.status).toBe(1)

    const fix = runTsx('src/cli/integrity-check.ts', ['--fix-orphans', '--grace-minutes=0'], env())
    expect(fix.stdout).toContain(`Removed 1 orphan file(s): ${orphan}`)
    expect(fix.status, fix.stdout).toBe(0)
    expect(await storeFiles()).toEqual([])
  })

  it('after a restart, uploads work again and files and rows agree', async () => {
    const { bok, client } = await startProbe()
    const form = new FormData()
    form.append('_csrf', client.csrf)
    form.append('files', new Blob([pdf], { type: 'application/pdf' }), 'skan.pdf')
    expect((await client.post('/probe/uploads', form)).status).toBe(303)
    await bok.kill('SIGTERM')
    const config = loadConfig(env())
    const report = await runIntegrityCheck(db, {
      filesRoot: config.filesDir,
      checkpoints: { checkpointDir: config.checkpointDir, signingKeyFile: config.signingKeyFile },
      fileTables: [probeFileTable],
    })
    expect(report.problems).toEqual([])
    expect(report.checked).toMatchObject({ files: 1, fileRows: 1 })
  })
})

describe('BOK (src/server.ts) killed while registering an incoming item with a scan', () => {
  it('leaves no item without its file; integrity:check reports the orphan, and is clean after --fix-orphans', async () => {
    const clerk = await createUser(db, { roles: ['registry_clerk'], username: 'fault.registry' })
    // A data folder of its own: the probe's file from above has no table the real check knows.
    fs.rmSync(dataDir, { recursive: true, force: true })
    dataDir = fs.mkdtempSync('/tmp/bok-kill-')
    const bok = await startBok({ DATABASE_URL: pg.url, DATA_DIR: dataDir })
    const client = new Client(bok.url)
    await client.signIn(clerk.username, clerk.password)
    const page = await client.get('/registry/incoming/new')
    const form = postForms(page.text, '/registry/incoming/new').find((f) => f.multipart)!
    expect(form).toBeTruthy()
    const body = new FormData()
    for (const f of form.fields) {
      if (f.name === '_csrf') body.append(f.name, client.csrf)
      else if (f.kind === 'file')
        body.append(f.name, new Blob([pdf], { type: 'application/pdf' }), 'skan.pdf')
      else if (f.kind === 'select' || f.kind === 'radio')
        body.append(f.name, f.options.find((o) => o !== '') ?? '')
      else if (f.kind === 'hidden') body.append(f.name, f.value)
      else if (textKinds.has(f.kind))
        body.append(
          f.name,
          /date/i.test(f.name)
            ? '24.11.2026'
            : /time/i.test(f.name)
              ? '10:00'
              : /^(senderName|subject)$/.test(f.name)
                ? 'Próba awarii'
                : '',
        )
    }
    const itemsBefore = await db('incoming_items').count({ n: '*' })
    const hold = await db.transaction()
    await hold('audit_head').where({ id: 1 }).forUpdate().first('seq')
    const upload = client.post('/registry/incoming', body).catch((err: unknown) => err)
    const deadline = Date.now() + 30_000
    while ((await storeFiles()).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    const files = await storeFiles()
    await bok.kill('SIGKILL')
    await hold.rollback()
    const answer = await upload
    expect(files, JSON.stringify(answer).slice(0, 500)).toHaveLength(1)
    expect(answer).toBeInstanceOf(Error)

    expect(await db('incoming_items').count({ n: '*' })).toEqual(itemsBefore)
    expect(await db('incoming_attachments').count({ n: '*' })).toEqual([{ n: 0 }])
    const check = runTsx('src/cli/integrity-check.ts', [], env())
    expect(check.stdout).toMatch(/1 file\(s\) in the store with no row referring to them/)
    expect(check.status).toBe(1)
    const fix = runTsx('src/cli/integrity-check.ts', ['--fix-orphans', '--grace-minutes=0'], env())
    expect(fix.stdout).toContain('Integrity OK.')
    expect(fix.status).toBe(0)
  })
})
