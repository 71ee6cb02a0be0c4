/**
 * Group commit keeps every guarantee of the one-transaction-per-append store: concurrent appends
 * that share a transaction leave the same log, and get the same answers, as the same appends made
 * one at a time in the order the store took them: the order `append` was called with one group in
 * flight at a time, an order the database chose with several (PostgreSQL's default).
 */
import { isDeepStrictEqual } from "node:util"
import fc from "fast-check"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dealGuard } from "../src/ingest/appendEvents.js"
import { appendToLog } from "../src/store/appendToLog.js"
import type {
  AppendRejection,
  AppendResult,
  Expected,
  NewEvent,
  RecordedEvent,
  StreamAppend,
} from "../src/store/eventLog.js"
import { type GroupReport, groupCommit } from "../src/store/groupCommit.js"
import { openPostgres } from "../src/store/postgres.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { backends, type OpenedStore } from "./support/stores.js"

// ---- The appends a property run makes, named without a namespace so that two runs compare ----

const streamNames = ["rep-a", "rep-b", "rep-c", "deal-1", "deal-2"] as const
const dealTypes = ["DealOpened", "DealWon", "DealLost"] as const

type EventSpec = { readonly key: number; readonly variant: number; readonly dealType: number }
type AppendSpec = { readonly stream: number; readonly expected: Expected; readonly events: ReadonlyArray<EventSpec> }
type CallerSpec = { readonly appends: ReadonlyArray<AppendSpec>; readonly ticksBefore: number }

/**
 * An event's content follows from its key, variant, stream and deal type: the same key sent again
 * with all four equal is a retry; with any of them different it is a key reused for another event.
 */
const eventOf = (spec: EventSpec, stream: number, ns: string): NewEvent => {
  const name = streamNames[stream] as string
  const base = { schemaVersion: 1, metadata: { source: "test" }, idempotencyKey: `${ns}k${spec.key}` }
  if (!name.startsWith("deal-")) {
    return {
      ...base,
      type: "CallLogged",
      occurredAt: `2026-11-02T09:0${spec.variant}:00.000Z`,
      data: {
        callId: `c${spec.key}`,
        repId: "ana",
        direction: "outbound",
        disposition: "connected",
        durationSeconds: spec.variant,
      },
    }
  }
  const dealId = name.slice("deal-".length)
  const type = dealTypes[spec.dealType] as string
  const data =
    type === "DealOpened"
      ? { dealId, repId: "ana", accountId: "acme", amount: 1000 * (spec.variant + 1), source: "outbound" }
      : type === "DealWon"
        ? { dealId, amount: 2000 * (spec.variant + 1) }
        : { dealId, reason: `reason ${spec.variant}` }
  return { ...base, type, occurredAt: "2026-11-03T10:00:00.000Z", data }
}

const toAppends = (caller: CallerSpec, ns: string): ReadonlyArray<StreamAppend> =>
  caller.appends.map((a) => {
    const streamId = `${ns}${streamNames[a.stream]}`
    return {
      streamId,
      expected: a.expected,
      // An event's stream is the append's: a key sent to another stream is another event.
      events: a.events.map((e) => eventOf(e, a.stream, ns)),
      ...(streamId.includes("deal-") ? { guard: dealGuard } : {}),
    }
  })

const eventSpec: fc.Arbitrary<EventSpec> = fc.record({
  key: fc.integer({ min: 0, max: 9 }),
  variant: fc.constantFrom(0, 0, 0, 1),
  dealType: fc.constantFrom(0, 0, 1, 2),
})

const appendSpec: fc.Arbitrary<AppendSpec> = fc.record({
  stream: fc.integer({ min: 0, max: streamNames.length - 1 }),
  expected: fc.constantFrom<Expected>("any", "any", "any", "no_stream", "no_stream", "stream_exists", 0, 1, 2, 3),
  events: fc.array(eventSpec, { minLength: 1, maxLength: 3 }),
})

const callerSpec: fc.Arbitrary<CallerSpec> = fc.record({
  appends: fc.array(appendSpec, { minLength: 1, maxLength: 3 }),
  ticksBefore: fc.constantFrom(0, 0, 0, 1, 2, 5),
})

// ---- Comparing two namespaces' answers and logs ----

