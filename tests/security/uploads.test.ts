import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { modules } from '../../src/modules/index.js'
import { roles } from '../../src/shared/auth/permissions.js'
import {
  createTestApp,
  createUnit,
  createUser,
  signIn,
  type SignedIn,
  type TestContext,
} from '../helpers/app.js'
import { collectRoutes, fillPath, type RouteInfo } from './helpers.js'
import { errorFields, postForms, textKinds } from './forms.js'
import { createProbeTable, probe } from './probe-module.js'

/**
 * ASVS 5.2.1 / 5.2.2 / 5.3.2 / 3.5.3: every upload route (every route that parses multipart with
 * `acceptFiles`, found by walking the router) refuses wrong content behind a permitted extension,
 * oversize and empty files and path-traversal names with a Polish message next to the field (422),
 * and stores nothing: no new file in the store, no row, no audit entry.
 * A probe module built exactly like a module's upload route keeps this suite meaningful before the
 * modules land; theirs are covered the same way once they do.
 */
let ctx: TestContext
let s: SignedIn
let uploadRoutes: RouteInfo[]

beforeAll(async () => {
  modules.push(probe)
  ctx = await createTestApp({ UPLOAD_MAX_MB: '1' })
  await createProbeTable(ctx.db)
  const unit = await createUnit(ctx.db)
  s = await signIn(ctx.app, await createUser(ctx.db, { roles: [...roles], orgUnitId: unit }))
  uploadRoutes = collectRoutes(ctx.app).filter((r) => r.multipart)
  // Records the upload routes of the modules attach files to (e.g. /registry/incoming/:id/files).
  const incoming = await createThroughForm('/registry/incoming/new')
  if (incoming) ids['/registry/incoming'] = incoming
})

const ids: Record<string, string> = {}
const idFor = (routePath: string) =>
  Object.entries(ids).find(([prefix]) => routePath.startsWith(prefix + '/'))?.[1] ?? '1'

/** Fills a module's form with plausible values (retrying fields it marks wrong) and returns the new record's id. */
async function createThroughForm(pagePath: string): Promise<string | null> {
  const page = await s.agent.get(pagePath)
  if (page.status !== 200) return null
  // The header's find box is on every page; the page's own form is the one that creates the record.
  const form = postForms(page.text, pagePath).find(
    (f) => f.action !== '/find' && f.fields.some((x) => textKinds.has(x.kind)),
  )
  if (!form) return null
  const tries = ['Próba', '24.11.2026', '10:00', '1', 'ABC']
  const override = new Map<string, string>()
  for (let round = 0; round <= tries.length; round += 1) {
    let req = s.agent.post(form.action)
    for (const f of form.fields) {
      const value =
        f.name === '_csrf'
          ? s.csrf
          : (override.get(f.name) ??
            (textKinds.has(f.kind)
              ? /date/i.test(f.name)
                ? '24.11.2026'
                : /time/i.test(f.name)
                  ? '10:00'
                  : /email|epuap|edelivery|tracking|reference|Id$/i.test(f.name)
                    ? ''
                    : 'Próba'
              : f.kind === 'select' || f.kind === 'radio'
                ? (f.options.find((o) => o !== '') ?? '')
                : f.kind === 'hidden'
                  ? f.value
                  : null))
      if (value !== null && f.kind !== 'file' && f.kind !== 'checkbox') req = req.field(f.name, value)
    }
    const res = await req
    if (res.status === 303) return /\/(\d+)(?:$|[/?])/.exec(String(res.headers.location))?.[1] ?? null
    if (res.status !== 422) return null
    for (const field of errorFields(res.text)) override.set(field, tries[round] ?? '')
  }
  return null
}

/** The file field of an upload route: from acceptFiles, or from the form on the page at the same path. */
async function fileFieldOf(r: RouteInfo): Promise<string> {
  if (r.uploadField) return r.uploadField
  const page = await s.agent.get(fillPath(r.path, { id: idFor(r.path) }))
  return (
    /<input[^>]*type="file"[^>]*name="([^"]+)"|<input[^>]*name="([^"]+)"[^>]*type="file"/
      .exec(page.text ?? '')
      ?.slice(1)
      .find(Boolean) ?? 'files'
  )
}
afterAll(async () => {
  modules.splice(modules.indexOf(probe), 1)
  await ctx.close()
})

