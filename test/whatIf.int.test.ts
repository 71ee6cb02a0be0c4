/**
 * What-if coverage on a real store (PGlite always, PostgreSQL when TEST_DATABASE_URL is set): the
 * replay reads the stored log and reproduces the live read model's coverage; as-of bounds from the
 * in-memory copy and from SQL agree; a replayer extended by later events equals a fresh one; a
 * replay yields to the event loop between pages and stops when its signal aborts.
 */
import fc from "fast-check"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { type EventData, type EventOf, type EventType, type LedgerEvent, streamOf } from "../events/index.js"
import { coverageAt } from "../projections/index.js"
import { answerProblem, isDomainError } from "../src/http/problem.js"
import { whatIfRoutes } from "../src/http/whatIf.js"
import { activeGeneration, liveGenerations } from "../src/readModel/registry.js"
import { loadState } from "../src/readModel/scorecardState.js"
import { scorecardModel, tablesOf } from "../src/readModel/scorecardTables.js"
import { startProjectionRunner } from "../src/runtime/projectionRunner.js"
import { createApiKey } from "../src/store/apiKeys.js"
import { appendToLog } from "../src/store/appendToLog.js"
import { countEvents } from "../src/store/logHead.js"
import { keepEventApart, personalKeyOf } from "../src/store/personalValues.js"
import { readLog } from "../src/store/readLog.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { type CoverageWhatIfAnswer, coverageWhatIf, LogReplayer, ReplayCancelled } from "../src/whatif/index.js"
import { parseWhatIfCoverage, type WhatIfCoverage } from "../src/whatif/request.js"
import { anyHistory } from "./support/histories.js"
import { backends, type OpenedStore } from "./support/stores.js"
import { measureOnLog } from "./support/whatIfOracle.js"

/** Events as the store keeps them: personal values as their tokens (src/store/personalValues.ts), as the replay folds them. */
const asKept = async (db: SqlDatabase, events: ReadonlyArray<LedgerEvent>): Promise<LedgerEvent[]> => {
  const key = await personalKeyOf(db)
  return events.map((event) => {
    const kept = keepEventApart(key, { ...event, schemaVersion: 1, metadata: {}, idempotencyKey: "k" }).event
    return { ...event, data: kept.data } as LedgerEvent
  })
}

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt: new Date(occurredAt).toISOString(), data }) as EventOf<T>

let keySeq = 0
/** Appends events in their order, in one transaction (few transactions keep the test's log short). */
/** Runs the projection runner until the read model has caught up with the log, then stops it. */
const catchUpReadModel = async (db: SqlDatabase) => {
  const runner = await startProjectionRunner(db, { idleMs: 10 })
  try {
    expect(await runner.waitUntilCaughtUp()).toBe(true)
  } finally {
    await runner.stop()
  }
}

const append = async (db: SqlDatabase, events: ReadonlyArray<LedgerEvent>) => {
  if (events.length === 0) return
  const result = await appendToLog(
    db,
    events.map((e) => ({
      streamId: streamOf(e),
      expected: "any" as const,
      events: [
        {
          type: e.type,
          schemaVersion: 1,
          data: e.data,
          metadata: {},
          occurredAt: e.occurredAt,
          idempotencyKey: `wi-${++keySeq}`,
        },
      ],
    })),
  )
  if (!result.ok) throw new Error(JSON.stringify(result.rejection))
}

const reset = async (db: SqlDatabase) => {
  for (const g of await liveGenerations(db, scorecardModel)) {
    for (const table of Object.values(tablesOf(g.generation))) await db.query(`drop table if exists ${table}`)
  }
  await db.query("truncate ledger_events, ledger_read_models")
}

const parsedRequest = (input: Record<string, unknown>): WhatIfCoverage => {
  const parsed = parseWhatIfCoverage(input)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.request
}

const answerOf = async (
  replayer: LogReplayer,
  input: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CoverageWhatIfAnswer> => {
  const outcome = await coverageWhatIf(replayer, input, signal)
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues))
  return outcome.answer
}

const opened = (dealId: string, at: string, repId: string, amount: number) =>
  event("DealOpened", at, { dealId, repId, accountId: `acct-${dealId}`, amount, source: "outbound" })

