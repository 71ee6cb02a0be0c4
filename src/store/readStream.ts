/**
 * @module Reading one stream: its events in version order (from a version, as of a bound), and its
 * current version.
 */
import type { AsOf, RecordedEvent } from "./eventLog.js"
import { asOfClause, type EventRow, lastEventOfEach, selectEvents, toRecorded } from "./logTable.js"
import type { SqlQueryable } from "./sql.js"

/** One stream's events in version order. */
export const readStream = async (
  q: SqlQueryable,
  streamId: string,
  options: { readonly fromVersion?: number; readonly limit?: number; readonly asOf?: AsOf } = {},
): Promise<ReadonlyArray<RecordedEvent>> => {
  const { where, params } = asOfClause(options.asOf, [streamId, options.fromVersion ?? 1])
  const rows = await q.query<EventRow>(
    `${selectEvents} where stream_id = $1 and stream_version >= $2 ${where}
     order by stream_version ${options.limit === undefined ? "" : `limit ${Math.trunc(options.limit)}`}`,
    params,
  )
  return rows.map(toRecorded)
}

/** A stream's current version: the version of its last event, 0 when it has none. */
export const streamVersion = async (q: SqlQueryable, streamId: string): Promise<number> =>
  Number(
    (await q.query<{ version: number | string }>(lastEventOfEach("select last.version"), [[streamId]]))[0]?.version ??
      0,
  )
