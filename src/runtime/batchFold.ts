/**
 * @module A batch of the log folded into a state, in place, with the rows it touched recorded
 * (only those are written). The fold thread (foldWorker.ts) folds the runner's batches with it;
 * tests and the what-if replayer read the stored events as the folds see them with `toLedgerEvent`.
 */
import { isEventType, type LedgerEvent, upcast } from "../../events/index.js"
import { type Change, foldEvent, type LedgerState, quarterHourOf, repAccountKey } from "../../projections/index.js"
import type { Touched } from "../readModel/scorecardWrites.js"
import type { LoggedEvent, RecordedEvent } from "../store/eventLog.js"

/**
 * Reads the stored event as the folds see it: current schema version, known type. An event stored at
 * the current version is handed over as it is (a fold reads its type, instant and data, nothing
 * else): one object less for each of a catch-up's million events.
 */
export const toLedgerEvent = (
  event: Pick<RecordedEvent, "type" | "schemaVersion" | "data" | "occurredAt">,
): LedgerEvent | undefined => {
  if (!isEventType(event.type)) return undefined
  const data = upcast(event.type, event.schemaVersion, event.data)
  return (data === event.data ? event : { type: event.type, occurredAt: event.occurredAt, data }) as LedgerEvent
}

/** Folds events into a state in place, and records which rows they touched. */
export const foldInto = (state: LedgerState, events: ReadonlyArray<LoggedEvent>, touched: Touched): void => {
  for (const logged of events) {
    const event = toLedgerEvent(logged)
    if (event === undefined) continue
    for (const change of foldEvent(state, event, logged.occurredMs)) touch(touched, change)
    touched.quarterHours.add(quarterHourOf(logged.occurredMs))
  }
}

const touch = (touched: Touched, change: Change): void => {
  switch (change.kind) {
    case "repDay":
    case "repDayRemoved": {
      const days = touched.repDays.get(change.repId)
      if (days === undefined) touched.repDays.set(change.repId, new Set([change.day]))
      else days.add(change.day)
      return
    }
    case "rep":
      touched.reps.add(change.row.repId)
      return
    case "repRemoved":
      touched.reps.add(change.repId)
      return
    case "identityLinked": // derived from the reps' rows when a generation is loaded: nothing of its own to write
      return
    case "deal":
      touched.deals.add(change.row.dealId)
      return
    case "meeting":
      touched.meetings.add(change.row.meetingId)
      return
    case "account":
      touched.accounts.add(change.row.accountId)
      return
    case "accountActivity":
      touched.accountActivity.add(change.accountId)
      return
    case "repAccountActivity":
    case "repAccountRemoved":
      touched.repAccounts.add(repAccountKey(change.repId, change.accountId))
      return
    case "contact":
      touched.contacts.add(change.row.contactId)
      return
    case "contactActivity":
      touched.contacts.add(change.contactId)
      return
    case "settings":
      touched.settings = true
      return
    default:
      assertNever(change)
  }
}

function assertNever(change: never): never {
  throw new Error(`unhandled change ${JSON.stringify(change)}`)
}
