import fs from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'

type Locals = Record<string, unknown>
type Template = (locals: Locals) => string
type EngineCallback = (err: Error | null, html?: string) => void

/**
 * The EJS view engine with an `include` of BOK's own. EJS's include looks for the file on disk at
 * every render (one or two stat calls per include, twenty-odd per page) and copies every local twice
 * per include. Here each (including file, name) is resolved once and each template compiled once while
 * the view cache is on (production), and the locals are copied at most once per include. The lookup
 * order is EJS's: next to the including file, then each views folder. Templates call `include(name,
 * data)` as before: a local of that name takes precedence over EJS's own inside `with (locals)`.
 */
export function viewEngine(views: string[]) {
  const templates = new Map<string, Template>()
  const resolved = new Map<string, string>()

  function compile(file: string, cache: boolean): Template {
    let template = cache ? templates.get(file) : undefined
    if (!template) {
      // The locals handed in are this template's own object already: no copy (EJS 3.1.10+ option).
      const options = { filename: file, unsafePrototypeLocals: true } as ejs.Options
      template = ejs.compile(fs.readFileSync(file, 'utf8'), options) as Template
      if (cache) templates.set(file, template)
    }
    return template
  }

  function resolve(from: string, name: string, cache: boolean): string {
    const key = `${from}\0${name}`
    let file = cache ? resolved.get(key) : undefined
    if (!file) {
      const relative = path.extname(name) ? name : `${name}.ejs`
      file = [path.dirname(from), ...views]
        .map((dir) => path.resolve(dir, relative))
        .find((candidate) => fs.existsSync(candidate))
      if (!file) throw new Error(`Could not find the include file "${name}" (from ${from})`)
      if (cache) resolved.set(key, file)
    }
    return file
  }

  /**
   * Renders `file` with `locals`, whose `include` is bound to this file while it renders (rendering is
   * synchronous). An include without data renders with the same object; one with data gets a copy.
   */
  function render(file: string, locals: Locals, cache: boolean): string {
    const outer = locals.include
    locals.include = (name: string, data?: Locals) => {
      const target = resolve(file, name, cache)
      return data ? render(target, { ...locals, ...data }, cache) : render(target, locals, cache)
    }
    try {
      return compile(file, cache)(locals)
    } finally {
      locals.include = outer
    }
  }

  return (file: string, options: object, callback: EngineCallback) => {
    // Express builds a new options object for each render: it is this page's locals.
    const locals = options as Locals
    let html: string
    try {
      html = render(file, locals, locals.cache === true)
    } catch (err) {
      return callback(err as Error)
    }
    // Outside the try: an error while sending must not call back a second time.
    callback(null, html)
  }
}
