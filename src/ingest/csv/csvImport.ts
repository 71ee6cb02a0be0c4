/**
 * @module Importing a CRM's CSV export into the ledger, in two passes over the file, in constant memory:
 *
 * 1. Check every row (its events against the vocabulary), counting the events by type. An invalid row refuses
 *    the whole file before anything is stored, unless invalid rows are to be skipped: they are then written
 *    to the rejects file with the reason. A dry run stops here and reports.
 * 2. Read the file again and append the rows' events a batch at a time (a row's events always in the same
 *    batch, so that a deal's DealOpened and DealWon are judged together). Every event carries its row's own
 *    idempotency key: importing the file again appends nothing.
 *
 * What pass 1 cannot see is how a row stands with the ledger: a deal imported before with other details, a
 * deal the ledger has as lost that the file says is won. Such a row stops the import at that row (the rows
 * before it stay imported, and importing again goes on after them), or, when skipping invalid rows, joins the
 * rejects and the import goes on.
 *
 * @example
 * const outcome = await importCsv({ file: "deals.csv", settings, mode: "import", append, progress: silentProgress })
 */

import { once } from "node:events"
import { createReadStream, createWriteStream, type WriteStream } from "node:fs"
import { rm, stat } from "node:fs/promises"
import { Effect } from "effect"
import { type IncomingEvent, streamOf } from "../../../events/index.js"
import type { Progress } from "../../observability/progress.js"
import { timeSlices } from "../../runtime/timeSlices.js"
import type { EventStore } from "../../store/EventStore.js"
import type { StoreFailure } from "../../store/errors.js"
import type { RecordedEvent } from "../../store/eventLog.js"
import { appendEvents, type Provenance } from "../appendEvents.js"
import { CsvUnreadable, csvLine, csvRecords } from "./csvRecords.js"
import { type ImportSettings, type RowProblem, rowEvents } from "./importKinds.js"
import { type ColumnIndex, locateColumns, rowCells } from "./mapping.js"

/** One row that was not imported: where, which column, why. */
export type RowRejection = { readonly line: number; readonly column: string; readonly reason: string }

export type CsvImportOutcome = {
  readonly kind: ImportSettings["kind"]
  readonly dryRun: boolean
  /** Data rows in the file (the header and blank lines aside). */
  readonly rows: number
  /** Rows that make no event by design (an activity type mapped to `skip`, an internal call). */
  readonly rowsWithoutEvents: number
  /** Lines of one cell in a file of several columns (a report's title or footer), ignored. */
  readonly notes: number
  /** Rows not imported, because invalid or at odds with the ledger. */
  readonly rejected: number
  /** The first rejections (at most `maxListedRejections`); all of them are in the rejects file. */
  readonly rejections: ReadonlyArray<RowRejection>
  /** The events of the valid rows, by type: what was (or, in a dry run, would be) imported. */
  readonly eventsByType: Readonly<Record<string, number>>
  /** Events this import stored (0 in a dry run). */
  readonly appended: number
  /** Events the ledger already held (same idempotency key): the file, or part of it, was imported before. */
  readonly alreadyStored: number
  /**
   * Deals an earlier import opened with other details (an amount since changed in the CRM): their opening is kept
   * as first imported, and their row's close (won, lost) imported.
   */
  readonly openingsKept: number
  /** Where the rejected rows were written, when they were. */
  readonly rejectsFile?: string
}

/**
 * The import was refused, by the file (unreadable, a column missing, invalid rows: nothing stored) or by the
 * ledger (a row at odds with what it holds: the `appended` events of the rows before it were stored).
 */
export class CsvImportRefused extends Error {
  override readonly name = "CsvImportRefused"
  readonly refusedBy: "file" | "ledger"
  readonly rejections: ReadonlyArray<RowRejection>
  readonly appended: number
  constructor(
    message: string,
    details: {
      readonly refusedBy?: "file" | "ledger"
      readonly rejections?: ReadonlyArray<RowRejection>
      readonly appended?: number
    } = {},
  ) {
    super(message)
    this.refusedBy = details.refusedBy ?? "file"
    this.rejections = details.rejections ?? []
    this.appended = details.appended ?? 0
  }
}

