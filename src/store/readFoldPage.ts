/**
 * @module Reading the log for the folds: the pages of `readLog` with only what a fold reads of each
 * event, as one json text that the projection runner hands to its fold thread undecoded.
 */
import type { Checkpoint, LoggedEvent } from "./eventLog.js"
import { epochMs } from "./logTable.js"
import { type LogRead, logPage } from "./readLog.js"
import type { SqlQueryable } from "./sql.js"

/**
 * A page of the log as the folds read it, not yet decoded: `text` is a json array with one
 * `[position, transactionId, type, schemaVersion, data, occurredMs]` entry an event (decode it with
 * {@link decodeFoldPage}), `events` how many, `last` where the page ends. The projection runner
 * hands the text to the thread that folds (src/runtime/foldThread.ts), so that this one only reads.
 */
export type FoldPage = { readonly text: string; readonly events: number; readonly last: Checkpoint }

/**
 * `readLog` for the folds: the same events, in the same order, behind the same fence, with only
 * what a fold reads of them (not the stream, metadata, recording instant or idempotency key), as one
 * json value on both backends (unlike `readLog`): the text crosses to the fold thread as it is, and
 * the reading thread decodes nothing. Measured over the demo's events in pages of 5,000: on PGlite
 * (1,006,980 events) the text alone 6.6–7.3 s, decoded 7.9–9.2 s; on PostgreSQL (204,119 events)
 * the text 230k–249k events/s, rows decoded by the driver 191k–220k/s.
 */
export const readFoldPage = async (q: SqlQueryable, options: LogRead): Promise<FoldPage | undefined> => {
  const { page, params } = logPage(q, options)
  const rows = await q.query<{
    text: string | null
    events: number | string
    transaction_id: string
    global_position: number | string
  }>(
    `with e as materialized (${page})
     select (select json_agg(json_build_array(global_position, transaction_id::text, type, schema_version, data, ${epochMs("occurred_at")})
                     order by e.transaction_id, e.global_position)::text from e) as text,
            (select count(*) from e) as events, last.transaction_id::text as transaction_id, last.global_position
     from (select transaction_id, global_position from e order by transaction_id desc, global_position desc limit 1) as last`,
    params,
  )
  const found = rows[0]
  if (found === undefined || found.text === null) return undefined
  return {
    text: found.text,
    events: Number(found.events),
    last: { transactionId: found.transaction_id, position: Number(found.global_position) },
  }
}

/** The events of a page read by {@link readFoldPage}, in log order. */
export const decodeFoldPage = (text: string): ReadonlyArray<LoggedEvent> =>
  (JSON.parse(text) as ReadonlyArray<[number, string, string, number, unknown, number]>).map(
    ([position, transactionId, type, schemaVersion, data, occurredMs]) => ({
      transactionId,
      position,
      type,
      schemaVersion,
      data,
      occurredAt: new Date(occurredMs).toISOString(),
      occurredMs,
    }),
  )

/** The log's events after `options.after`, read and decoded as the folds take them (see {@link readFoldPage}). */
export const readLogToFold = async (q: SqlQueryable, options: LogRead): Promise<ReadonlyArray<LoggedEvent>> => {
  const page = await readFoldPage(q, options)
  return page === undefined ? [] : decodeFoldPage(page.text)
}
