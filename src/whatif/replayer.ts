/**
 * @module Replaying the event log for what-ifs: the log read page by page behind the store's fence
 * (`readLog`), folded by the projections' own `evolve`/`applyChanges` — the live runner's fold, never
 * a second one — without writing anything anywhere.
 *
 * Reading the store is what costs (bench/whatif.ts: a million rows from PGlite take seconds, folding
 * them a fraction of that), so a replay without `asOf` does not start from the first event: it starts
 * from the scorecard read model, which is the same fold of the log up to its checkpoint
 * (src/runtime/snapshot.ts), and folds only the events after it. A long-lived replayer (the server's)
 * keeps two things between requests:
 * - the log folded to its head: a later request reads and folds only the events after the last
 *   checkpoint, then measures; a request without `asOf` does no other work;
 * - from the first `asOf` request on, a compact copy of the log (src/whatif/logCopy.ts), up to
 *   `maxCopiedEvents`: an `asOf` request folds the copy's events within its bound instead of reading
 *   the store again (the last such fold is kept for a repeated request). The copy is made on demand
 *   (the first `asOf` request reads the log once more to make it) so that a server whose what-ifs
 *   never look back does not hold it. Past the limit the copy is dropped and `asOf` requests read
 *   the store, with the bound in SQL.
 *
 * A replay holds the server's thread in slices of bounded time (src/runtime/timeSlices.ts), giving
 * the event loop a turn between them (other requests and ingestion go on), and checks its `signal`
 * between pages: once aborted (the client went away) it stops with {@link ReplayCancelled}.
 *
 * @example
 * const replayer = new LogReplayer(db)
 * const coverage = await replayer.read({ recorded: "2026-07-01T00:00:00Z" }, signal, ({ state }) => measure(state))
 */
import { Data } from "effect"
import { emptyLedgerState, foldEvent, type LedgerState } from "../../projections/index.js"
import { toLedgerEvent } from "../runtime/batchFold.js"
import { foldedSnapshot } from "../runtime/snapshot.js"
import { type TimeSlices, timeSlices } from "../runtime/timeSlices.js"
import { type AsOf, type Checkpoint, logStart, type RecordedEvent } from "../store/eventLog.js"
import { readLog } from "../store/readLog.js"
import type { SqlDatabase } from "../store/sql.js"
import { LogCopy } from "./logCopy.js"

/** Only what had happened (`occurred`) or had been recorded (`recorded`) by an instant (inclusive). */
export type AsOfBound = { readonly occurred: string } | { readonly recorded: string }

/** The key of a bound in {@link LogReplayer.foldAt}'s answer: `occurred@2026-07-01T00:00:00.000Z`. */
export const boundKey = (bound: AsOfBound): string =>
  "occurred" in bound ? `occurred@${bound.occurred}` : `recorded@${bound.recorded}`

/** The log as a what-if sees it. */
export type Replayed = {
  /** The fold of the replayed events (`state.occurrences` says how many, and when they happened). */
  readonly state: LedgerState
  /** Whether the log holds any event at all (whatever the bound): an empty replay means "nothing yet" or "bound too early". */
  readonly logHasEvents: boolean
}

/** The replay stopped because its signal was aborted. */
export class ReplayCancelled extends Data.TaggedError("ReplayCancelled") {
  override get message() {
    return "the what-if was cancelled: its client went away"
  }
}

