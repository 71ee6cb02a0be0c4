/**
 * @module Where the log ends: the head a fenced reader sees and the head committed, how far a
 * reader's checkpoint is behind, how many events the log holds, and the wait for the writers that
 * hide a committed event behind the fence.
 */
import { type Checkpoint, logStart } from "./eventLog.js"
import { fenceOf, runningBelowFence } from "./logTable.js"
import type { SqlQueryable } from "./sql.js"

/**
 * Waits, at most `timeoutMs`, until the transactions that hide a committed event from a fenced read
 * have ended: those still in flight whose transaction id is older than the newest committed event's.
 * A client that was answered 201 then reads the log sees its own events, even while one of the
 * server's own writers (the projection runner's batch, a delivery tally) that began earlier is still
 * at work. Nothing hidden, nothing to wait for: one query. Past the timeout the read goes on with
 * what the fence shows, which is never wrong, only later.
 */
export const awaitHiddenCommits = async (q: SqlQueryable, timeoutMs: number): Promise<void> => {
  const rows = await q.query<{ hiding: ReadonlyArray<string> | null }>(
    `select array_agg(x::text) as hiding from ${runningBelowFence(q)} as x
     where x < (select transaction_id from ledger_events order by transaction_id desc limit 1)`,
  )
  const hiding = rows[0]?.hiding ?? []
  const deadline = Date.now() + timeoutMs
  while (hiding.length > 0 && Date.now() < deadline) {
    const [still] = await q.query<{ in_flight: number | string }>(
      `select count(*) as in_flight from unnest($1::text[]) as x where pg_xact_status(x::xid8) = 'in progress'`,
      [hiding],
    )
    if (Number(still?.in_flight ?? 0) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** The checkpoint of the last event a fenced reader can see now (the log's visible head). */
export const visibleHead = async (q: SqlQueryable): Promise<Checkpoint> => {
  const rows = await q.query<{ transaction_id: string; global_position: number | string }>(
    `select transaction_id::text as transaction_id, global_position from ledger_events
     where transaction_id < ${fenceOf(q)}
     order by ledger_events.transaction_id desc, ledger_events.global_position desc limit 1`,
  )
  const head = rows[0]
  return head === undefined ? logStart : { transactionId: head.transaction_id, position: Number(head.global_position) }
}

/** How many events the log holds. */
export const countEvents = async (q: SqlQueryable): Promise<number> =>
  Number((await q.query<{ n: number | string }>("select count(*) as n from ledger_events"))[0]?.n ?? 0)

/**
 * The checkpoint of the last event committed now, fence or no fence: what "everything appended
 * before this request" means. A fenced reader reaches it once every older transaction has ended.
 */
export const committedHead = async (q: SqlQueryable): Promise<Checkpoint> => {
  const rows = await q.query<{ transaction_id: string; global_position: number | string }>(
    `select transaction_id::text as transaction_id, global_position from ledger_events
     order by ledger_events.transaction_id desc, ledger_events.global_position desc limit 1`,
  )
  const head = rows[0]
  return head === undefined ? logStart : { transactionId: head.transaction_id, position: Number(head.global_position) }
}

/**
 * How far a reader at `checkpoint` is behind the committed log: the events after it, and the age in
 * seconds of the oldest of them (0 when there are none). Counts committed events, fence or no fence.
 */
export const logBehind = async (
  q: SqlQueryable,
  checkpoint: Checkpoint,
): Promise<{ readonly events: number; readonly seconds: number }> => {
  const rows = await q.query<{ events: number | string; seconds: number | string | null }>(
    `select count(*) as events, extract(epoch from clock_timestamp() - min(recorded_at)) as seconds from ledger_events
     where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
    [checkpoint.transactionId, checkpoint.position],
  )
  const row = rows[0]
  return { events: Number(row?.events ?? 0), seconds: Math.max(0, Number(row?.seconds ?? 0)) }
}
