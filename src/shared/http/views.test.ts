import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { compileView, viewEngine } from './views.js'

const projectRoot = path.resolve(import.meta.dirname, '../../..')

let root: string
let shared: string
let module: string

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
}

function render(engine: ReturnType<typeof viewEngine>, file: string, locals: Record<string, unknown>) {
  return new Promise<string>((resolve, reject) =>
    engine(file, locals, (err, html) => (err ? reject(err) : resolve(html!))),
  )
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-views-'))
  shared = path.join(root, 'views')
  module = path.join(root, 'modules', 'm', 'views')
  write(
    path.join(shared, 'partials', 'field.ejs'),
    `[<%= label %>:<%= user %><%- include('hint', { text: label }) %>]`,
  )
  write(path.join(shared, 'partials', 'hint.ejs'), `(<%= text %>)`)
  write(path.join(module, '_row.ejs'), `<row <%= user %>>`)
  write(path.join(module, 'sub', '_cell.ejs'), `<cell>`)
  // Found only if an include were resolved from `sub/` after `sub/_cell` has been rendered.
  write(path.join(module, 'sub', 'partials', 'field.ejs'), `{wrong}`)
  write(path.join(module, 'partials', 'field.ejs'), `{module's own field}`)
  write(
    path.join(module, 'page.ejs'),
    `<%- include('_row') %><%- include('sub/_cell') %>|<%- include('partials/field', { label: 'A' }) %>|<%= typeof label %>|<%- include('../../../views/partials/hint', { text: '<b>' }) %>`,
  )
})

describe('view engine', () => {
  it('looks next to the including file first, then in the views folders; data stays with its include', async () => {
    fs.rmSync(path.join(module, 'partials'), { recursive: true })
    const engine = viewEngine([shared, path.join(root, 'modules')])
    const html = await render(engine, path.join(module, 'page.ejs'), { user: '<Ann>' })
    expect(html).toBe('<row &lt;Ann&gt;><cell>|[A:&lt;Ann&gt;(A)]|undefined|(&lt;b&gt;)')
  })

  it("prefers the module's own partial of the same name, as EJS does", async () => {
    const engine = viewEngine([shared])
    const html = await render(engine, path.join(module, 'page.ejs'), { user: 'x' })
    expect(html).toContain("|{module's own field}|")
  })

  it('names a missing include', async () => {
    write(path.join(module, 'broken.ejs'), `<%- include('nowhere') %>`)
    const engine = viewEngine([shared])
    await expect(render(engine, path.join(module, 'broken.ejs'), {})).rejects.toThrow(/"nowhere"/)
  })

  it('reads templates once with the view cache on, at every render with it off', async () => {
    const engine = viewEngine([shared])
    const file = path.join(module, '_row.ejs')
    expect(await render(engine, file, { user: 1, cache: true })).toBe('<row 1>')
    write(file, `<changed <%= user %>>`)
    expect(await render(engine, file, { user: 2, cache: true })).toBe('<row 2>')
    expect(await render(engine, file, { user: 3 })).toBe('<changed 3>')
  })

  it('reads the locals a template uses; its own variables, properties and globals stay what they are', async () => {
    write(
      path.join(module, 'names.ejs'),
      `<% const total = items.length %><%= total %>:<% for (const i of items) { %><%= i %><% } %>` +
        `:<%= user.name %>:<%= String(7) %>:<%= JSON.stringify(items) %>:<%- include('_row', { ...extra }) %>` +
        `:<%= typeof missing %>`,
    )
    const engine = viewEngine([shared])
    const file = path.join(module, 'names.ejs')
    const html = await render(engine, file, { items: [1, 2], user: { name: 'Ann' }, extra: { user: 'Bo' } })
    expect(html).toBe('2:12:Ann:7:[1,2]:<row Bo>:undefined')
    // A local named like a global is the page's own, as it was inside `with (locals)`.
    const own = await render(engine, file, {
      items: [],
      user: {},
      extra: {},
      JSON: { stringify: () => 'own' },
    })
    expect(own).toContain(':own:')
  })

  it('keeps line numbers in errors while the view cache is off', async () => {
    write(path.join(module, 'fails.ejs'), `<p>\n<%= a %>\n<%= a.b.c %>\n</p>`)
    const engine = viewEngine([shared])
    await expect(render(engine, path.join(module, 'fails.ejs'), { a: {} })).rejects.toThrow(/fails\.ejs:3/)
  })

  it("compiles every one of BOK's templates", () => {
    const files = ['views', 'src/modules'].flatMap((dir) =>
      (fs.readdirSync(path.join(projectRoot, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ejs'))
        .map((f) => path.join(projectRoot, dir, f)),
    )
    expect(files.length).toBeGreaterThan(50)
    for (const file of files) {
      expect(() => compileView(file, fs.readFileSync(file, 'utf8'), false), file).not.toThrow()
    }
  })
})
