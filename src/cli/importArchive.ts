/**
 * @module Importing an archive (NDJSON from `ledger events export`) into a store, in two passes over the file:
 *
 * 1. Check every line (src/cli/archiveFile.ts) and, alongside, compare the store's log with the file's first
 *    lines. Any invalid line refuses the whole import before anything is written.
 * 2. If the store's whole log is the file's beginning (an empty store always is), restore the rest of the file
 *    exactly: original positions, stream versions, instants, in the file's order (a later export of the store
 *    is byte-identical to the file). An import that stopped half-way is resumed the same way.
 *    Otherwise the store has a history of its own: the events go through the normal idempotent append path,
 *    get new positions after the store's own events, and those it already holds (same idempotency key) are
 *    skipped.
 */
import { dealGuard } from "../ingest/appendEvents.js"
import type { Progress } from "../observability/progress.js"
import { appendToLog } from "../store/appendToLog.js"
import {
  type ArchivedEvent,
  archivePages,
  type RestoreExpectation,
  restoreBatch,
  sameArchivedEvent,
} from "../store/eventArchive.js"
import type { AppendRejection, RecordedEvent, StreamAppend } from "../store/eventLog.js"
import { type SqlDatabase, sqlErrorCode } from "../store/sql.js"
import { archiveLines, parseArchiveLine } from "./archiveFile.js"

export type ImportOutcome = {
  /** `restored`: at the archived positions; `appended`: after the store's own events, with new positions. */
  readonly how: "restored" | "appended"
  /** Events in the file. */
  readonly events: number
  /** Events this import stored. */
  readonly imported: number
  /** Events skipped because the store already held them. */
  readonly alreadyStored: number
}

/** The file, or the store, refuses the import; the message names the line and field, or the stream, and what to do. */
export class ImportRefused extends Error {
  override readonly name = "ImportRefused"
}

/** Events per transaction: big enough to make a million-event restore quick, small enough to keep memory flat. */
const restoreBatchSize = 2_000
const appendBatchSize = 1_000

export const importArchive = async (db: SqlDatabase, file: string, progress: Progress): Promise<ImportOutcome> => {
  const survey = await surveyArchive(db, file, progress)
  return survey.storeIsPrefix
    ? restoreArchive(db, file, survey, progress)
    : appendArchive(db, file, survey.events, progress)
}

type Survey = {
  readonly events: number
  /** Whether the store's whole log equals the file's first `alreadyStored` events. */
  readonly storeIsPrefix: boolean
  readonly alreadyStored: number
  readonly highestStoredPosition: number
}

/** Pass 1: every line valid, or `ImportRefused` naming the first invalid one; and how the store relates to the file. */
const surveyArchive = async (db: SqlDatabase, file: string, progress: Progress): Promise<Survey> => {
  const stored = storedEvents(db)
  let events = 0
  let invalidLines = 0
  let firstInvalid: string | undefined
  let comparing = true
  let storeEnded = false
  let alreadyStored = 0
  let highestStoredPosition = 0
  try {
    for await (const { lineNumber, text } of archiveLines(file)) {
      const line = parseArchiveLine(text)
      if (!line.ok) {
        invalidLines++
        firstInvalid ??= `line ${lineNumber}, field ${line.field}: ${line.message}`
        continue
      }
      events++
      progress.update(`checking ${file}: ${events} events`)
      if (!comparing || firstInvalid !== undefined) continue
      const next = await stored.next()
      if (next.done === true) {
        storeEnded = true
        comparing = false
      } else if (sameArchivedEvent(next.value, line.event)) {
        alreadyStored++
        highestStoredPosition = Math.max(highestStoredPosition, next.value.position)
      } else {
        comparing = false
      }
    }
    if (comparing && firstInvalid === undefined) storeEnded = (await stored.next()).done === true
  } finally {
    await stored.return(undefined)
    progress.done()
  }
  if (firstInvalid !== undefined) {
    const others = invalidLines > 1 ? ` (and ${invalidLines - 1} more invalid line${invalidLines > 2 ? "s" : ""})` : ""
    throw new ImportRefused(`${firstInvalid}${others}; nothing was imported: correct the file and import it again`)
  }
  return { events, storeIsPrefix: storeEnded, alreadyStored, highestStoredPosition }
}

/** The store's visible log, event by event (a page in memory at a time). */
async function* storedEvents(db: SqlDatabase): AsyncGenerator<RecordedEvent, void, undefined> {
  for await (const page of archivePages(db)) yield* page
}

/** The file's events after its first `skip`, each with its line number; a line that has turned invalid since pass 1 stops the import. */
async function* archivedEvents(
  file: string,
  skip: number,
): AsyncGenerator<{ readonly lineNumber: number; readonly event: ArchivedEvent }> {
  let index = 0
  for await (const { lineNumber, text } of archiveLines(file)) {
    if (++index <= skip) continue
    const line = parseArchiveLine(text)
    if (!line.ok)
      throw new ImportRefused(
        `line ${lineNumber} changed while it was being imported (field ${line.field}: ${line.message})`,
      )
    yield { lineNumber, event: line.event }
  }
}

