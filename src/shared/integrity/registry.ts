/**
 * What the integrity check (`npm run integrity:check`) knows about the modules' tables. A module that
 * numbers records from `register_counters` or keeps files in the file store adds one entry here, so
 * gaps, duplicates, missing files and orphans in its tables are found. A counter whose register is not
 * listed is itself reported, so a new register cannot go unchecked.
 *
 * The SQL fragments are fixed configuration written by developers, never user input.
 */
export interface NumberedTable {
  /** The register's name in `register_counters.register`. */
  register: string
  table: string
  numberColumn: string
  /** Column or SQL expression giving the numbering year of a row. */
  yearSql: string
  /** Column or SQL expression giving the counter's scope ('' when the register has one sequence). */
  scopeSql?: string
  /** SQL predicate selecting the numbered rows, when the table also holds unnumbered ones. */
  whereSql?: string
}

export interface FileTable {
  table: string
  /** Column holding the file store id (uuid). */
  fileIdColumn: string
  /** Column holding the SHA-256 (hex) recorded when the file was stored. */
  sha256Column: string
}

export const numberedTables: NumberedTable[] = []

export const fileTables: FileTable[] = []