const withoutNs = (ns: string, s: string) => (s.startsWith(ns) ? s.slice(ns.length) : `(foreign) ${s}`)

const normalEvent = (ns: string, e: RecordedEvent) => ({
  streamId: withoutNs(ns, e.streamId),
  streamVersion: e.streamVersion,
  type: e.type,
  data: e.data,
  idempotencyKey: withoutNs(ns, e.idempotencyKey),
  stored: e.position > 0,
})

const normalRejection = (ns: string, r: AppendRejection) => {
  switch (r._tag) {
    case "WrongExpectedVersion":
    case "StreamRuleViolation":
      return { ...r, streamId: withoutNs(ns, r.streamId) }
    case "IdempotencyKeyReused":
      return { ...r, idempotencyKey: withoutNs(ns, r.idempotencyKey), storedAs: normalEvent(ns, r.storedAs) }
  }
}

const normalResult = (ns: string, r: AppendResult) =>
  r.ok
    ? { ok: true, status: r.status, appended: r.appended, events: r.events.map((e) => normalEvent(ns, e)) }
    : { ok: false, rejection: normalRejection(ns, r.rejection) }

/** What the checks read of a stored event. */
type StoredEvent = Pick<
  RecordedEvent,
  "position" | "transactionId" | "streamId" | "streamVersion" | "type" | "data" | "occurredAt"
>

/** A namespace's stored events by idempotency key, in the log's order: (transaction id, global position). */
const storedOf = async (store: OpenedStore, ns: string): Promise<ReadonlyMap<string, StoredEvent>> => {
  const rows = await store.db.query<{
    key: string
    transaction_id: string
    position: string | number
    stream_id: string
    version: string | number
    type: string
    data: unknown
    occurred_at: Date
  }>(
    `select idempotency_key as key, transaction_id::text as transaction_id, global_position as position, stream_id,
            stream_version as version, type, data, occurred_at
     from ledger_events where stream_id like $1 order by ledger_events.transaction_id, global_position`,
    [`${ns}%`],
  )
  return new Map(
    rows.map((row) => [
      row.key,
      {
        position: Number(row.position),
        transactionId: row.transaction_id,
        streamId: row.stream_id,
        streamVersion: Number(row.version),
        type: row.type,
        data: row.data,
        occurredAt: row.occurred_at.toISOString(),
      },
    ]),
  )
}

/** A namespace's events in the log's order, named without the namespace. */
const logOf = async (store: OpenedStore, ns: string) =>
  [...(await storedOf(store, ns))].map(([key, e]) => ({
    streamId: withoutNs(ns, e.streamId),
    streamVersion: e.streamVersion,
    type: e.type,
    data: e.data,
    idempotencyKey: withoutNs(ns, key),
  }))

const streamHeadsOf = async (store: OpenedStore, ns: string) =>
  (
    await store.db.query<{ stream_id: string; version: string | number }>(
      "select stream_id, max(stream_version) as version from ledger_events where stream_id like $1 group by stream_id order by stream_id",
      [`${ns}%`],
    )
  ).map((row) => [withoutNs(ns, row.stream_id), Number(row.version)])

const afterTicks = async (ticks: number) => {
  for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve))
}

/**
 * What an answer says is true of the final log: the events it names are stored as it names them;
 * a key refused as reused names a stored event of another stream or content; a refused expectation
 * names a version the stream had (it only grows) that does not meet the expectation.
 */