const pdf = (body = 'treść') =>
  Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${body}\n%%EOF\n`)
const BIG = 21 * 1024 * 1024

interface BadUpload {
  name: string
  content: Buffer
  contentType: string
  message: RegExp
}
const badUploads: BadUpload[] = [
  {
    name: 'skan.pdf',
    content: Buffer.from('MZ\x90\x00 this is a Windows program, not a PDF'),
    contentType: 'application/pdf',
    message: /Plik musi być w formacie PDF, JPEG, PNG lub TIFF/,
  },
  {
    name: 'zdjecie.jpg',
    content: Buffer.from('<html><script>alert(1)</script></html>'),
    contentType: 'image/jpeg',
    message: /Plik musi być w formacie PDF, JPEG, PNG lub TIFF/,
  },
  {
    name: 'pusty.pdf',
    content: Buffer.alloc(0),
    contentType: 'application/pdf',
    message: /Wybrany plik jest pusty/,
  },
  {
    name: 'duzy.pdf',
    content: Buffer.concat([pdf(), Buffer.alloc(BIG)]),
    contentType: 'application/pdf',
    message: /Plik jest za duży/,
  },
  {
    name: '../../etc/passwd.pdf',
    content: pdf(),
    contentType: 'application/pdf',
    message: /Nazwa pliku zawiera niedozwolone znaki/,
  },
  {
    name: '..\\..\\windows\\win.ini.pdf',
    content: pdf(),
    contentType: 'application/pdf',
    message: /Nazwa pliku zawiera niedozwolone znaki/,
  },
]

async function snapshot() {
  const head = await ctx.db('audit_head').where({ id: 1 }).first('seq')
  return { files: (await ctx.deps.files.list()).sort(), audit: Number(head.seq) }
}

describe('uploads', () => {
  it('finds the upload routes: the probe and the modules', () => {
    const paths = uploadRoutes.map((r) => r.path)
    expect(paths).toContain('/probe/uploads')
    expect(paths).toContain('/registry/incoming/:id/files')
    expect(uploadRoutes.find((r) => r.path === '/registry/incoming/:id/files')!.sharedUpload).toBe(true)
    expect(ids['/registry/incoming']).toMatch(/^\d+$/)
  })

  it(
    'refuses bad files on every upload route with a Polish message next to the field, storing nothing',
    { timeout: 240_000 },
    async () => {
      const failures: string[] = []
      for (const r of uploadRoutes) {
        const field = await fileFieldOf(r)
        for (const bad of badUploads) {
          const before = await snapshot()
          const probeRows = Number((await ctx.db('probe_uploads').count({ n: '*' }))[0]!.n)
          const res = await s.agent
            .post(fillPath(r.path, { id: idFor(r.path) }))
            .field('_csrf', s.csrf)
            .field('title', 'Pismo')
            .attach(field, bad.content, {
              filename: bad.name,
              // form-data keeps a path only when given as `filepath` (a hand-made request, not a browser).
              ...(bad.name.includes('/') ? { filepath: bad.name } : {}),
              contentType: bad.contentType,
            })
          const label = `${r.path} ${bad.name}`
          if (res.status !== 422) failures.push(`${label}: status ${res.status}`)
          // acceptFiles gives the shared messages; a route with its own parser (e-mail import) its own.
          if (r.sharedUpload && !bad.message.test(res.text)) failures.push(`${label}: message missing`)
          if (!/class="field-error"/.test(res.text)) failures.push(`${label}: no message next to the field`)
          const after = await snapshot()
          if (after.files.join() !== before.files.join()) failures.push(`${label}: a file was stored`)
          if (after.audit !== before.audit) failures.push(`${label}: something was recorded`)
          if (Number((await ctx.db('probe_uploads').count({ n: '*' }))[0]!.n) !== probeRows)
            failures.push(`${label}: a row was saved`)
        }
      }
      expect(failures).toEqual([])
    },
  )

  it('refuses an upload without the CSRF token before looking at the file', async () => {
    const before = await snapshot()
    const res = await s.agent.post('/probe/uploads').attach('files', pdf(), { filename: 'a.pdf' })
    expect(res.status).toBe(403)
    expect(await snapshot()).toEqual(before)
  })

  it('stores an accepted file under a server-made name outside the public folder, keeping the name as data', async () => {
    const res = await s.agent
      .post('/probe/uploads')
      .field('_csrf', s.csrf)
      .attach('files', pdf('dobry'), { filename: 'Wniosek <Łódź> "1".pdf', contentType: 'text/plain' })
    expect(res.status).toBe(303)
    const row = await ctx.db('probe_uploads').orderBy('id', 'desc').first('file_id', 'original_name')
    expect(row.original_name).toBe('Wniosek Łódź 1.pdf')
    const stored = await ctx.deps.files.list()
    expect(stored).toContain(row.file_id)
    expect(stored.every((n) => /^[0-9a-f-]{36}$/.test(n))).toBe(true)
    expect(path.relative(path.resolve('public'), ctx.deps.files.root).startsWith('..')).toBe(true)
    expect((await s.agent.get(`/static/${row.file_id}`)).status).toBe(404)
  })
})