/** How an append of a batch ended: stored (some events may have been stored already), or refused by the ledger. */
export type BatchAppended =
  | { readonly ok: true; readonly appended: number }
  | {
      readonly ok: false
      readonly refusal:
        | { readonly idempotencyKey: string; readonly storedAs: RecordedEvent }
        | { readonly streamId: string; readonly reason: string }
    }

export type AppendBatch = (events: ReadonlyArray<IncomingEvent>) => Promise<BatchAppended>

/** Appending through the ledger's one append path, the ledger's refusals as values (a store failure stays an error). */
export const appendBatchEffect = (
  events: ReadonlyArray<IncomingEvent>,
  provenance: Provenance,
): Effect.Effect<BatchAppended, StoreFailure, EventStore> =>
  appendEvents(events, provenance).pipe(
    Effect.map((stored): BatchAppended => ({ ok: true, appended: stored.appended })),
    Effect.catchTags({
      IdempotencyKeyReused: (e) =>
        Effect.succeed<BatchAppended>({
          ok: false,
          refusal: { idempotencyKey: e.idempotencyKey, storedAs: e.storedAs },
        }),
      StreamRuleViolation: (e) =>
        Effect.succeed<BatchAppended>({ ok: false, refusal: { streamId: e.streamId, reason: e.reason } }),
      // Every import append expects "any" version: no stream can refuse it on that ground.
      WrongExpectedVersion: (e) =>
        Effect.succeed<BatchAppended>({
          ok: false,
          refusal: { streamId: e.streamId, reason: `is at version ${e.actual}` },
        }),
    }),
  )

export type CsvImportRequest = {
  /** The file, read twice. */
  readonly file: string
  /** How the file is named in messages (an upload has no name of its own). */
  readonly fileLabel?: string
  readonly settings: ImportSettings
  /** `dry-run`: check and count only. */
  readonly mode: "import" | "dry-run"
  /** Import the valid rows and reject the others, instead of refusing the file. */
  readonly skipInvalid: boolean
  /** Where rejected rows go (with the reason column) when skipping invalid rows. */
  readonly rejectsFile?: string
  readonly append: AppendBatch
  readonly progress: Progress
}

/** Events per append: a transaction big enough to be quick, small enough to keep memory flat. */
export const eventsPerBatch = 1_000
export const maxListedRejections = 100