const expectTrueOfLog = (
  answer: AppendResult,
  log: ReadonlyMap<string, StoredEvent>,
  appends: ReadonlyArray<StreamAppend>,
) => {
  if (answer.ok) {
    for (const event of answer.events) {
      expect(log.get(event.idempotencyKey)).toMatchObject({
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        position: event.position,
        transactionId: event.transactionId,
        type: event.type,
        data: event.data,
      })
    }
    return
  }
  const rejection = answer.rejection
  switch (rejection._tag) {
    case "IdempotencyKeyReused": {
      const stored = log.get(rejection.idempotencyKey)
      const sent = appends.flatMap((a) =>
        a.events
          .filter((e) => e.idempotencyKey === rejection.idempotencyKey)
          .map((event) => ({ streamId: a.streamId, event })),
      )
      const same = (
        a: { streamId: string; event: NewEvent },
        b: { streamId: string; event: Pick<NewEvent, "type" | "occurredAt" | "data"> },
      ) =>
        a.streamId === b.streamId &&
        a.event.type === b.event.type &&
        Date.parse(a.event.occurredAt) === Date.parse(b.event.occurredAt) &&
        isDeepStrictEqual(a.event.data, b.event.data)
      // The key names another event: one stored by another caller, or another in this very batch.
      const other = stored === undefined ? sent[0] : { streamId: stored.streamId, event: stored }
      expect(other !== undefined && sent.some((s) => !same(s, other))).toBe(true)
      return
    }
    case "WrongExpectedVersion": {
      // The version the stream had, moved on by the refused batch's own earlier appends to it.
      const final = Math.max(
        0,
        ...[...log.values()].filter((e) => e.streamId === rejection.streamId).map((e) => e.streamVersion),
      )
      const ownEarlier = appends
        .filter((a) => a.streamId === rejection.streamId)
        .reduce((n, a) => n + a.events.length, 0)
      expect(rejection.actual).toBeLessThanOrEqual(final + ownEarlier)
      expect(
        rejection.expected === "no_stream"
          ? rejection.actual > 0
          : rejection.expected === "stream_exists"
            ? rejection.actual === 0
            : rejection.actual !== rejection.expected,
      ).toBe(true)
      return
    }
    case "StreamRuleViolation":
      expect(rejection.reason).not.toBe("")
      return
  }
}

/** `db` with its transactions counted: how many were open at once, at most. */
const countingTransactions = (db: SqlDatabase) => {
  let open = 0
  let most = 0
  return {
    db: {
      ...db,
      transaction: (async (work) => {
        open += 1
        most = Math.max(most, open)
        try {
          return await db.transaction(work)
        } finally {
          open -= 1
        }
      }) as SqlDatabase["transaction"],
    } satisfies SqlDatabase,
    mostAtOnce: () => most,
  }
}

let n = 0
const call = (streamId: string, key = `solo-${++n}`): StreamAppend["events"][number] => ({
  type: "CallLogged",
  schemaVersion: 1,
  data: { callId: key, repId: "ana", direction: "outbound", disposition: "no_answer", durationSeconds: 0 },
  metadata: { source: "test", streamId },
  occurredAt: "2026-11-02T09:00:00.000Z",
  idempotencyKey: key,
})

