import fc from "fast-check"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dealGuard } from "../src/ingest/appendEvents.js"
import { appendToLog } from "../src/store/appendToLog.js"
import type { Checkpoint, NewEvent, RecordedEvent } from "../src/store/eventLog.js"
import { awaitHiddenCommits, visibleHead } from "../src/store/logHead.js"
import { migrate } from "../src/store/migrations.js"
import { readLog } from "../src/store/readLog.js"
import { readStream } from "../src/store/readStream.js"
import { freshDatabase } from "./support/postgres.js"
import { backends, type OpenedStore } from "./support/stores.js"

let n = 0
/** A call event with a unique key (unless one is given), at a given instant. */
const call = (options: { key?: string; at?: string; repId?: string } = {}): NewEvent => {
  n += 1
  return {
    type: "CallLogged",
    schemaVersion: 1,
    data: {
      callId: `c${n}`,
      repId: options.repId ?? "ana",
      direction: "outbound",
      disposition: "no_answer",
      durationSeconds: 0,
    },
    metadata: { source: "test" },
    occurredAt: options.at ?? "2026-11-02T09:00:00.000Z",
    idempotencyKey: options.key ?? `key-${n}-${Math.random()}`,
  }
}

const dealEvent = (type: string, data: Record<string, unknown>, key: string): NewEvent => ({
  type,
  schemaVersion: 1,
  data,
  metadata: { source: "test" },
  occurredAt: "2026-11-03T10:00:00.000Z",
  idempotencyKey: key,
})

const readAllFrom = async (store: OpenedStore, after?: Checkpoint): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = []
  let cursor = after
  for (;;) {
    const page = await readLog(store.db, { limit: 50, ...(cursor ? { after: cursor } : {}) })
    if (page.length === 0) return all
    all.push(...page)
    cursor = page.at(-1)
  }
}

