import type { BenchRequest } from '../load.js'
import type { Scenario } from './types.js'

/**
 * The hall look-up (a foreigner or a unit asks about a document): by deposit number as printed on
 * the receipt, by the document's number, or by the holder's name, a third each; and the receipt PDF.
 */
export const depositsScenarios: Scenario[] = [
  {
    name: 'deposits.receipt_pdf',
    role: 'hall_staff',
    requires: ['deposits'],
    rows: (s) => s.deposits,
    kind: 'pdf',
    steadyRate: 5,
    async prepare(env) {
      const ids = await env.knex.raw(
        `SELECT id FROM deposits TABLESAMPLE SYSTEM (5) REPEATABLE (9) LIMIT ?`,
        [env.variety],
      )
      return {
        requests: (ids.rows as Array<{ id: string }>).map((d) => ({
          method: 'GET' as const,
          path: `/deposits/${d.id}/receipt.pdf`,
        })),
        signedIn: true,
        expect: [200],
      }
    },
  },
  {
    name: 'deposits.lookup',
    role: 'hall_staff',
    requires: ['deposits'],
    rows: (s) => s.deposits,
    kind: 'search',
    async prepare(env) {
      const session = await env.session('hall_staff')
      const r = await env.knex.raw(
        `SELECT year, number, document_number, surname_printed, given_names_printed
           FROM deposits TABLESAMPLE SYSTEM (5) REPEATABLE (5) LIMIT ?`,
        [env.variety],
      )
      const rows = r.rows as Array<{
        year: number
        number: number
        document_number: string
        surname_printed: string
        given_names_printed: string
      }>
      const requests: BenchRequest[] = []
      for (const [i, d] of rows.entries()) {
        const q =
          i % 3 === 0
            ? `${d.year}/${d.number}`
            : i % 3 === 1
              ? d.document_number
              : `${d.surname_printed} ${d.given_names_printed}`
        const res = await session.post('/deposits/lookup', { q })
        if (res.status !== 303 || !res.location)
          throw new Error(`deposit look-up POST gave HTTP ${res.status}`)
        requests.push({ method: 'GET', path: res.location })
      }
      return { requests, signedIn: true, expect: [200] }
    },
  },
]