/**
 * Zoe, on 2026-Q3 (UTC), against 4x: quota 200k; z1 (50k) won at Q3's very first instant counts as
 * won so far (and is no longer open): 150k left; z2 90k and z3 60k open ⇒ 150k, coverage 1.
 * Closed in the year up to that instant: z0 won 30k, z4 lost 90k, z1 won 50k ⇒ valueWinRate 80/170 ⇒
 * requiredCoverage 2.125. Opened in the year before: z0 30k, z4 90k, z2 90k, z3 60k, z1 50k ⇒ 5 deals
 * of 64k on average. 4x: 600k asked, 150k open ⇒ gap 450k ⇒ 7.03125 deals; it plans to lose ¾ of
 * 600k = 450k. Her own 2.125x: 318,750 asked ⇒ gap 168,750.
 */
const zoe: ReadonlyArray<LedgerEvent> = [
  event("RepJoined", "2025-09-01T09:00:00Z", { repId: "zoe", name: "Zoe", role: "AE", team: "south" }),
  opened("z0", "2025-10-01T09:00:00Z", "zoe", 30_000),
  opened("z4", "2025-10-02T09:00:00Z", "zoe", 90_000),
  event("DealWon", "2025-12-01T09:00:00Z", { dealId: "z0" }),
  event("DealLost", "2025-12-02T09:00:00Z", { dealId: "z4" }),
  opened("z2", "2026-05-01T09:00:00Z", "zoe", 90_000),
  opened("z3", "2026-06-01T09:00:00Z", "zoe", 60_000),
  event("QuotaSet", "2026-06-15T09:00:00Z", { repId: "zoe", period: "2026-Q3", amount: 200_000 }),
  opened("z1", "2026-06-20T09:00:00Z", "zoe", 50_000),
  event("DealWon", "2026-07-01T00:00:00Z", { dealId: "z1" }),
  event("DealWon", "2026-08-10T09:00:00Z", { dealId: "z2" }),
  event("CallLogged", "2026-10-02T09:00:00Z", {
    callId: "after-q3",
    repId: "zoe",
    direction: "outbound",
    disposition: "connected",
    durationSeconds: 30,
  }),
]
const zoeQ3 = { coverageTarget: 4, from: "2026-07-01", to: "2026-09-30", period: "quarter" }

