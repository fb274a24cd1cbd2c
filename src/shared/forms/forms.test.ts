import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { dateField, formatDate, parseDate, parseForm, requiredText } from './index.js'

describe('dates', () => {
  it('accepts the Polish format and ISO, and refuses days that do not exist', () => {
    expect(parseDate('24.11.2026')).toBe('2026-11-24')
    expect(parseDate('1.2.2026')).toBe('2026-02-01')
    expect(parseDate('2026-11-24')).toBe('2026-11-24')
    expect(parseDate('29.02.2025')).toBeNull()
    expect(parseDate('29.02.2024')).toBe('2024-02-29')
    expect(parseDate('31.04.2026')).toBeNull()
    expect(parseDate('yesterday')).toBeNull()
    expect(formatDate('2026-11-24')).toBe('24.11.2026')
  })
})

describe('parseForm', () => {
  const schema = z.object({
    subject: requiredText('registry.subject'),
    receivedOn: dateField('registry.receivedOn'),
  })
  it('returns errors in form order as catalog keys, and keeps what was typed', () => {
    const result = parseForm(schema, { receivedOn: '31.02.2026', subject: '', _csrf: 'tok' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      { field: 'subject', href: '#subject', key: 'registry.subject.required' },
      { field: 'receivedOn', href: '#receivedOn', key: 'common.validation.date' },
    ])
    expect(result.values).toEqual({ receivedOn: '31.02.2026', subject: '' })
  })
  it('never echoes passwords back into the form', () => {
    const result = parseForm(z.object({ password: z.string().min(100) }), { password: 'secret' })
    expect(result.values).toEqual({})
  })
})
