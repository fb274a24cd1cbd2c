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
  const { rows } = await trx.raw<{ rows: Array<{ last_number: number }> }>(
    ...counterMove({ register, year, scope }),
  )
  return Number(rows[0]!.last_number)
}

interface Counter {
  register: string
  year: number
  scope?: string
}

/** The counter's move: the row made at 1 for a new register, scope or year, else moved on by one. */
function counterMove(counter: Counter): [string, Array<string | number>] {
  return [
    `INSERT INTO register_counters (register, scope, year, last_number) VALUES (?, ?, ?, 1)
     ON CONFLICT (register, scope, year) DO UPDATE SET last_number = register_counters.last_number + 1
     RETURNING last_number`,
    [counter.register, counter.scope ?? '', counter.year],
  ]
}

/**
 * Saves `row` into `table` with the register's next number in `column`, taken by the same statement
 * (a data-modifying WITH): while the counter row is locked, every round trip to BOK waits for a turn of
 * a busy event loop, and this spares one. Same guarantees as `nextNumber`. Returns the row's id and
 * number.
 */
export async function insertNumbered(
  trx: Knex.Transaction,
  table: string,
  row: Record<string, unknown>,
  counter: Counter,
  column = 'number',
): Promise<{ id: number; number: number }> {
  const [saved] = await trx(table)
    .with('taken', trx.raw(...counterMove(counter)))
    .insert({ ...row, [column]: trx.raw('(SELECT last_number FROM taken)') })
    .returning(['id', column])
  return { id: Number(saved.id), number: Number(saved[column]) }
}

/** `2026/000123`: the register number as shown and printed. */
export function formatRegisterNumber(year: number, number: number, width = 6): string {
  return `${year}/${String(number).padStart(width, '0')}`
}
