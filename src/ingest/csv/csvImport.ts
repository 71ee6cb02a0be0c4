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

import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import type { IncomingEvent } from "../../../events/index.js"
import type { Progress } from "../../observability/progress.js"
import { timeSlices } from "../../runtime/timeSlices.js"
import { CsvUnreadable, csvRecords } from "./csvRecords.js"
import { checkRow, type FileLayout, isNote } from "./fileRows.js"
import type { ImportSettings } from "./importKinds.js"
import {
  type AppendBatch,
  type BatchRow,
  culpritOf,
  isEarlierOpening,
  keptSoFar,
  ledgerRefusal,
} from "./ledgerAppend.js"
import { locateColumns } from "./mapping.js"
import { type RowRejection, rejectsWriter, where } from "./rejectsFile.js"
import { rosterManagers, withManagersNamed } from "./rosterManagers.js"

export { type AppendBatch, appendBatchEffect, type BatchAppended } from "./ledgerAppend.js"
export type { RowRejection } from "./rejectsFile.js"

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
  /**
   * The events by type of the rows imported (stored now, or held from an earlier import of the same rows); in a
   * dry run, of the valid rows, which would be.
   */
  readonly eventsByType: Readonly<Record<string, number>>
  /** The first and last line of the rows imported (none when no row was). */
  readonly linesKept?: LinesKept
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

/** The first and last line of the file whose rows are in the ledger after an import, and how many rows. */
export type LinesKept = { readonly first: number; readonly last: number; readonly rows: number }

/** What a refused import had counted: of the whole file when the file was refused, up to the row refused else. */
export type RefusedCounts = {
  readonly dryRun: boolean
  readonly rows: number
  readonly rejected: number
  readonly eventsByType: Readonly<Record<string, number>>
  readonly linesKept?: LinesKept
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
  /** The counts so far, for a refusal found row by row (none for a file that cannot be read at all). */
  readonly counts: RefusedCounts | undefined
  constructor(
    message: string,
    details: {
      readonly refusedBy?: "file" | "ledger"
      readonly rejections?: ReadonlyArray<RowRejection>
      readonly appended?: number
      readonly counts?: RefusedCounts
    } = {},
  ) {
    super(message)
    this.refusedBy = details.refusedBy ?? "file"
    this.rejections = details.rejections ?? []
    this.appended = details.appended ?? 0
    this.counts = details.counts
  }
}

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
  /** Where rejected rows go, with the reason column (removed when no row is rejected, unless kept empty). */
  readonly rejectsFile?: string
  readonly keepEmptyRejects?: boolean
  /** The reasons of the rejects file in the caller's words (over HTTP, query parameters for the flags). */
  readonly rejectsWording?: (reason: string) => string
  readonly append: AppendBatch
  readonly progress: Progress
  /** Aborted when the import is abandoned (the client went away): it stops at the next row, storing nothing more. */
  readonly signal?: AbortSignal
}

/** The import was abandoned (its signal aborted) before it ended; what was stored before stays stored. */
export class CsvImportAbandoned extends Error {
  override readonly name = "CsvImportAbandoned"
  constructor() {
    super("the import was abandoned before it ended")
  }
}

/** Events per append: a transaction big enough to be quick, small enough to keep memory flat. */
export const eventsPerBatch = 1_000
export const maxListedRejections = 100