export type ReplayerOptions = {
  /**
   * Events per read of the store. Default 1,000: on PGlite a read runs on the server's own thread, so a
   * page is also the longest the replay holds up other requests; and the rows of a smaller page die
   * young, which keeps the peak memory of a long replay down (bench/whatif.ts measures both).
   */
  readonly pageSize?: number
  /**
   * Largest log kept as a compact copy for `asOf` requests (0: none, as for a one-off CLI run).
   * Default 2,000,000 (about 100 MB per million events of the demo team).
   */
  readonly maxCopiedEvents?: number
  /** Told after each page read from the store (for tests and progress). */
  readonly onPage?: (eventsInPage: number) => void
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Folds `events` with `take`, giving the event loop a turn whenever a slice has run its time: a
 * page of 1,000 events folded in 10 ms on a quiet machine took over 100 ms on a busy one.
 */
const inSlices = async <A>(slices: TimeSlices, events: ReadonlyArray<A>, take: (event: A) => void): Promise<void> => {
  for (let i = 0; i < events.length; i++) {
    take(events[i] as A)
    if ((i & 127) === 127 && slices.due()) await slices.turn()
  }
}

export class LogReplayer {
  private readonly pageSize: number
  private readonly maxCopiedEvents: number
  private readonly onPage: ((eventsInPage: number) => void) | undefined
  private checkpoint: Checkpoint = logStart
  /** The fold of the log up to `checkpoint`; undefined until the first request starts it. */
  private head: LedgerState | undefined
  /** Made by the first `asOf` request; undefined before, and for good once the log outgrew the limit. */
  private copy: LogCopy | undefined
  private copyDropped = false
  private logEvents = 0
  private lastAsOf: { readonly key: string; readonly state: LedgerState } | undefined
  /** The folds of the last request's period starts, by bound, for a repeated request (another target). */
  private lastStarts: { readonly key: string; readonly states: Map<string, LedgerState> } | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly db: SqlDatabase,
    options: ReplayerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1_000
    this.maxCopiedEvents = options.maxCopiedEvents ?? 2_000_000
    this.onPage = options.onPage
    this.copyDropped = this.maxCopiedEvents <= 0
  }

  /**
   * Replays the log (as of `asOf`, when given) and hands it to `use`. Without `asOf`, `use` runs on
   * the replayer's own fold of the whole log, before any later request can extend it: `use` must be
   * synchronous and must not change the state.
   */
  async read<A>(
    asOf: AsOfBound | undefined,
    signal: AbortSignal | undefined,
    use: (replayed: Replayed) => A,
  ): Promise<A> {
    if (asOf === undefined) {
      return this.exclusive(async () => {
        const head = await this.catchUp(signal)
        return use({ state: head, logHasEvents: this.logEvents > 0 })
      })
    }
    if (this.copyDropped) return use(await this.readBounded(asOf, signal))
    const { size, key } = await this.exclusive(async () => {
      if (this.copy === undefined && !this.copyDropped) await this.makeCopy(signal)
      await this.catchUp(signal)
      return {
        size: this.copy?.size ?? 0,
        key: `${JSON.stringify(asOf)}@${this.checkpoint.transactionId}-${this.checkpoint.position}`,
      }
    })
    // The copy may have been dropped by the catch-up (the log outgrew it): read the store then.
    const copy = this.copy
    if (copy === undefined) return use(await this.readBounded(asOf, signal))
    if (this.lastAsOf?.key !== key) {
      const state = await this.foldCopy(copy, size, asOf, signal)
      this.lastAsOf = { key, state }
    }
    return use({ state: this.lastAsOf.state, logHasEvents: this.logEvents > 0 })
  }

  /**
   * The log as it stood at each bound, folded afresh (for a what-if's period starts: what was known
   * then). Keyed by {@link boundKey}. Folds the copy of the log when there is one (making it if need
   * be, as an `asOf` request does), else reads the store once per bound; the last request's folds are
   * kept while the log has not grown, so that asking again with another target folds nothing.
   */
  async foldAt(
    bounds: ReadonlyArray<AsOfBound>,
    signal: AbortSignal | undefined,
  ): Promise<ReadonlyMap<string, LedgerState>> {
    const keys = [...new Set(bounds.map(boundKey))].sort()
    if (this.copyDropped) return this.foldEachFromStore(bounds, signal)
    const { size, checkpoint } = await this.exclusive(async () => {
      if (this.copy === undefined && !this.copyDropped) await this.makeCopy(signal)
      await this.catchUp(signal)
      return { size: this.copy?.size ?? 0, checkpoint: `${this.checkpoint.transactionId}-${this.checkpoint.position}` }
    })
    const copy = this.copy
    if (copy === undefined) return this.foldEachFromStore(bounds, signal)
    const key = `${keys.join(",")}@${checkpoint}`
    if (this.lastStarts?.key === key) return this.lastStarts.states
    const states = new Map<string, LedgerState>()
    for (const bound of bounds) {
      const at = boundKey(bound)
      if (!states.has(at)) states.set(at, await this.foldCopy(copy, size, bound, signal))
    }
    this.lastStarts = { key, states }
    return states
  }

  private async foldEachFromStore(
    bounds: ReadonlyArray<AsOfBound>,
    signal: AbortSignal | undefined,
  ): Promise<ReadonlyMap<string, LedgerState>> {
    const states = new Map<string, LedgerState>()
    for (const bound of bounds) {
      const at = boundKey(bound)
      if (!states.has(at)) states.set(at, (await this.readBounded(bound, signal)).state)
    }
    return states
  }

  /** Runs `work` after every earlier one: catch-ups never interleave. */
  private exclusive<A>(work: () => Promise<A>): Promise<A> {
    const run = this.queue.then(work, work)
    this.queue = run.catch(() => undefined)
    return run
  }

  /**
   * Reads and folds the events after the checkpoint, page by page; answers the head. The first time,
   * the head starts from the read model's snapshot when there is one to trust — unless the copy of
   * the log is being made (the first request is an `asOf` one), which needs every event read anyway.
   */
  private async catchUp(signal: AbortSignal | undefined): Promise<LedgerState> {
    if (this.head === undefined) {
      const snapshot = this.copy === undefined ? await foldedSnapshot(this.db) : undefined
      this.head = snapshot?.state ?? emptyLedgerState()
      this.checkpoint = snapshot?.checkpoint ?? logStart
      this.logEvents = snapshot?.state.occurrences.events ?? 0
    }
    const head = this.head
    const slices = timeSlices()
    for (;;) {
      if (signal?.aborted === true) throw new ReplayCancelled()
      const page = await readLog(this.db, { after: this.checkpoint, limit: this.pageSize })
      const last = page.at(-1)
      if (last === undefined) return head
      await inSlices(slices, page, (recorded) => this.takeIn(head, recorded))
      this.checkpoint = { transactionId: last.transactionId, position: last.position }
      this.logEvents += page.length
      if (this.copy !== undefined && this.copy.size > this.maxCopiedEvents) {
        this.copy = undefined
        this.copyDropped = true
        this.lastAsOf = undefined
        this.lastStarts = undefined
      }
      this.onPage?.(page.length)
      if (page.length < this.pageSize) return head
      await yieldToEventLoop()
    }
  }

  /**
   * Makes the copy of the log up to the checkpoint the head has reached (none when it has not started:
   * the catch-up that follows fills both), or gives up on it when the log is already past the limit.
   */
  private async makeCopy(signal: AbortSignal | undefined): Promise<void> {
    if (this.logEvents > this.maxCopiedEvents) {
      this.copyDropped = true
      return
    }
    const copy = new LogCopy()
    const slices = timeSlices()
    const until = this.checkpoint
    for (let after = logStart; after.transactionId !== until.transactionId || after.position !== until.position; ) {
      if (signal?.aborted === true) throw new ReplayCancelled()
      const page = await readLog(this.db, { after, limit: this.pageSize, asOf: { until } })
      const last = page.at(-1)
      if (last === undefined) break
      await inSlices(slices, page, (recorded) => {
        const event = toLedgerEvent(recorded)
        if (event !== undefined) copy.append(event, Date.parse(recorded.recordedAt))
      })
      after = { transactionId: last.transactionId, position: last.position }
      this.onPage?.(page.length)
      await yieldToEventLoop()
    }
    this.copy = copy
  }

  private takeIn(head: LedgerState, recorded: RecordedEvent): void {
    const event = toLedgerEvent(recorded)
    if (event === undefined) return
    foldEvent(head, event)
    this.copy?.append(event, Date.parse(recorded.recordedAt))
  }

  /** Folds the first `size` events of the copy that are within the bound, a slice at a time. */
  private async foldCopy(
    copy: LogCopy,
    size: number,
    asOf: AsOfBound,
    signal: AbortSignal | undefined,
  ): Promise<LedgerState> {
    const folded = emptyLedgerState()
    const byOccurred = "occurred" in asOf
    const boundMs = Date.parse(byOccurred ? asOf.occurred : asOf.recorded)
    const slices = timeSlices()
    for (let index = 0; index < size; index++) {
      if ((index & 127) === 127 && slices.due()) {
        await slices.turn()
        if (signal?.aborted === true) throw new ReplayCancelled()
      }
      const occurredMs = copy.occurredMsAt(index)
      if ((byOccurred ? occurredMs : copy.recordedMsAt(index)) > boundMs) continue
      foldEvent(folded, copy.eventAt(index), occurredMs)
    }
    return folded
  }

  /** The log within the bound, read from the store (the bound in SQL), folded afresh. */
  private async readBounded(asOf: AsOfBound, signal: AbortSignal | undefined): Promise<Replayed> {
    const folded = emptyLedgerState()
    const bound: AsOf = "occurred" in asOf ? { occurredAt: asOf.occurred } : { recordedAt: asOf.recorded }
    const slices = timeSlices()
    let after = logStart
    for (;;) {
      if (signal?.aborted === true) throw new ReplayCancelled()
      const page = await readLog(this.db, { after, limit: this.pageSize, asOf: bound })
      const last = page.at(-1)
      if (last === undefined) break
      await inSlices(slices, page, (recorded) => {
        const event = toLedgerEvent(recorded)
        if (event !== undefined) foldEvent(folded, event)
      })
      after = { transactionId: last.transactionId, position: last.position }
      this.onPage?.(page.length)
      if (page.length < this.pageSize) break
      await yieldToEventLoop()
    }
    const logHasEvents = folded.occurrences.events > 0 || (await readLog(this.db, { limit: 1 })).length > 0
    return { state: folded, logHasEvents }
  }
}
