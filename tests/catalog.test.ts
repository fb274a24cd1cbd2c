import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { flattenKeys } from '../src/shared/i18n/index.js'
import { sharedLocales } from '../src/shared/i18n/locales.js'
import { modules } from '../src/modules/index.js'

const catalogs = [
  { name: 'shared', ...sharedLocales },
  ...modules.map((m) => ({ name: m.name, ...m.locales })),
]

describe('UI catalog', () => {
  it.each(catalogs.map((c) => [c.name, c] as const))(
    '%s: Polish and English have the same keys',
    (_name, c) => {
      expect(flattenKeys(c.en).sort()).toEqual(flattenKeys(c.pl).sort())
    },
  )

  it('every literal catalog key used in templates and code exists in Polish', () => {
    const pl = new Set(catalogs.flatMap((c) => flattenKeys(c.pl)))
    const files: string[] = []
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (/\.(ejs|ts)$/.test(e.name) && !e.name.endsWith('.test.ts')) files.push(p)
      }
    }
    walk('src')
    walk('views')
    const missing: string[] = []
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8')
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w-]*(?:\.[\w-]+)+)'/g))
        if (!pl.has(m[1]!)) missing.push(`${f}: ${m[1]}`)
    }
    expect(missing).toEqual([])
  })
})