/**
 * Pass 2 on a store that holds the file's beginning: the rest, at its archived positions. A batch ends where the
 * positions stop ascending, since one transaction's rows are read back in position order (see `restoreBatch`).
 */
const restoreArchive = async (
  db: SqlDatabase,
  file: string,
  survey: Survey,
  progress: Progress,
): Promise<ImportOutcome> => {
  let expected: RestoreExpectation = { highestPosition: survey.highestStoredPosition, eventCount: survey.alreadyStored }
  let imported = 0
  let batch: ArchivedEvent[] = []
  let firstLine = 0
  const flush = async () => {
    if (batch.length === 0) return
    try {
      expected = { highestPosition: await restoreBatch(db, batch, expected) }
    } catch (error) {
      if (sqlErrorCode(error) !== "23505") throw error
      throw new ImportRefused(
        `the events from line ${firstLine} on repeat a position, a stream version or an idempotency key of an earlier ` +
          `line (${(error as Error).message.split("\n")[0]}); ${storedSoFar(imported)}`,
      )
    }
    imported += batch.length
    batch = []
    progress.update(`restoring ${file}: ${survey.alreadyStored + imported} of ${survey.events} events`)
  }
  try {
    for await (const { lineNumber, event } of archivedEvents(file, survey.alreadyStored)) {
      const previous = batch.at(-1)
      if (batch.length >= restoreBatchSize || (previous !== undefined && event.position <= previous.position))
        await flush()
      if (batch.length === 0) firstLine = lineNumber
      batch.push(event)
    }
    await flush()
  } finally {
    progress.done()
  }
  return { how: "restored", events: survey.events, imported, alreadyStored: survey.alreadyStored }
}

/** Pass 2 on a store with a history of its own: every event through the idempotent append, a batch per transaction. */
const appendArchive = async (
  db: SqlDatabase,
  file: string,
  events: number,
  progress: Progress,
): Promise<ImportOutcome> => {
  let imported = 0
  let alreadyStored = 0
  let batch: Array<{ readonly lineNumber: number; readonly event: ArchivedEvent }> = []
  const flush = async () => {
    if (batch.length === 0) return
    const result = await appendToLog(db, streamAppends(batch.map((line) => line.event)))
    if (!result.ok) throw new ImportRefused(`${refusal(result.rejection, batch)}; ${storedSoFar(imported)}`)
    imported += result.appended
    alreadyStored += batch.length - result.appended
    batch = []
    progress.update(`appending ${file}: ${imported + alreadyStored} of ${events} events`)
  }
  try {
    for await (const line of archivedEvents(file, 0)) {
      batch.push(line)
      if (batch.length >= appendBatchSize) await flush()
    }
    await flush()
  } finally {
    progress.done()
  }
  return { how: "appended", events, imported, alreadyStored }
}

/** One append per run of consecutive events of a stream, so that the batch is stored in the file's order. */
const streamAppends = (events: ReadonlyArray<ArchivedEvent>): ReadonlyArray<StreamAppend> => {
  const appends: Array<StreamAppend & { events: ArchivedEvent[] }> = []
  for (const event of events) {
    const last = appends.at(-1)
    if (last !== undefined && last.streamId === event.streamId) last.events.push(event)
    else
      appends.push({
        streamId: event.streamId,
        expected: "any",
        events: [event],
        ...(event.streamId.startsWith("deal-") ? { guard: dealGuard } : {}),
      })
  }
  return appends
}

const refusal = (
  rejection: AppendRejection,
  batch: ReadonlyArray<{ readonly lineNumber: number; readonly event: ArchivedEvent }>,
): string => {
  switch (rejection._tag) {
    case "IdempotencyKeyReused": {
      const line = batch.find((l) => l.event.idempotencyKey === rejection.idempotencyKey)?.lineNumber
      const stored = rejection.storedAs
      return (
        `line ${line}, field idempotencyKey: "${rejection.idempotencyKey}" already names a different event in the store ` +
        `(${stored.type} in ${stored.streamId}); the store and the file disagree about it`
      )
    }
    case "StreamRuleViolation": {
      const line = batch.find((l) => l.event.streamId === rejection.streamId)?.lineNumber
      return `stream ${rejection.streamId} refuses the events from line ${line} on: ${rejection.reason}`
    }
    case "WrongExpectedVersion": // an import appends with "any", which every stream meets
      return `stream ${rejection.streamId} is at version ${rejection.actual}, not ${String(rejection.expected)}`
  }
}

const storedSoFar = (imported: number): string =>
  imported === 0
    ? "nothing was imported"
    : `the ${imported} events of the lines before it were imported, and importing the file again goes on after them`
