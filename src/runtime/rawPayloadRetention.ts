/**
 * @module The retention of vendor payloads (README "Personal data"): every payload kept longer than
 * `LEDGER_RAW_PAYLOAD_RETENTION_DAYS` days is deleted, as an erasure deletes (the events mapped from
 * it stay, their `metadata.raw` then reads as `erased:…`). A server prunes when it starts and every hour.
 *
 * @example
 * const retention = await startRawPayloadRetention(sql, { days: 90, onError })
 * retention.stop()
 */
import { pruneRawPayloads } from "../store/personalValues.js"
import type { SqlDatabase } from "../store/sql.js"

/** How long a vendor payload is kept when LEDGER_RAW_PAYLOAD_RETENTION_DAYS is not set. */
export const defaultRawPayloadRetentionDays = 90

const pruneEveryMs = 60 * 60 * 1000

/** Prunes now (awaited: a server answers nothing older than the retention), then every hour until stopped. */
export const startRawPayloadRetention = async (
  sql: SqlDatabase,
  options: { readonly days: number; readonly onError: (error: unknown) => void },
): Promise<{ readonly stop: () => void }> => {
  await pruneRawPayloads(sql, options.days)
  const timer = setInterval(() => {
    pruneRawPayloads(sql, options.days).catch(options.onError)
  }, pruneEveryMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
