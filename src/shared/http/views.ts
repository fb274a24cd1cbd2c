import fs from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'

type Locals = Record<string, unknown>
type Template = (locals: Locals) => string
type EngineCallback = (err: Error | null, html?: string) => void

const reserved = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while ' +
    'with yield let static enum await implements package protected interface private public of async get set ' +
    'undefined NaN Infinity arguments eval locals'
  ).split(' '),
)

/**
 * The variables a template reads from its locals, declared on its first line (no line numbers move):
 * every identifier its scriptlets use that is not a keyword, not a property (`a.b`) and not declared by
 * the template itself. A name that is also a global (`String`, `Date`) is the local's when the page has
 * such a local, as inside `with`. `include` is read too: the locals' include (BOK's, set by the render
 * below) takes the place of EJS's parameter of that name. A name the page lacks reads as undefined;
 * a name this scan misses (a quote inside a comment or a regular expression in a scriptlet) is not
 * declared and fails the first render loudly (ReferenceError), so the page tests find it.
 * Why not `with (locals)`, EJS's default: inside it every name, the template's own output buffer
 * included, is looked up on the locals first, which keeps the whole template in V8's slow path.
 */
export function localsPrelude(text: string): string {
  const code: string[] = []
  for (const m of text.matchAll(/<%(?!%)([_=\-#]?)([\s\S]*?)[_-]?%>/g)) if (m[1] !== '#') code.push(m[2]!)
  const js = code.join(';\n').replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, "''")
  const declared = new Set<string>()
  for (const m of js.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)) declared.add(m[1]!)
  for (const m of js.matchAll(/\b(?:const|let|var)\s*[{[]([^}\]]*)[}\]]/g))
    for (const name of m[1]!.match(/[A-Za-z_$][\w$]*/g) ?? []) declared.add(name)
  const names = new Set<string>()
  // Not after a single dot (a property), but after a spread's three.
  for (const [name] of js.matchAll(/(?<![\w$])(?<!(?<!\.)\.)[A-Za-z_$][\w$]*/g))
    if (!reserved.has(name) && !declared.has(name) && !name.startsWith('__')) names.add(name)
  if (!names.size) return ''
  const read = (n: string) =>
    n in globalThis ? `${n} = ('${n}' in locals) ? locals.${n} : globalThis.${n}` : `${n} = locals.${n}`
  return `<% var ${[...names].map(read).join(', ')} %>`
}

/** One template as BOK renders it; `debug` (no view cache) keeps the line numbers for error messages. */
export function compileView(file: string, text: string, debug: boolean): Template {
  const options = {
    filename: file,
    // The locals handed in are this template's own object already: no copy (EJS 3.1.10+ option).
    unsafePrototypeLocals: true,
    // Without `with (locals)`: the template reads its locals into variables first (see localsPrelude).
    _with: false,
    localsName: 'locals',
    // Line tracking costs an assignment per statement: on only while developing.
    compileDebug: debug,
  } as ejs.Options
  return ejs.compile(localsPrelude(text) + text, options) as Template
}

/**
 * The EJS view engine with an `include` of BOK's own. EJS's include looks for the file on disk at
 * every render (one or two stat calls per include, twenty-odd per page) and copies every local twice
 * per include. Here each (including file, name) is resolved once and each template compiled once while
 * the view cache is on (production), and the locals are copied at most once per include. The lookup
 * order is EJS's: next to the including file, then each views folder. Templates call `include(name,
 * data)` as before.
 */
export function viewEngine(views: string[]) {
  const templates = new Map<string, Template>()
  const resolved = new Map<string, string>()

  function compile(file: string, cache: boolean): Template {
    let template = cache ? templates.get(file) : undefined
    if (!template) {
      template = compileView(file, fs.readFileSync(file, 'utf8'), !cache)
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
