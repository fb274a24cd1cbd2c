import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { viewEngine } from './views.js'

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
})
