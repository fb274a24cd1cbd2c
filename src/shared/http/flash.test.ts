import { describe, expect, it } from 'vitest'
import type { Request } from 'express'
import { flash, flashLimit, takeFlash } from './flash.js'

const request = () => ({ session: {} }) as unknown as Request

describe('flash messages', () => {
  it('are shown once, in the order they were left', () => {
    const req = request()
    flash(req, 'success', 'a')
    flash(req, 'error', 'b', { n: 1 })
    expect(takeFlash(req)).toEqual([
      { type: 'success', key: 'a' },
      { type: 'error', key: 'b', params: { n: 1 } },
    ])
    expect(takeFlash(req)).toEqual([])
  })

  it('keep only the newest few when no page shows them, so the session does not grow', () => {
    const req = request()
    for (let i = 0; i < 1000; i++) flash(req, 'success', 'registered', { number: String(i) })
    const shown = takeFlash(req)
    expect(shown).toHaveLength(flashLimit)
    expect(shown.at(-1)).toEqual({ type: 'success', key: 'registered', params: { number: '999' } })
  })
})
