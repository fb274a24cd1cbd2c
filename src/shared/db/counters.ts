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

/** The saved row's id and number, as SQL for the statements that follow it in `insertNumbered`. */
export interface SavedRef {
  id: Knex.Raw
  number: Knex.Raw
}

/**
 * Saves `row` into `table` with the register's next number in `column`, taken by the same statement
 * (a data-modifying WITH). `then` adds inserts that refer to the saved row (its steps, files, audit
 * rows): they run in the same statement, after the row is saved. While the counter row is locked,
 * every round trip to BOK waits for a turn of a busy event loop; saved by one statement, a record
 * holds the counter only while PostgreSQL runs it (and commits, if it runs outside a transaction).
 * Same guarantees as `nextNumber`. Returns the row's id and number.
 */
export async function insertNumbered(
  db: Knex | Knex.Transaction,
  table: string,
  row: Record<string, unknown>,
  counter: Counter,
  column = 'number',
  then: (saved: SavedRef) => Knex.QueryBuilder[] = () => [],
): Promise<{ id: number; number: number }> {
  const saved = { id: db.raw('(SELECT id FROM saved)'), number: db.raw(`(SELECT ?? FROM saved)`, [column]) }
  // The statements that follow read `saved`, and PostgreSQL runs them after the main query, which
  // reads `saved`: the counter is locked before any of them runs (the audit head after the counter).
  const q = db
    .queryBuilder()
    .with('taken', db.raw(...counterMove(counter)))
    .with(
      'saved',
      db(table)
        .insert({ ...row, [column]: db.raw('(SELECT last_number FROM taken)') })
        .returning(['id', column]),
    )
  then(saved).forEach((step, i) => q.with(`then_${i}`, step))
  const [result] = (await q.select('id', column).from('saved')) as Array<Record<string, unknown>>
  return { id: Number(result!.id), number: Number(result![column]) }
}

const registerNumberWidth = 6

/** `formatRegisterNumber` in SQL, for a number known only inside a statement. */
export function formatRegisterNumberSql(db: Knex, year: number, number: Knex.Raw): Knex.Raw {
  return db.raw(`?::text || '/' || lpad((?)::text, ?, '0')`, [String(year), number, registerNumberWidth])
}

/** `2026/000123`: the register number as shown and printed. */
export function formatRegisterNumber(year: number, number: number, width = registerNumberWidth): string {
  return `${year}/${String(number).padStart(width, '0')}`
}
