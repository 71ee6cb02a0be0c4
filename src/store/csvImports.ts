/**
 * @module The `ledger_csv_imports` table: each kind of CSV import (deals, activities, reps, accounts) with how
 * many imports it had and the last one's figures (rows, rows stored, rows rejected), for `GET /v1/sources`.
 * One statement per import: imports are few, and their rejected rows are in no event.
 *
 * @example
 * await recordCsvImport(sql, { kind: "deals", at: new Date(), rows: 5, rowsStored: 4, rowsRejected: 1, eventsAppended: 6 })
 * await listCsvImports(sql) // [{ kind: "deals", imports: 1, lastImportAt: "…", lastImport: { rows: 5, … } }]
 */
import type { SqlQueryable } from "./sql.js"

/** One import's figures: rows read, stored (in the ledger after it, imported now or before), rejected. */
export type CsvImportFigures = {
  readonly kind: string
  readonly at: Date
  readonly rows: number
  readonly rowsStored: number
  readonly rowsRejected: number
  readonly eventsAppended: number
}

export type CsvImportStatus = {
  readonly kind: string
  readonly imports: number
  readonly lastImportAt: string
  readonly lastImport: {
    readonly rows: number
    readonly rowsStored: number
    readonly rowsRejected: number
    readonly eventsAppended: number
  }
}

/** Counts an import of `kind` and keeps its figures as the kind's last (a later import replaces them). */
export const recordCsvImport = async (db: SqlQueryable, figures: CsvImportFigures): Promise<void> => {
  await db.query(
    `insert into ledger_csv_imports as i (kind, imports, last_import_at, last_rows, last_rows_stored, last_rows_rejected, last_events_appended)
     values ($1, 1, $2, $3, $4, $5, $6)
     on conflict (kind) do update set imports = i.imports + 1, last_import_at = excluded.last_import_at,
       last_rows = excluded.last_rows, last_rows_stored = excluded.last_rows_stored,
       last_rows_rejected = excluded.last_rows_rejected, last_events_appended = excluded.last_events_appended`,
    [
      figures.kind,
      figures.at.toISOString(),
      figures.rows,
      figures.rowsStored,
      figures.rowsRejected,
      figures.eventsAppended,
    ],
  )
}

type CsvImportRow = {
  kind: string
  imports: string | number
  last_import_at: Date
  last_rows: string | number
  last_rows_stored: string | number
  last_rows_rejected: string | number
  last_events_appended: string | number
}

/** Every kind imported at least once, by kind. */
export const listCsvImports = async (db: SqlQueryable): Promise<ReadonlyArray<CsvImportStatus>> =>
  (await db.query<CsvImportRow>("select * from ledger_csv_imports order by kind")).map((row) => ({
    kind: row.kind,
    imports: Number(row.imports),
    lastImportAt: new Date(row.last_import_at).toISOString(),
    lastImport: {
      rows: Number(row.last_rows),
      rowsStored: Number(row.last_rows_stored),
      rowsRejected: Number(row.last_rows_rejected),
      eventsAppended: Number(row.last_events_appended),
    },
  }))