describe.each(backends)("what-if coverage on $name", (backend) => {
  let store: OpenedStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })
  beforeEach(async () => {
    await reset(store.db)
  })

  it("replays the stored log into the figures worked out by hand", async () => {
    await append(store.db, zoe)
    const answer = await answerOf(new LogReplayer(store.db), zoeQ3)
    const rep = answer.periods[0]?.reps[0]
    expect(rep).toMatchObject({
      repId: "zoe",
      wonSoFar: 50_000,
      remainingQuota: 150_000,
      openPipeline: 150_000,
      coverage: 1,
      requiredCoverage: 2.125,
      history: { dealsOpened: 5, openedValue: 320_000, avgDealSize: 64_000 },
      wonByEnd: 140_000, // z1 50k + z2 90k
      hitQuota: false,
    })
    expect(rep?.mandate).toMatchObject({
      met: false,
      gap: 450_000,
      pipelineAtTarget: 600_000,
      expectedLostValue: 450_000,
      extraDeals: 7.03125,
    })
    expect(rep?.repTarget).toMatchObject({ target: 2.125, met: false, gap: 168_750 })
    expect(answer.replay).toMatchObject({
      eventsReplayed: zoe.length,
      timeZone: "UTC",
      lastOccurredAt: "2026-10-02T09:00:00.000Z",
    })
  })

  it("with the live read model's rules, reproduces the live scorecards' coverage at every period's start", async () => {
    await fc.assert(
      fc.asyncProperty(anyHistory(50), async (events) => {
        await reset(store.db)
        await append(store.db, events)
        await catchUpReadModel(store.db)
        const generation = await activeGeneration(store.db, scorecardModel)
        const live = await loadState(store.db, generation?.generation as number)
        const answer = await answerOf(new LogReplayer(store.db), {
          coverageTarget: 3,
          from: "2026-01-01",
          to: "2027-12-31",
          period: "month",
        })
        for (const period of answer.periods) {
          for (const rep of period.reps) {
            const deals = [...live.deals.values()].filter((d) => d.ownerRepId === rep.repId)
            const expected = coverageAt({
              deals,
              rep: live.reps.get(rep.repId),
              repId: rep.repId,
              settings: live.settings,
              at: period.start,
            })
            expect([
              rep.quota,
              rep.wonSoFar,
              rep.openPipeline,
              rep.qualifiedPipeline,
              rep.coverage,
              rep.qualifiedCoverage,
              rep.requiredCoverage,
            ]).toEqual([
              expected.quota,
              expected.wonValue,
              expected.openPipeline,
              expected.qualifiedPipeline,
              expected.coverage,
              expected.qualifiedCoverage,
              expected.requiredCoverage,
            ])
          }
        }
      }),
      { numRuns: 4 },
    )
  }, 120_000)

  it("starts from the read model and folds only the events after it, answering as the pure fold of the whole log", async () => {
    await fc.assert(
      fc.asyncProperty(anyHistory(60), fc.nat(60), async (events, cut) => {
        await reset(store.db)
        const folded = events.slice(0, Math.min(cut, events.length))
        const after = events.slice(folded.length)
        await append(store.db, folded)
        await catchUpReadModel(store.db)
        await append(store.db, after) // the read model has not seen these
        let read = 0
        const replayer = new LogReplayer(store.db, { onPage: (n) => (read += n) })
        const input = { coverageTarget: 3, from: "2026-01-01", to: "2027-12-31", period: "quarter" }
        const replayed = await coverageWhatIf(replayer, input)
        const pure = measureOnLog({ events: await asKept(store.db, events) }, parsedRequest(input))
        expect(JSON.stringify(replayed.ok ? replayed.answer : replayed.issues)).toBe(
          JSON.stringify(pure.ok ? pure.answer : [pure.issue]),
        )
        // The head folds only the events after the read model; the period starts need the log as it
        // stood then, read once more into the copy. Asked again, it reads nothing.
        const readFirst = read
        await coverageWhatIf(replayer, { ...input, coverageTarget: 8 })
        expect(read).toBe(readFirst)
      }),
      { numRuns: 6 },
    )
  }, 120_000)

  it("as of an instant: the copy in memory and the store's SQL bound give the same bytes, and only what was known then", async () => {
    const [early, late] = [zoe.slice(0, 9), zoe.slice(9)] // up to z1 opened, before it was won
    await append(store.db, early)
    const between = (await readLog(store.db, { limit: 100 })).at(-1)?.recordedAt as string
    await new Promise((resolve) => setTimeout(resolve, 20))
    await append(store.db, late)
    for (const asOf of [{ recorded: between }, { occurred: "2026-06-30T00:00:00Z" }]) {
      const input = { ...zoeQ3, asOf }
      const fromCopy = JSON.stringify(await answerOf(new LogReplayer(store.db), input))
      const fromSql = JSON.stringify(await answerOf(new LogReplayer(store.db, { maxCopiedEvents: 0 }), input))
      expect(fromCopy).toBe(fromSql)
      const rep = (JSON.parse(fromCopy) as CoverageWhatIfAnswer).periods[0]?.reps[0]
      // As of then, z1 was open and not won: 200k left, 200k open (z1, z2, z3); Q3 not over. By the
      // recording clock, Q3's start is measured on what had been recorded by July 1: nothing (the
      // events were recorded today), so nothing was open yet.
      const openAtStart = "occurred" in asOf ? 200_000 : 0
      expect(rep).toMatchObject({
        wonSoFar: 0,
        remainingQuota: 200_000,
        openPipeline: openAtStart,
        coverage: openAtStart / 200_000,
        hitQuota: null,
      })
    }
    // A log past the copy's limit drops the copy and reads the store, with the same answer.
    const small = new LogReplayer(store.db, { maxCopiedEvents: 5 })
    expect(JSON.stringify(await answerOf(small, { ...zoeQ3, asOf: { occurred: "2026-06-30T00:00:00Z" } }))).toBe(
      JSON.stringify(
        await answerOf(new LogReplayer(store.db), { ...zoeQ3, asOf: { occurred: "2026-06-30T00:00:00Z" } }),
      ),
    )
    // Before anything was recorded: refused, naming the bound.
    const refused = await coverageWhatIf(new LogReplayer(store.db), {
      ...zoeQ3,
      asOf: { recorded: "2000-01-01T00:00:00Z" },
    })
    expect(refused).toMatchObject({ ok: false, issues: [{ path: "asOf.recorded" }] })
  })

  it("a long-lived replayer reads only what was appended since, and answers as a fresh one would", async () => {
    let pages = 0
    const replayer = new LogReplayer(store.db, { pageSize: 4, onPage: () => pages++ })
    await append(store.db, zoe.slice(0, 10))
    await answerOf(replayer, zoeQ3)
    const firstPages = pages
    await append(store.db, zoe.slice(10))
    const extended = JSON.stringify(await answerOf(replayer, zoeQ3))
    expect(pages - firstPages).toBe(1) // only the 2 new events were read
    expect(extended).toBe(JSON.stringify(await answerOf(new LogReplayer(store.db), zoeQ3)))
    expect(JSON.stringify(await answerOf(replayer, zoeQ3))).toBe(extended) // and again: the same bytes
    // Its first as-of request makes the copy of what it had read: the answer of a fresh replayer reading SQL.
    const asOf = { ...zoeQ3, asOf: { occurred: "2026-06-30T00:00:00Z" } }
    expect(JSON.stringify(await answerOf(replayer, asOf))).toBe(
      JSON.stringify(await answerOf(new LogReplayer(store.db, { maxCopiedEvents: 0 }), asOf)),
    )
  })

  it("answers requests that arrive together as it answers them one by one", async () => {
    await append(store.db, zoe)
    const replayer = new LogReplayer(store.db, { pageSize: 3 })
    const requests = [
      zoeQ3,
      { ...zoeQ3, coverageTarget: 8 },
      { ...zoeQ3, asOf: { occurred: "2026-06-30T00:00:00Z" } },
      { ...zoeQ3, period: "month" },
    ]
    const together = await Promise.all(requests.map((r) => answerOf(replayer, r)))
    const alone: CoverageWhatIfAnswer[] = []
    for (const r of requests) alone.push(await answerOf(new LogReplayer(store.db), r))
    expect(together.map((a) => JSON.stringify(a))).toEqual(alone.map((a) => JSON.stringify(a)))
  })

  it("yields to the event loop between pages, and stops when its signal aborts", async () => {
    await append(store.db, zoe)
    let ticks = 0
    let ticking = true
    const tick = () => {
      ticks++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)
    await answerOf(new LogReplayer(store.db, { pageSize: 2 }), zoeQ3)
    ticking = false
    expect(ticks).toBeGreaterThanOrEqual(5) // 12 events in pages of 2: other work ran in between

    const controller = new AbortController()
    let pagesRead = 0
    const replayer = new LogReplayer(store.db, { pageSize: 2, onPage: () => ++pagesRead === 2 && controller.abort() })
    await expect(coverageWhatIf(replayer, zoeQ3, controller.signal)).rejects.toBeInstanceOf(ReplayCancelled)
    expect(pagesRead).toBe(2)
    // What it had read stays valid: the next request goes on from there.
    expect(JSON.stringify(await answerOf(replayer, zoeQ3))).toBe(
      JSON.stringify(await answerOf(new LogReplayer(store.db), zoeQ3)),
    )
  })

  it("over HTTP, a client that disconnects stops the replay, and nothing is written", async () => {
    await append(store.db, zoe)
    const { token } = await createApiKey(store.db, { name: "what-if test", scopes: ["read"] })
    const controller = new AbortController()
    let pagesRead = 0
    const app = whatIfRoutes({
      sql: store.db,
      bodyLimitBytes: 1_000_000,
      whatIf: { pageSize: 2, onPage: () => ++pagesRead === 1 && controller.abort() },
    })
    // The server answers the ledger's tagged errors in one place (app.ts); this app alone, the same way.
    app.onError((error, c) => (isDomainError(error) ? answerProblem(c, error) : c.text(String(error), 500)))
    const before = await countEvents(store.db)
    const response = await app.fetch(
      new Request("http://ledger.test/v1/what-if/coverage", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(zoeQ3),
        signal: controller.signal,
      }),
    )
    expect(response.status).toBe(503)
    expect(pagesRead).toBe(1)
    expect(await countEvents(store.db)).toBe(before)
  })
})