export const importCsv = async (request: CsvImportRequest): Promise<CsvImportOutcome> => {
  const { settings, progress } = request
  const label = request.fileLabel ?? request.file
  const size = (await stat(request.file)).size
  const rejects =
    request.rejectsFile !== undefined
      ? await rejectsWriter(request.rejectsFile, request.rejectsWording).catch((error: Error) => {
          throw new CsvImportRefused(error.message)
        })
      : undefined
  const goOn = () => {
    if (request.signal?.aborted) throw new CsvImportAbandoned()
  }
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
    const managers = settings.kind === "reps" ? rosterManagers() : undefined
    for await (const record of fileRecords(request.file, label)) {
      goOn()
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
      if (row.ok) managers?.see(row.events)
      if (rows % 1_000 === 0)
        progress.update(`checking ${label}: ${rows} rows`, { value: bytesRead(record), total: size })
    }
    progress.done()
    const pendingManagers = managers?.namedOnly(settings) ?? new Map<string, IncomingEvent>()
    if (pendingManagers.size > 0) eventsByType["RepJoined"] = (eventsByType["RepJoined"] ?? 0) + pendingManagers.size
    if (layout === undefined) throw new CsvImportRefused(`${label} is empty: it has no header line, and no rows`)
    const summary = { kind: settings.kind, rows, rowsWithoutEvents, notes }
    const rejectsFile = rejects === undefined || rejected === 0 ? {} : { rejectsFile: request.rejectsFile }
    const dryRun = request.mode === "dry-run"
    if (rejected > 0 && !request.skipInvalid) {
      // A dry run answers what the import would: refused, with the same counts.
      const first = rejections[0] as RowRejection
      const more = rejected > 1 ? ` (and ${rejected - 1} more invalid row${rejected > 2 ? "s" : ""})` : ""
      const all = rejectsFile.rejectsFile === undefined ? "" : `; every invalid row is in ${rejectsFile.rejectsFile}`
      throw new CsvImportRefused(
        `${label}, ${where(first)}: ${first.reason}${more}; ${dryRun ? "a dry run: nothing was stored, and the import would be refused" : "nothing was imported"}: correct the file, or import the valid rows with --skip-invalid${all}`,
        { rejections, counts: { dryRun, rows, rejected, eventsByType, ...rejectsFile } },
      )
    }
    if (dryRun) {
      return { ...summary, eventsByType, dryRun, rejected, rejections, appended: 0, alreadyStored: 0, openingsKept: 0 }
    }

    // Pass 2: the valid rows' events, a batch at a time.
    let appended = 0
    let alreadyStored = 0
    let openingsKept = 0
    let batch: BatchRow[] = []
    let batchEvents = 0
    const keptByType: Record<string, number> = {}
    let linesKept: LinesKept | undefined
    const keep = (row: BatchRow) => {
      for (const event of row.events) keptByType[event.type] = (keptByType[event.type] ?? 0) + 1
      linesKept = { first: linesKept?.first ?? row.line, last: row.line, rows: (linesKept?.rows ?? 0) + 1 }
    }
    /** The ledger's refusal of a row in a strict import: the rows before it are appended first, then it ends. */
    let refusedRow: { readonly row: BatchRow; readonly rejection: RowRejection } | undefined
    const flush = async () => {
      while (batch.length > 0) {
        goOn()
        const events = batch.flatMap((row) => row.events)
        const result = await request.append(events)
        if (result.ok) {
          appended += result.appended
          alreadyStored += events.length - result.appended
          for (const row of batch) keep(row)
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
          // A batch is one transaction: the rows before the refused one go in again without it (an earlier refusal
          // among them takes its place), so that what is kept is every row before the first refused, whatever the
          // batch size.
          refusedRow = { row: culprit, rejection }
          batch = batch.slice(0, batch.indexOf(culprit))
          continue
        }
        await reject(culprit.cells, rejection)
        batch = batch.filter((row) => row !== culprit)
      }
      batch = []
      batchEvents = 0
      if (refusedRow !== undefined) {
        const { row, rejection } = refusedRow
        await reject(row.cells, rejection)
        throw new CsvImportRefused(
          `${label}, ${where(rejection)}: ${rejection.reason}; ${keptSoFar(linesKept, appended)}`,
          {
            refusedBy: "ledger",
            rejections: [rejection],
            appended,
            counts: {
              dryRun,
              rows,
              rejected,
              eventsByType: keptByType,
              ...(linesKept === undefined ? {} : { linesKept }),
              ...(rejects === undefined ? {} : { rejectsFile: request.rejectsFile }),
            },
          },
        )
      }
    }
    let done = 0
    for await (const record of fileRecords(request.file, label)) {
      goOn()
      if (record.line === 1 || isNote(record.cells, layout)) continue
      const row = checkRow(settings, layout, record.cells, record.line)
      if (!row.ok || row.events.length === 0) continue
      const events = withManagersNamed(row.events, pendingManagers)
      batch.push({ line: record.line, cells: record.cells, events })
      batchEvents += events.length
      if (batchEvents >= eventsPerBatch) await flush()
      if (++done % 1_000 === 0)
        progress.update(`importing ${label}: ${done} rows`, { value: bytesRead(record), total: size })
    }
    await flush()
    return {
      ...summary,
      eventsByType: keptByType,
      ...(linesKept === undefined ? {} : { linesKept }),
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
    await rejects?.close(rejected === 0 && request.keepEmptyRejects !== true)
  }
}

const fileLayout = (header: ReadonlyArray<string>, settings: ImportSettings, label: string): FileLayout => {
  const located = locateColumns(header, settings.fields, settings.columns, settings.namedColumns)
  if (!located.ok) throw new CsvImportRefused(`${label}, ${located.reason}; nothing was imported`)
  return { columns: located.columns, width: header.length }
}

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
  const counted = async function* () {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      read += chunk.length
      yield chunk
    }
  }
  try {
    for await (const record of csvRecords(counted())) {
      yield { ...record, read }
      if (slices.due()) await slices.turn()
    }
  } catch (error) {
    if (error instanceof CsvUnreadable) throw new CsvImportRefused(`${label}, ${error.message}; nothing was imported`)
    throw error
  } finally {
    // Released now, not at the next collection: an abandoned or refused import leaves no descriptor open.
    // (Its "close" is awaited as is: `once` would throw the AbortError the stream was destroyed with.)
    if (!input.closed) await new Promise<void>((resolve) => input.once("close", () => resolve()).destroy())
  }
}

const bytesRead = (record: { readonly read: number }) => record.read