describe.each(backends)("the event store on $name", (backend) => {
  let store: OpenedStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  describe("expectations", () => {
    it("no_stream appends to a new stream and refuses an existing one", async () => {
      const first = await appendToLog(store.db, [{ streamId: "rep-x1", expected: "no_stream", events: [call()] }])
      expect(first).toMatchObject({ ok: true, status: "appended", appended: 1 })
      const second = await appendToLog(store.db, [{ streamId: "rep-x1", expected: "no_stream", events: [call()] }])
      expect(second).toEqual({
        ok: false,
        rejection: { _tag: "WrongExpectedVersion", streamId: "rep-x1", expected: "no_stream", actual: 1 },
      })
    })

    it("an exact version must be the stream's current version", async () => {
      await appendToLog(store.db, [{ streamId: "rep-x2", expected: "any", events: [call()] }])
      const ok = await appendToLog(store.db, [{ streamId: "rep-x2", expected: 1, events: [call(), call()] }])
      expect(ok.ok && ok.events.map((e) => e.streamVersion)).toEqual([2, 3])
      const stale = await appendToLog(store.db, [{ streamId: "rep-x2", expected: 1, events: [call()] }])
      expect(stale).toMatchObject({ ok: false, rejection: { _tag: "WrongExpectedVersion", actual: 3 } })
    })

    it("stream_exists refuses a stream with no events", async () => {
      const result = await appendToLog(store.db, [{ streamId: "rep-x3", expected: "stream_exists", events: [call()] }])
      expect(result).toMatchObject({ ok: false, rejection: { _tag: "WrongExpectedVersion", actual: 0 } })
      expect(await readStream(store.db, "rep-x3")).toEqual([])
    })
  })

  it("a batch over several streams is stored whole or not at all", async () => {
    await appendToLog(store.db, [{ streamId: "rep-b2", expected: "any", events: [call()] }])
    const before = (await readAllFrom(store)).length
    const result = await appendToLog(store.db, [
      { streamId: "rep-b1", expected: "no_stream", events: [call(), call()] },
      { streamId: "rep-b2", expected: "no_stream", events: [call()] }, // fails: rep-b2 exists
    ])
    expect(result).toMatchObject({ ok: false, rejection: { streamId: "rep-b2" } })
    expect(await readStream(store.db, "rep-b1")).toEqual([])
    expect((await readAllFrom(store)).length).toBe(before)
  })

  it("answers each appended event as a read of the log gives it back (data and metadata as jsonb holds them, instants as stored)", async () => {
    // jsonb refuses U+0000 in a string, and undefined members, -0 or exponents are JSON's, not jsonb's.
    const anyData = fc
      .dictionary(fc.string(), fc.jsonValue({ noUnicodeString: false }), { maxKeys: 6 })
      .filter((d) => !JSON.stringify(d).includes("\\u0000"))
    const anyInstant = fc
      .date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
      .chain((d) =>
        fc.constantFrom(d.toISOString(), d.toISOString().replace("Z", "123Z"), d.toISOString().replace("Z", "+05:30")),
      )
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ data: anyData, at: anyInstant, extra: fc.option(fc.double(), { nil: undefined }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        async (specs) => {
          const streamId = `rep-answer-${++n}`
          const events = specs.map(
            (spec, i): NewEvent => ({
              type: "CallLogged",
              schemaVersion: 1,
              data: { ...spec.data, missing: undefined },
              metadata: { source: "test", extra: spec.extra },
              occurredAt: spec.at,
              idempotencyKey: `${streamId}-${i}`,
            }),
          )
          const result = await appendToLog(store.db, [{ streamId, expected: "no_stream", events }])
          expect(result.ok && result.events).toEqual(await readStream(store.db, streamId))
        },
      ),
      { numRuns: 40 },
    )
  })

  it("reads back instants of the years 1 to 99 as stored (PGlite's own timestamp parser took 0099 for 1999)", async () => {
    const events = ["0001-06-01T00:00:00.000Z", "0099-12-31T23:59:59.999Z", "0100-01-01T00:00:00.000Z"].map((at) =>
      call({ at }),
    )
    const appended = await appendToLog(store.db, [{ streamId: "rep-early-years", expected: "no_stream", events }])
    const read = await readStream(store.db, "rep-early-years")
    expect(read.map((e) => e.occurredAt)).toEqual([
      "0001-06-01T00:00:00.000Z",
      "0099-12-31T23:59:59.999Z",
      "0100-01-01T00:00:00.000Z",
    ])
    expect(appended.ok && appended.events).toEqual(read)
    // A retry answers with the stored events, read by the same parser.
    const retry = await appendToLog(store.db, [{ streamId: "rep-early-years", expected: "no_stream", events }])
    expect(retry.ok && retry.events).toEqual(read)
  })

  describe("idempotency", () => {
    it("a retry appends nothing and answers with the stored events", async () => {
      const events = [call({ key: "retry-1" }), call({ key: "retry-2" })]
      const first = await appendToLog(store.db, [{ streamId: "rep-i1", expected: "no_stream", events }])
      const retry = await appendToLog(store.db, [{ streamId: "rep-i1", expected: "no_stream", events }])
      expect(retry).toMatchObject({ ok: true, status: "duplicate", appended: 0 })
      expect(retry.ok && retry.events).toEqual(first.ok && first.events)
    })

    it("a key sent twice in one batch is stored once", async () => {
      const event = call({ key: "twice-in-batch" })
      const result = await appendToLog(store.db, [{ streamId: "rep-i2", expected: "any", events: [event, event] }])
      expect(result).toMatchObject({ ok: true, appended: 1 })
      expect(await readStream(store.db, "rep-i2")).toHaveLength(1)
    })

    it("a key reused for a different event is refused", async () => {
      await appendToLog(store.db, [{ streamId: "rep-i3", expected: "any", events: [call({ key: "reused" })] }])
      const other = await appendToLog(store.db, [
        { streamId: "rep-i3", expected: "any", events: [call({ key: "reused" })] },
      ])
      expect(other).toMatchObject({ ok: false, rejection: { _tag: "IdempotencyKeyReused", idempotencyKey: "reused" } })
    })

    it("concurrent duplicates store the event exactly once", async () => {
      const event = call({ key: "concurrent" })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          // half of them append to the stream alone, half together with an event of their own
          appendToLog(store.db, [
            { streamId: "rep-i4", expected: "any", events: i % 2 === 0 ? [event] : [event, call({ key: `own-${i}` })] },
          ]),
        ),
      )
      expect(results.every((r) => r.ok)).toBe(true)
      const positions = new Set(results.map((r) => r.ok && r.events[0]?.position))
      expect(positions.size).toBe(1)
      const stream = await readStream(store.db, "rep-i4")
      expect(stream.filter((e) => e.idempotencyKey === "concurrent")).toHaveLength(1)
      expect(stream).toHaveLength(1 + 10)
      expect(stream.map((e) => e.streamVersion)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1))
    })
  })

  it("concurrent appenders of one stream each get the next version, none refused: every appender waits for the one before", async () => {
    await appendToLog(store.db, [{ streamId: "rep-hot", expected: "no_stream", events: [call()] }])
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        appendToLog(store.db, [{ streamId: "rep-hot", expected: "any", events: [call(), call()] }]),
      ),
    )
    expect(results.filter((r) => !r.ok)).toEqual([])
    const stream = await readStream(store.db, "rep-hot")
    expect(stream.map((e) => e.streamVersion)).toEqual(Array.from({ length: 81 }, (_, i) => i + 1))
    // Each append's two events are next to each other in the stream.
    for (const result of results) {
      const [first, second] = result.ok ? result.events : []
      expect((second?.streamVersion ?? 0) - (first?.streamVersion ?? 0)).toBe(1)
    }
  })

  it("a store from before migration 5 (a table of stream heads) loses the table and appends on from its streams' last events", async () => {
    await appendToLog(store.db, [{ streamId: "rep-upgraded", expected: "no_stream", events: [call(), call()] }])
    // The store as migration 4 left it: the heads table, kept by every append.
    await store.db.exec(`create table ledger_streams (stream_id text primary key, version bigint not null);
      insert into ledger_streams (stream_id, version) select stream_id, max(stream_version) from ledger_events group by stream_id;
      delete from ledger_migrations where version = 5`)
    expect(await migrate(store.db)).toEqual([5])
    expect(await store.db.query("select to_regclass('ledger_streams') as heads")).toEqual([{ heads: null }])
    const next = await appendToLog(store.db, [{ streamId: "rep-upgraded", expected: 2, events: [call()] }])
    expect(next.ok && next.events.map((e) => e.streamVersion)).toEqual([3])
  })

  it("a stream guard (the deal decider) refuses inside the transaction and nothing is stored", async () => {
    const opened = dealEvent(
      "DealOpened",
      { dealId: "g1", repId: "ana", accountId: "acme", amount: 1000, source: "outbound" },
      "g1-open",
    )
    const won = dealEvent("DealWon", { dealId: "g1" }, "g1-won")
    const lost = dealEvent("DealLost", { dealId: "g1" }, "g1-lost")
    expect(
      await appendToLog(store.db, [{ streamId: "deal-g1", expected: "any", events: [opened, won], guard: dealGuard }]),
    ).toMatchObject({ ok: true })
    const refused = await appendToLog(store.db, [
      { streamId: "deal-g1", expected: "any", events: [lost], guard: dealGuard },
    ])
    expect(refused).toMatchObject({
      ok: false,
      rejection: { _tag: "StreamRuleViolation", streamId: "deal-g1", state: { status: "won", amount: 1000 } },
    })
    expect((await readStream(store.db, "deal-g1")).map((e) => e.type)).toEqual(["DealOpened", "DealWon"])
  })

  describe("reads", () => {
    it("the log pages in order from a checkpoint, each event once", async () => {
      const head = await visibleHead(store.db)
      const appended: RecordedEvent[] = []
      for (let i = 0; i < 7; i++) {
        const r = await appendToLog(store.db, [
          { streamId: `rep-r${i % 3}`, expected: "any", events: [call(), call()] },
        ])
        if (r.ok) appended.push(...r.events)
      }
      const read = await readAllFrom(store, head)
      expect(read.map((e) => e.position)).toEqual(appended.map((e) => e.position))
    })

    it("reads as of an occurred instant, a recorded instant, or a checkpoint", async () => {
      const head = await visibleHead(store.db)
      const early = await appendToLog(store.db, [
        { streamId: "rep-asof", expected: "any", events: [call({ at: "2026-01-10T00:00:00Z" })] },
      ])
      const late = await appendToLog(store.db, [
        { streamId: "rep-asof", expected: "any", events: [call({ at: "2026-03-10T00:00:00Z" })] },
      ])
      if (!early.ok || !late.ok) throw new Error("setup failed")
      const byOccurred = await readStream(store.db, "rep-asof", { asOf: { occurredAt: "2026-02-01T00:00:00Z" } })
      expect(byOccurred.map((e) => e.occurredAt)).toEqual(["2026-01-10T00:00:00.000Z"])
      const byCheckpoint = await readLog(store.db, {
        after: head,
        limit: 100,
        asOf: { until: early.events[0] as RecordedEvent },
      })
      expect(byCheckpoint.map((e) => e.position)).toEqual([early.events[0]?.position])
      const byRecorded = await readStream(store.db, "rep-asof", { asOf: { recordedAt: early.events[0]?.recordedAt } })
      expect(byRecorded.map((e) => e.position)).toContain(early.events[0]?.position)
      expect(await readStream(store.db, "rep-asof", { asOf: { recordedAt: "2000-01-01T00:00:00Z" } })).toEqual([])
    })

    if (backend.name === "pglite") {
      // A fresh PGlite store starts near transaction id 750, so the 999 → 1000 boundary is close.
      it("orders the log by transaction id as a number, across a change in its number of digits", async () => {
        const txid = async () =>
          BigInt((await store.db.query<{ x: string }>("select pg_current_xact_id()::text as x"))[0]?.x ?? 0)
        const head = await visibleHead(store.db)
        const boundary = 10n ** BigInt((await txid()).toString().length)
        const before = await appendToLog(store.db, [{ streamId: "rep-digits", expected: "any", events: [call()] }])
        while ((await txid()) < boundary) {} // each autocommit statement takes a transaction id
        const after = await appendToLog(store.db, [{ streamId: "rep-digits", expected: "any", events: [call()] }])
        if (!before.ok || !after.ok) throw new Error("setup failed")
        expect(BigInt(after.events[0]?.transactionId ?? 0)).toBeGreaterThanOrEqual(boundary)
        expect((await readAllFrom(store, head)).map((e) => e.position)).toEqual([
          before.events[0]?.position,
          after.events[0]?.position,
        ])
        expect((await visibleHead(store.db)).position).toBe(after.events[0]?.position)
      })
    }

    it("reads a stream from a version", async () => {
      await appendToLog(store.db, [{ streamId: "rep-from", expected: "any", events: [call(), call(), call()] }])
      expect((await readStream(store.db, "rep-from", { fromVersion: 2 })).map((e) => e.streamVersion)).toEqual([2, 3])
    })
  })

  if (backend.name === "postgres") {
    /** A second connection to the store's database, a writer the test holds open; closed after `work`. */
    const withSlowWriter = async (work: (slow: pg.Client) => Promise<void>) => {
      const slow = new pg.Client({ connectionString: store.url })
      await slow.connect()
      try {
        await work(slow)
      } finally {
        await slow.end()
      }
    }

    it("the fence: a reader never skips an event that a slower writer commits after a faster one", () =>
      withSlowWriter(async (slow) => {
        const start = await visibleHead(store.db)
        // The slow writer takes its transaction id first and holds it open…
        await slow.query("begin")
        await slow.query(
          `insert into ledger_events (stream_id, stream_version, type, schema_version, data, occurred_at, idempotency_key)
           values ('rep-slow', 1, 'RepLeft', 1, '{"repId":"slow"}', now(), 'fence-slow')`,
        )
        // …while a fast writer, with a later transaction id, commits.
        const fast = await appendToLog(store.db, [
          { streamId: "rep-fast", expected: "any", events: [call({ key: "fence-fast" })] },
        ])
        expect(fast.ok).toBe(true)

        // A catch-up reader reading now must not see the fast event yet: checkpointing past it
        // would skip the slow one, whose position is lower.
        const seenWhileOpen = await readLog(store.db, { after: start, limit: 100 })
        expect(seenWhileOpen.map((e) => e.idempotencyKey)).not.toContain("fence-fast")
        const checkpoint = seenWhileOpen.at(-1) ?? start

        await slow.query("commit")
        const seenAfter = await readLog(store.db, { after: checkpoint, limit: 100 })
        expect(seenAfter.map((e) => e.idempotencyKey)).toEqual(["fence-slow", "fence-fast"])
      }))

    it("a client's read waits for the writer that hides a committed event, and only as long as it is told", () =>
      withSlowWriter(async (slow) => {
        const start = await visibleHead(store.db)
        await slow.query("begin")
        await slow.query("select pg_current_xact_id()") // holds a transaction id older than the append's
        const fast = await appendToLog(store.db, [
          { streamId: "rep-waited", expected: "any", events: [call({ key: "hidden-fast" })] },
        ])
        expect(fast.ok).toBe(true)

        // Told to wait 100 ms while the writer stays open: it gives up, and the fence still hides the event.
        const gaveUpAt = Date.now()
        await awaitHiddenCommits(store.db, 100)
        expect(Date.now() - gaveUpAt).toBeGreaterThanOrEqual(100)
        expect((await readLog(store.db, { after: start, limit: 100 })).map((e) => e.idempotencyKey)).not.toContain(
          "hidden-fast",
        )

        // Told to wait 10 s, with the writer ending 200 ms from now: it waits for that, not longer.
        const ending = new Promise((resolve) => setTimeout(resolve, 200)).then(() => slow.query("commit"))
        const waitedFrom = Date.now()
        await awaitHiddenCommits(store.db, 10_000)
        const waited = Date.now() - waitedFrom
        await ending
        expect(waited).toBeGreaterThanOrEqual(150)
        expect(waited).toBeLessThan(5_000)
        expect((await readLog(store.db, { after: start, limit: 100 })).map((e) => e.idempotencyKey)).toContain(
          "hidden-fast",
        )
      }))

    it("a transaction held open in another database of the server hides nothing, and is not waited for", async () => {
      // Another database on the same server: its transactions take ids from the same sequence, and a
      // read fenced by the server's oldest running transaction would wait on it, but it never writes this log.
      const elsewhere = await freshDatabase()
      const other = new pg.Client({ connectionString: elsewhere.url })
      await other.connect()
      try {
        const start = await visibleHead(store.db)
        await other.query("begin")
        await other.query("select pg_current_xact_id()") // holds a transaction id older than the append's
        const appended = await appendToLog(store.db, [
          { streamId: "rep-elsewhere", expected: "any", events: [call({ key: "not-hidden-elsewhere" })] },
        ])
        expect(appended.ok).toBe(true)

        const waitedFrom = Date.now()
        await awaitHiddenCommits(store.db, 2_000)
        expect(Date.now() - waitedFrom).toBeLessThan(1_000)
        const read = await readLog(store.db, { after: start, limit: 100 })
        expect(read.map((e) => e.idempotencyKey)).toEqual(["not-hidden-elsewhere"])
        const [event] = read
        expect(await visibleHead(store.db)).toEqual({ transactionId: event?.transactionId, position: event?.position })
        await other.query("commit")
      } finally {
        await other.end()
        await elsewhere.drop()
      }
    })
  }
})
