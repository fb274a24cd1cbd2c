import type { Knex } from 'knex'

/**
 * The next number in a register, without gaps or duplicates under concurrent use. The counter row is
 * locked by this upsert until the surrounding transaction ends: concurrent registrations queue on it,
 * and a rollback gives the number back (a PostgreSQL sequence would leave a gap). Call it inside the
 * transaction that saves the numbered record, as late as possible to keep the lock short.
 *
 * `register` names the register (e.g. 'registry.incoming'); `scope` splits it further
 * (e.g. a unit and JRWA symbol for case numbers); numbering restarts each `year`.
 */
export async function nextNumber(
  trx: Knex.Transaction,
  register: string,
  year: number,
  scope = '',
): Promise<number> {
  const [row] = await trx('register_counters')
    .insert({ register, scope, year, last_number: 1 })
    .onConflict(['register', 'scope', 'year'])
    .merge({ last_number: trx.raw('register_counters.last_number + 1') })
    .returning('last_number')
  return Number(row.last_number)
}

/** `2026/000123`: the register number as shown and printed. */
export function formatRegisterNumber(year: number, number: number, width = 6): string {
  return `${year}/${String(number).padStart(width, '0')}`
}