export const importCsv = async (request: CsvImportRequest): Promise<CsvImportOutcome> => {
  const { settings, progress } = request
  const label = request.fileLabel ?? request.file
  const size = (await stat(request.file)).size
  const rejects =
    request.skipInvalid && request.mode === "import" && request.rejectsFile !== undefined
      ? await rejectsWriter(request.rejectsFile)
      : undefined
  const rejections: RowRejection[] = []
  let rejected = 0
  const reject = async (cells: ReadonlyArray<string>, rejection: RowRejection) => {
    rejected++
    if (rejections.length < maxListedRejections) rejections.push(rejection)
    await rejects?.write(cells, rejection)
  }

  try {
    // Pass 1: every row checked, the events counted.
    const eventsByType: Record<string, number> = {}
    let rows = 0
    let rowsWithoutEvents = 0
    let notes = 0
    let layout: FileLayout | undefined
    for await (const record of fileRecords(request.file, label)) {
      if (layout === undefined) {
        layout = fileLayout(record.cells, settings, label)
        await rejects?.header(record.cells)
        continue
      }
      if (isNote(record.cells, layout)) {
        notes++
        continue
      }
      rows++
      const row = checkRow(settings, layout, record.cells, record.line)
      if (!row.ok) await reject(record.cells, row.rejection)
      else if (row.events.length === 0) rowsWithoutEvents++
      else for (const event of row.events) eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1
      if (rows % 1_000 === 0)
        progress.update(`checking ${label}: ${rows} rows`, { value: bytesRead(record), total: size })
    }
    progress.done()
    if (layout === undefined) throw new CsvImportRefused(`${label} is empty: it has no header line, and no rows`)
    const summary = { kind: settings.kind, rows, rowsWithoutEvents, notes, eventsByType }
    if (request.mode === "dry-run") {
      return { ...summary, dryRun: true, rejected, rejections, appended: 0, alreadyStored: 0, openingsKept: 0 }
    }
    if (rejected > 0 && !request.skipInvalid) {
      const first = rejections[0] as RowRejection
      const more = rejected > 1 ? ` (and ${rejected - 1} more invalid row${rejected > 2 ? "s" : ""})` : ""
      throw new CsvImportRefused(
        `${label}, ${where(first)}: ${first.reason}${more}; nothing was imported: correct the file, or import the valid rows with --skip-invalid`,
        { rejections },
      )
    }

    // Pass 2: the valid rows' events, a batch at a time.
    let appended = 0
    let alreadyStored = 0
    let openingsKept = 0
    let batch: BatchRow[] = []
    let batchEvents = 0
    const flush = async () => {
      while (batch.length > 0) {
        const events = batch.flatMap((row) => row.events)
        const result = await request.append(events)
        if (result.ok) {
          appended += result.appended
          alreadyStored += events.length - result.appended
          break
        }
        const culprit = culpritOf(batch, result.refusal)
        const refusal = result.refusal
        if ("idempotencyKey" in refusal && isEarlierOpening(refusal, culprit)) {
          // The deal was opened by an earlier import, with details the CRM has changed since (its amount, its expected
          // close date): the ledger keeps the opening it was first told, and the row's close still counts (a DealWon
          // carries the final amount). Refusing the row would lose the win of every deal whose amount moved.
          openingsKept++
          const rest = {
            ...culprit,
            events: culprit.events.filter((event) => event.idempotencyKey !== refusal.idempotencyKey),
          }
          batch = batch.map((row) => (row === culprit ? rest : row)).filter((row) => row.events.length > 0)
          continue
        }
        const rejection = { line: culprit.line, column: "(row)", reason: ledgerRefusal(result.refusal, culprit) }
        if (!request.skipInvalid) {
          throw new CsvImportRefused(`${label}, ${where(rejection)}: ${rejection.reason}; ${storedSoFar(appended)}`, {
            refusedBy: "ledger",
            rejections: [rejection],
            appended,
          })
        }
        await reject(culprit.cells, rejection)
        batch = batch.filter((row) => row !== culprit)
      }
      batch = []
      batchEvents = 0
    }
    let done = 0
    for await (const record of fileRecords(request.file, label)) {
      if (record.line === 1 || isNote(record.cells, layout)) continue
      const row = checkRow(settings, layout, record.cells, record.line)
      if (!row.ok || row.events.length === 0) continue
      batch.push({ line: record.line, cells: record.cells, events: row.events })
      batchEvents += row.events.length
      if (batchEvents >= eventsPerBatch) await flush()
      if (++done % 1_000 === 0)
        progress.update(`importing ${label}: ${done} rows`, { value: bytesRead(record), total: size })
    }
    await flush()
    return {
      ...summary,
      dryRun: false,
      rejected,
      rejections,
      appended,
      alreadyStored,
      openingsKept,
      ...(rejects === undefined || rejected === 0 ? {} : { rejectsFile: request.rejectsFile }),
    }
  } finally {
    progress.done()
    await rejects?.close(rejected === 0)
  }
}

type BatchRow = {
  readonly line: number
  readonly cells: ReadonlyArray<string>
  readonly events: ReadonlyArray<IncomingEvent>
}

type CheckedRow =
  | { readonly ok: true; readonly events: ReadonlyArray<IncomingEvent> }
  | { readonly ok: false; readonly rejection: RowRejection }