describe.each(backends)("group commit on $name", (backend) => {
  let store: OpenedStore
  /** Another connection, to see what a caller was told is stored (PostgreSQL only). */
  let observer: pg.Pool | undefined
  beforeAll(async () => {
    store = await backend.open()
    if (store.url !== undefined) {
      observer = new pg.Pool({ connectionString: store.url, max: 20 })
      // Dropping the test's database ends its connections from the server's side (57P01): a client
      // of this pool still closing then reports it. Expected, and not the store's to answer.
      observer.on("error", () => {})
    }
  })
  afterAll(async () => {
    await observer?.end()
    await store?.close()
  })

  /** Another connection's transaction, left open, holding `key` in the log's unique index (PostgreSQL). */
  const holdKeyElsewhere = async (key: string, streamId: string): Promise<pg.Client> => {
    const other = new pg.Client({ connectionString: store.url })
    other.on("error", () => {}) // ended by the database's drop, like the observer's
    await other.connect()
    await other.query("begin")
    await other.query(
      `insert into ledger_events (stream_id, stream_version, type, schema_version, data, occurred_at, idempotency_key)
       values ($1, 1, 'CallLogged', 1, $2, now(), $3)`,
      [streamId, JSON.stringify({ callId: key }), key],
    )
    return other
  }

  /** The rows another connection sees for these keys, right now. */
  const visibleElsewhere = async (keys: ReadonlyArray<string>) =>
    observer === undefined
      ? undefined
      : Number(
          (await observer.query("select count(*) as n from ledger_events where idempotency_key = any($1)", [keys]))
            .rows[0].n,
        )

  it("concurrent appends, one group in flight, leave the log and get the answers of the same appends made one at a time in call order", async () => {
    let run = 0
    const groups: GroupReport[] = []
    await fc.assert(
      fc.asyncProperty(fc.array(callerSpec, { minLength: 1, maxLength: 14 }), async (callers) => {
        run += 1
        const together = `g${run}-`
        const alone = `s${run}-`
        const commits = groupCommit(store.db, { maxGroupsInFlight: 1, onGroup: (g) => groups.push(g) })
        const order: number[] = []
        const answers: AppendResult[] = []
        await Promise.all(
          callers.map(async (caller, i) => {
            await afterTicks(caller.ticksBefore)
            order.push(i)
            const result = await commits.append(toAppends(caller, together))
            answers[i] = result
            // Answered means committed: another connection sees every event the answer names.
            if (result.ok) {
              const keys = [...new Set(result.events.map((e) => e.idempotencyKey))]
              const seen = await visibleElsewhere(keys)
              if (seen !== undefined) expect(seen).toBe(keys.length)
            }
          }),
        )
        await commits.close()

        const answersAlone: AppendResult[] = []
        for (const i of order) answersAlone[i] = await appendToLog(store.db, toAppends(callers[i] as CallerSpec, alone))

        expect(callers.map((_, i) => normalResult(together, answers[i] as AppendResult))).toEqual(
          callers.map((_, i) => normalResult(alone, answersAlone[i] as AppendResult)),
        )
        expect(await logOf(store, together)).toEqual(await logOf(store, alone))
        expect(await streamHeadsOf(store, together)).toEqual(await streamHeadsOf(store, alone))
      }),
      { numRuns: 60 },
    )
    // The property is only worth something if appends did share transactions.
    expect(Math.max(...groups.map((g) => g.callers))).toBeGreaterThan(3)
  })

  it("with several groups in flight, every answer is true of the log, and the appending callers one at a time in log order give the same log", async () => {
    let run = 0
    let mostAtOnce = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(callerSpec, { minLength: 2, maxLength: 14 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 3 }),
        async (callers, maxGroupEvents, maxGroupsInFlight) => {
          run += 1
          const together = `c${run}-`
          const alone = `a${run}-`
          const counted = countingTransactions(store.db)
          const commits = groupCommit(counted.db, { maxGroupEvents, maxGroupsInFlight })
          const answers = await Promise.all(
            callers.map(async (caller) => {
              await afterTicks(caller.ticksBefore)
              return commits.append(toAppends(caller, together))
            }),
          )
          await commits.close()
          mostAtOnce = Math.max(mostAtOnce, counted.mostAtOnce())

          const log = await storedOf(store, together)
          for (const [i, answer] of answers.entries())
            expectTrueOfLog(answer, log, toAppends(callers[i] as CallerSpec, together))

          // The callers that appended, one at a time in the order their events are in the log (a
          // caller's last event is one it added: what it found stored was stored before it).
          const order = [...log.keys()]
          const writers = answers
            .flatMap((answer, i) =>
              answer.ok && answer.appended > 0
                ? [{ i, last: Math.max(...answer.events.map((e) => order.indexOf(e.idempotencyKey))) }]
                : [],
            )
            .sort((a, b) => a.last - b.last)
          for (const { i } of writers) {
            const replayed = await appendToLog(store.db, toAppends(callers[i] as CallerSpec, alone))
            expect(normalResult(alone, replayed)).toEqual(normalResult(together, answers[i] as AppendResult))
          }
          expect(await logOf(store, together)).toEqual(await logOf(store, alone))
        },
      ),
      { numRuns: 40 },
    )
    // On a server the groups' transactions did overlap; on PGlite they run one after the other.
    if (backend.name === "postgres") expect(mostAtOnce).toBeGreaterThan(1)
  })

  it("a refused caller does not fail its neighbours in the same group, and the first comer wins", async () => {
    const groups: GroupReport[] = []
    const commits = groupCommit(store.db, { onGroup: (g) => groups.push(g) })
    await appendToLog(store.db, [
      { streamId: "rep-n-existing", expected: "any", events: [call("rep-n-existing", "n-taken")] },
    ])
    // Called in one tick: one group, in this order.
    const pending = [
      commits.append([{ streamId: "rep-n-new", expected: "no_stream", events: [call("rep-n-new")] }]),
      commits.append([{ streamId: "rep-n-new", expected: "no_stream", events: [call("rep-n-new")] }]),
      commits.append([{ streamId: "rep-n-other", expected: "any", events: [call("rep-n-other")] }]),
      commits.append([{ streamId: "rep-n-new", expected: "no_stream", events: [call("rep-n-new")] }]),
      commits.append([
        {
          streamId: "rep-n-existing",
          expected: "any",
          events: [{ ...call("rep-n-existing", "n-taken"), data: { other: true } }],
        },
      ]),
      commits.append([{ streamId: "rep-n-new", expected: 1, events: [call("rep-n-new"), call("rep-n-new")] }]),
      commits.append([
        { streamId: "rep-n-other", expected: 1, events: [call("rep-n-other")] },
        { streamId: "rep-n-fresh", expected: "stream_exists", events: [call("rep-n-fresh")] }, // refuses the whole batch
      ]),
    ]
    const results = await Promise.all(pending)
    await commits.close()

    expect(groups.map(({ stored, ...size }) => size)).toEqual([{ callers: 7, events: 9, replayedAlone: false }])
    // What the group added, in the log's order: the four accepted events, none of the refused.
    expect(groups[0]?.stored.map((e) => `${e.streamId}@${e.streamVersion}`)).toEqual([
      "rep-n-new@1",
      "rep-n-other@1",
      "rep-n-new@2",
      "rep-n-new@3",
    ])
    expect(results.map((r) => (r.ok ? `appended ${r.appended}` : r.rejection._tag))).toEqual([
      "appended 1",
      "WrongExpectedVersion",
      "appended 1",
      "WrongExpectedVersion",
      "IdempotencyKeyReused",
      "appended 2", // expected version 1: the first caller's event, committed in the same transaction
      "WrongExpectedVersion",
    ])
    expect(results[1]).toMatchObject({
      ok: false,
      rejection: { streamId: "rep-n-new", expected: "no_stream", actual: 1 },
    })
    expect(results[6]).toMatchObject({
      ok: false,
      rejection: { streamId: "rep-n-fresh", expected: "stream_exists", actual: 0 },
    })
    const appended = results.flatMap((r) => (r.ok ? r.events : []))
    expect(new Set(appended.map((e) => e.transactionId)).size).toBe(1)
    // Stored in the order the callers came: positions rise with the queue.
    expect(appended.map((e) => e.position)).toEqual([...appended.map((e) => e.position)].sort((a, b) => a - b))
    expect(appended.map((e) => `${e.streamId}@${e.streamVersion}`)).toEqual([
      "rep-n-new@1",
      "rep-n-other@1",
      "rep-n-new@2",
      "rep-n-new@3",
    ])
    // The refused batch left no trace, not even the stream it named.
    expect(await store.db.query("select * from ledger_events where stream_id = 'rep-n-fresh'")).toEqual([])
  })

  it("a caller whose event the database refuses fails alone: the group is replayed one transaction per caller", async () => {
    const groups: GroupReport[] = []
    const commits = groupCommit(store.db, { onGroup: (g) => groups.push(g) })
    const pending = [
      commits.append([{ streamId: "rep-bad-1", expected: "any", events: [call("rep-bad-1", "bad-ok-1")] }]),
      commits.append([
        {
          streamId: "rep-bad-2",
          expected: "any",
          events: [{ ...call("rep-bad-2", "bad-date"), occurredAt: "not an instant" }],
        },
      ]),
      commits.append([{ streamId: "rep-bad-1", expected: 1, events: [call("rep-bad-1", "bad-ok-2")] }]),
    ].map((p) =>
      p.then(
        (r) => ({ result: r }),
        (error: unknown) => ({ error }),
      ),
    )
    const [first, bad, third] = await Promise.all(pending)
    await commits.close()

    expect(groups.map(({ stored, ...size }) => size)).toEqual([{ callers: 3, events: 3, replayedAlone: true }])
    expect(groups[0]?.stored.map((e) => e.idempotencyKey)).toEqual(["bad-ok-1", "bad-ok-2"])
    expect(first).toMatchObject({ result: { ok: true, appended: 1 } })
    expect(bad).toMatchObject({ error: expect.objectContaining({ message: expect.stringMatching(/timestamp/) }) })
    expect(third).toMatchObject({ result: { ok: true, appended: 1, events: [{ streamVersion: 2 }] } })
    expect(await store.db.query("select 1 from ledger_events where idempotency_key = 'bad-date'")).toEqual([])
  })

  it("reports as stored only the events a group added, not the stored ones its retries stand for", async () => {
    const groups: GroupReport[] = []
    const commits = groupCommit(store.db, { onGroup: (g) => groups.push(g) })
    await appendToLog(store.db, [{ streamId: "rep-retry", expected: "any", events: [call("rep-retry", "retry-1")] }])
    const retried = commits.append([
      { streamId: "rep-retry", expected: "any", events: [call("rep-retry", "retry-1"), call("rep-retry", "retry-2")] },
    ])
    const duplicate = commits.append([
      { streamId: "rep-retry", expected: "any", events: [call("rep-retry", "retry-1")] },
    ])
    expect(await retried).toMatchObject({ ok: true, appended: 1 })
    expect(await duplicate).toMatchObject({ ok: true, status: "duplicate" })
    await commits.close()

    expect(groups.flatMap((g) => g.stored.map((e) => e.idempotencyKey))).toEqual(["retry-2"])
  })

  it("a group holds at most maxGroupEvents events, and a bigger batch commits alone", async () => {
    const groups: GroupReport[] = []
    const commits = groupCommit(store.db, { maxGroupEvents: 10, maxGroupsInFlight: 1, onGroup: (g) => groups.push(g) })
    const singles = Array.from({ length: 25 }, () =>
      commits.append([{ streamId: "rep-max", expected: "any", events: [call("rep-max")] }]),
    )
    const big = commits.append([
      { streamId: "rep-max", expected: "any", events: Array.from({ length: 12 }, () => call("rep-max")) },
    ])
    const results = await Promise.all([...singles, big])
    await commits.close()

    expect(groups.map((g) => g.events)).toEqual([10, 10, 5, 12])
    expect(results.flatMap((r) => (r.ok ? r.events.map((e) => e.streamVersion) : []))).toEqual(
      Array.from({ length: 37 }, (_, i) => i + 1),
    )
  })

  it("gathers callers that keep arriving, a turn of the event loop apart, into one group; a lone caller commits alone", async () => {
    const groups: GroupReport[] = []
    const commits = groupCommit(store.db, { onGroup: (g) => groups.push(g) })
    const turn = () => new Promise((resolve) => setImmediate(resolve))
    // As webhooks reach the queue: each a turn after the last (a request takes turns to be read and checked).
    const arriving: Array<Promise<unknown>> = []
    for (let i = 0; i < 6; i++) {
      arriving.push(commits.append([{ streamId: "rep-gather", expected: "any", events: [call("rep-gather")] }]))
      await turn()
    }
    await Promise.all(arriving)
    const lone = commits.append([{ streamId: "rep-gather", expected: "any", events: [call("rep-gather")] }])
    await lone
    await commits.close()

    expect(groups.map((g) => g.callers)).toEqual([6, 1])
  })

  it("answers every queued append before it closes, and refuses appends after", async () => {
    const commits = groupCommit(store.db)
    const queued = Array.from({ length: 5 }, () =>
      commits.append([{ streamId: "rep-close", expected: "any", events: [call("rep-close")] }]),
    )
    const closing = commits.close()
    await expect(
      commits.append([{ streamId: "rep-close", expected: "any", events: [call("rep-close")] }]),
    ).rejects.toThrow(/closing/)
    await closing
    expect((await Promise.all(queued)).every((r) => r.ok)).toBe(true)
  })

  if (backend.name === "postgres") {
    it("a group that meets another writer's uncommitted key waits, loses the unique key, and is retried whole", async () => {
      // Another instance holds the key in a transaction still open…
      const other = await holdKeyElsewhere("held-key", "rep-held-elsewhere")
      try {
        const groups: GroupReport[] = []
        const commits = groupCommit(store.db, { onGroup: (g) => groups.push(g) })
        // …while a group sends the same key (to another stream: another event) beside a neighbour.
        const racer = commits.append([
          { streamId: "rep-held-here", expected: "any", events: [call("rep-held-here", "held-key")] },
        ])
        const neighbour = commits.append([
          { streamId: "rep-held-neighbour", expected: "any", events: [call("rep-held-neighbour")] },
        ])
        // The group is now blocked on the unique index, until the other transaction commits.
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect(groups).toEqual([])
        await other.query("commit")
        expect(await racer).toMatchObject({
          ok: false,
          rejection: {
            _tag: "IdempotencyKeyReused",
            idempotencyKey: "held-key",
            storedAs: { streamId: "rep-held-elsewhere" },
          },
        })
        expect(await neighbour).toMatchObject({ ok: true, appended: 1 })
        await commits.close()
        expect(groups.map(({ stored, ...size }) => size)).toEqual([{ callers: 2, events: 2, replayedAlone: false }])
        expect(groups[0]?.stored.map((e) => e.streamId)).toEqual(["rep-held-neighbour"])
      } finally {
        await other.end()
      }
    })

    it("a group waiting on another writer does not hold back the callers after it", async () => {
      const other = await holdKeyElsewhere("blocking-key", "rep-blocking-elsewhere")
      try {
        const commits = groupCommit(store.db)
        const blocked = commits.append([
          { streamId: "rep-blocked", expected: "any", events: [call("rep-blocked", "blocking-key")] },
        ])
        await new Promise((resolve) => setTimeout(resolve, 100))
        // The first group now waits on the unique index; the next caller has a group of its own.
        const after = await commits.append([
          { streamId: "rep-not-blocked", expected: "any", events: [call("rep-not-blocked")] },
        ])
        expect(after).toMatchObject({ ok: true, appended: 1 })
        expect(
          await Promise.race([
            blocked.then(() => "answered"),
            new Promise((resolve) => setTimeout(() => resolve("still waiting"), 100)),
          ]),
        ).toBe("still waiting")
        await other.query("commit")
        expect(await blocked).toMatchObject({
          ok: false,
          rejection: { _tag: "IdempotencyKeyReused", storedAs: { streamId: "rep-blocking-elsewhere" } },
        })
        await commits.close()
      } finally {
        await other.end()
      }
    })

    it("a key raced by another instance is stored once: the group that loses the unique key is retried, neighbours included", async () => {
      const url = store.url as string
      const [one, two] = [await openPostgres(url), await openPostgres(url)]
      try {
        const groups: GroupReport[] = []
        const commitsOne = groupCommit(one, { onGroup: (g) => groups.push(g) })
        const commitsTwo = groupCommit(two, { onGroup: (g) => groups.push(g) })
        // Each instance writes the shared key into a stream of its own, so no stream lock orders
        // them: the loser meets the winner's key in the unique index (23505) and must retry.
        const rounds = await Promise.all(
          Array.from({ length: 20 }, async (_, round) => {
            const key = `race-${round}`
            const [a, b, neighbour] = await Promise.all([
              commitsOne.append([{ streamId: `rep-race-one-${round}`, expected: "any", events: [call("x", key)] }]),
              commitsTwo.append([{ streamId: `rep-race-two-${round}`, expected: "any", events: [call("x", key)] }]),
              commitsTwo.append([{ streamId: `rep-race-neighbour`, expected: "any", events: [call("x")] }]),
            ])
            return { a, b, neighbour }
          }),
        )
        await Promise.all([commitsOne.close(), commitsTwo.close()])
        for (const { a, b, neighbour } of rounds) {
          // Exactly one of them stored it; the other is told the key names another stream's event.
          expect([a, b].filter((r) => r.ok && r.appended === 1)).toHaveLength(1)
          expect([a, b].filter((r) => !r.ok && r.rejection._tag === "IdempotencyKeyReused")).toHaveLength(1)
          expect(neighbour).toMatchObject({ ok: true, appended: 1 })
        }
        const stored = await store.db.query<{ n: string }>(
          "select count(*) as n from ledger_events where idempotency_key like 'race-%'",
        )
        expect(Number(stored[0]?.n)).toBe(20)
        // Retried as a group, not fallen back to one transaction per caller.
        expect(groups.every((g) => !g.replayedAlone)).toBe(true)
      } finally {
        await Promise.all([one.close(), two.close()])
      }
    })
  }
})
