import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, parseEnv } from './config.js'

describe('configuration', () => {
  it('defaults to the embedded database on port 3000 with a ./data folder', () => {
    const env = parseEnv({})
    expect(env.PORT).toBe(3000)
    expect(env.DATA_DIR).toBe('./data')
    expect(env.DATABASE_URL).toBeUndefined()
    expect(env.SESSION_IDLE_MINUTES).toBe(30)
    expect(env.SESSION_ABSOLUTE_HOURS).toBe(10)
  })
  it('names each bad variable in a clear error', () => {
    expect(() => parseEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x' })).toThrow(
      /PORT[\s\S]*DATABASE_URL: must start with postgres/,
    )
  })
  it('generates the session secret once and keeps it in the data folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-cfg-'))
    const a = loadConfig({ DATA_DIR: dir })
    const b = loadConfig({ DATA_DIR: dir })
    expect(a.sessionSecret.length).toBeGreaterThanOrEqual(48)
    expect(b.sessionSecret).toBe(a.sessionSecret)
    expect(fs.statSync(path.join(dir, 'keys', 'session-secret')).mode & 0o077).toBe(0)
    expect(loadConfig({ DATA_DIR: dir, SESSION_SECRET: 'x'.repeat(40) }).sessionSecret).toBe('x'.repeat(40))
  })
  it('uses secure cookies when served over HTTPS', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bok-cfg-'))
    expect(loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://bok.udsc.local' }).cookieSecure).toBe(true)
    expect(loadConfig({ DATA_DIR: dir }).cookieSecure).toBe(false)
  })
})
