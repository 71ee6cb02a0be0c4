/**
 * @module A record of the file as a row of the import: where each field is (the file's layout, from its header),
 * whether the record is a row at all (a report's title or footer is not), and the row's events or why it has none.
 */
import type { IncomingEvent } from "../../../events/index.js"
import { type ImportSettings, type RowProblem, rowEvents } from "./importKinds.js"
import { type ColumnIndex, rowCells } from "./mapping.js"
import type { RowRejection } from "./rejectsFile.js"

/** Where each field is in the file's rows, and how many columns the header has. */
export type FileLayout = { readonly columns: ColumnIndex; readonly width: number }

/** A line of one cell in a file of several columns: a report's title, footer or copyright line, not a record. */
export const isNote = (cells: ReadonlyArray<string>, layout: FileLayout): boolean =>
  cells.length === 1 && layout.width > 1

export type CheckedRow =
  | { readonly ok: true; readonly events: ReadonlyArray<IncomingEvent> }
  | { readonly ok: false; readonly rejection: RowRejection }

/** The row's events, or its rejection naming the column of its first problem and every other. */
export const checkRow = (
  settings: ImportSettings,
  layout: FileLayout,
  cells: ReadonlyArray<string>,
  line: number,
): CheckedRow => {
  if (cells.slice(layout.width).some((cell) => cell !== "")) {
    return {
      ok: false,
      rejection: {
        line,
        column: "(row)",
        reason: `has ${cells.length} cells where the header has ${layout.width} columns: a cell holding a comma that is not quoted?`,
      },
    }
  }
  if (cells.length < layout.width) {
    // Read as it is, a short row's missing cells would be reported as empty ones, or taken as empty when optional.
    return {
      ok: false,
      rejection: {
        line,
        column: "(row)",
        reason: `short row: ${cells.length} cell${cells.length === 1 ? "" : "s"}, header has ${layout.width}: a line broken or cut short?`,
      },
    }
  }
  const events = rowEvents(settings, rowCells(layout.columns, cells))
  if (events.ok) return events
  const problems: ReadonlyArray<RowProblem> = events.problems
  const first = problems[0] as RowProblem
  const columnOf = (problem: RowProblem) => layout.columns.get(problem.field)?.header ?? problem.field
  return {
    ok: false,
    rejection: {
      line,
      column: columnOf(first),
      reason: problems.map((p, i) => (i === 0 ? p.reason : `column "${columnOf(p)}" ${p.reason}`)).join("; "),
    },
  }
}
