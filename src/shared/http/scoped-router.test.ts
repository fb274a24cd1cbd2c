import express, { Router } from 'express'
import request from 'supertest'
import { describe, expect, it } from 'vitest'
import { scopedRouter } from './scoped-router.js'

function app() {
  const a = express()
  const registry = Router()
  registry.get('/registry', (_req, res) => res.send('registry home'))
  registry.get('/registry/incoming', (_req, res) => res.send('incoming'))
  const home = Router()
  home.get('/', (_req, res) => res.send('start'))
  home.get('/registry-like', (_req, res) => res.send('never: not under the home paths'))
  a.use(scopedRouter(['/registry'], registry))
  a.use(scopedRouter(['/'], home))
  a.use((_req, res) => res.status(404).send('not found'))
  return a
}

describe('scoped router', () => {
  it('lets in the paths under its prefixes, matched as Express matches', async () => {
    const a = app()
    expect((await request(a).get('/registry')).text).toBe('registry home')
    expect((await request(a).get('/registry/incoming')).text).toBe('incoming')
    expect((await request(a).get('/Registry/Incoming/')).text).toBe('incoming')
    expect((await request(a).get('/registry/incoming?q=1')).text).toBe('incoming')
    expect((await request(a).get('/')).text).toBe('start')
  })

  it('passes other requests on: a prefix is a whole path segment, and "/" is the start page only', async () => {
    const a = app()
    expect((await request(a).get('/registryx/incoming')).status).toBe(404)
    expect((await request(a).get('/registry-like')).status).toBe(404)
  })

  it('shows its routes to route listings', () => {
    const r = Router()
    r.get('/a', (_req, res) => res.send('a'))
    expect(scopedRouter(['/a'], r).stack).toBe(r.stack)
  })
})
