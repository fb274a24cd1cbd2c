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

export const numberedTables: NumberedTable[] = [
  { register: 'registry.incoming', table: 'incoming_items', numberColumn: 'number', yearSql: 'year' },
  { register: 'registry.outgoing', table: 'outgoing_items', numberColumn: 'number', yearSql: 'year' },
  {
    register: 'registry.case',
    table: 'registry_cases',
    numberColumn: 'number',
    yearSql: 'year',
    scopeSql: "unit_id::text || '.' || jrwa_symbol",
  },
  { register: 'deposits.deposit', table: 'deposits', numberColumn: 'number', yearSql: 'year' },
  { register: 'archive.query', table: 'archive_queries', numberColumn: 'number', yearSql: 'year' },
  { register: 'archive.loan', table: 'archive_loans', numberColumn: 'number', yearSql: 'year' },
  { register: 'archive.disposal', table: 'archive_disposal_lists', numberColumn: 'number', yearSql: 'year' },
  {
    register: 'archive.transferList',
    table: 'archive_transfer_lists',
    numberColumn: 'number',
    yearSql: 'year',
    // A draft list gets its number only when it is submitted.
    whereSql: 'number IS NOT NULL',
  },
]

export const fileTables: FileTable[] = [
  { table: 'incoming_attachments', fileIdColumn: 'file_id', sha256Column: 'sha256' },
  { table: 'deposit_files', fileIdColumn: 'file_id', sha256Column: 'sha256' },
  // Files held for a form not yet saved (shared/files/pending.ts); expired ones are swept with their rows.
  { table: 'pending_uploads', fileIdColumn: 'file_id', sha256Column: 'sha256' },
]