const checkRow = (
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

/** Where each field is in the file's rows, and how many columns the header has. */
type FileLayout = { readonly columns: ColumnIndex; readonly width: number }

const fileLayout = (header: ReadonlyArray<string>, settings: ImportSettings, label: string): FileLayout => {
  const located = locateColumns(header, settings.fields, settings.columns, settings.namedColumns)
  if (!located.ok) throw new CsvImportRefused(`${label}, ${located.reason}; nothing was imported`)
  return { columns: located.columns, width: header.length }
}

/** A line of one cell in a file of several columns: a report's title, footer or copyright line, not a record. */
const isNote = (cells: ReadonlyArray<string>, layout: FileLayout): boolean => cells.length === 1 && layout.width > 1

const where = (rejection: RowRejection) =>
  `line ${rejection.line}${rejection.column === "(row)" ? "" : `, column "${rejection.column}"`}`

const culpritOf = (
  batch: ReadonlyArray<BatchRow>,
  refusal: Extract<BatchAppended, { ok: false }>["refusal"],
): BatchRow => {
  const touches = (row: BatchRow) =>
    "idempotencyKey" in refusal
      ? row.events.some((event) => event.idempotencyKey === refusal.idempotencyKey)
      : row.events.some((event) => streamOf(event) === refusal.streamId)
  // The last row involved: an earlier row of the file with the same key is the one the ledger holds.
  return [...batch].reverse().find(touches) ?? (batch[batch.length - 1] as BatchRow)
}

/** Whether the ledger refused the row's DealOpened because an earlier import stored the deal's opening. */
const isEarlierOpening = (
  refusal: { readonly idempotencyKey: string; readonly storedAs: RecordedEvent },
  row: BatchRow,
): boolean => {
  const event = row.events.find((e) => e.idempotencyKey === refusal.idempotencyKey)
  // A stored event has a position; one accepted earlier in the same append (a row repeated in the file) has none.
  return (
    event?.type === "DealOpened" &&
    refusal.storedAs.type === "DealOpened" &&
    refusal.storedAs.position > 0 &&
    refusal.storedAs.streamId === streamOf(event)
  )
}

const ledgerRefusal = (refusal: Extract<BatchAppended, { ok: false }>["refusal"], row: BatchRow): string => {
  if ("reason" in refusal) return `the ledger refuses this row: ${refusal.reason}`
  const event = row.events.find((e) => e.idempotencyKey === refusal.idempotencyKey)
  const stored = refusal.storedAs
  return (
    `the ledger already holds this row's ${event?.type ?? stored.type} (${refusal.idempotencyKey}) with other details ` +
    `(it was imported before as ${JSON.stringify(stored.data)} at ${stored.occurredAt}); a record imported once is not changed by importing it again`
  )
}

const storedSoFar = (appended: number): string =>
  appended === 0
    ? "nothing was imported"
    : `the ${appended} events of the rows before it were imported, and importing the file again goes on after them`

/**
 * The records of a file; an unreadable one refuses the import, naming the line. The records of a chunk
 * of the file come without a turn of the event loop in between: the caller's work on them (checking a
 * row, building its events) is sliced in time here, so that the server answers while a large file is
 * imported (bench/responsiveness.ts).
 */
async function* fileRecords(file: string, label: string) {
  const input = createReadStream(file, { highWaterMark: 64 * 1024 })
  const slices = timeSlices()
  let read = 0
  input.on("data", (chunk) => (read += chunk.length))
  try {
    for await (const record of csvRecords(input)) {
      yield { ...record, read }
      if (slices.due()) await slices.turn()
    }
  } catch (error) {
    if (error instanceof CsvUnreadable) throw new CsvImportRefused(`${label}, ${error.message}; nothing was imported`)
    throw error
  } finally {
    input.destroy()
  }
}

const bytesRead = (record: { readonly read: number }) => record.read

/** The rejects file: the header of the file with a column of reasons, then each rejected row as it was. */
const rejectsWriter = async (file: string) => {
  const out: WriteStream = createWriteStream(file)
  await once(out, "open").catch((error: Error) => {
    throw new CsvImportRefused(`cannot write the rejects to ${file}: ${error.message}`)
  })
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain")
  }
  let width = 0
  return {
    header: (header: ReadonlyArray<string>) => {
      width = header.length
      return write(csvLine([...header, "Rejected because"]))
    },
    write: (cells: ReadonlyArray<string>, rejection: RowRejection) =>
      write(
        csvLine([
          ...cells,
          ...Array.from({ length: Math.max(0, width - cells.length) }, () => ""),
          `line ${rejection.line}${rejection.column === "(row)" ? "" : `, column ${rejection.column}`}: ${rejection.reason}`,
        ]),
      ),
    close: async (empty: boolean) => {
      out.end()
      await once(out, "finish")
      if (empty) await rm(file, { force: true })
    },
  }
}
