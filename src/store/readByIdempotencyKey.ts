/** @module Reading the stored event with an idempotency key. */
import type { RecordedEvent } from "./eventLog.js"
import { type EventRow, selectEvents, toRecorded } from "./logTable.js"
import type { SqlQueryable } from "./sql.js"

/**
 * The stored event with this idempotency key, if any (keys are unique in the log). Connectors look
 * up what an earlier delivery stored: a rescheduled Calendly booking finds the meeting it moves.
 */
export const readByIdempotencyKey = async (
  q: SqlQueryable,
  idempotencyKey: string,
): Promise<RecordedEvent | undefined> => {
  const rows = await q.query<EventRow>(`${selectEvents} where idempotency_key = $1`, [idempotencyKey])
  return rows[0] === undefined ? undefined : toRecorded(rows[0])
}
