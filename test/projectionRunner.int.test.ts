import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type LedgerEvent, streamOf } from "../events/index.js"
import { foldAll, type LedgerState } from "../projections/index.js"
import type { Generation } from "../src/readModel/registry.js"
import { activeGeneration, addGeneration, liveGenerations } from "../src/readModel/registry.js"
import { loadState } from "../src/readModel/scorecardState.js"
import { createTables, scorecardModel, tablesOf } from "../src/readModel/scorecardTables.js"
import { toLedgerEvent } from "../src/runtime/batchFold.js"
import { stopFoldThread } from "../src/runtime/foldThread.js"
import {
  closeProjector,
  ensureGenerations,
  openProjector,
  type StepSize,
  startProjectionRunner,
  stepProjector,
} from "../src/runtime/projectionRunner.js"
import { appendToLog } from "../src/store/appendToLog.js"
import type { RecordedEvent } from "../src/store/eventLog.js"
import { keepEventApart, personalKeyOf } from "../src/store/personalValues.js"
import { openPostgres } from "../src/store/postgres.js"
import { readLogToFold } from "../src/store/readFoldPage.js"
import { readLog } from "../src/store/readLog.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { anyHistory, anyHistoryWithIdentities } from "./support/histories.js"
import { backends, type OpenedStore } from "./support/stores.js"

let keySeq = 0
/** Appends events in log order, `batchSize` per transaction, each to its own stream, no deal guard (the folds must be total). */
const append = async (db: SqlDatabase, events: ReadonlyArray<LedgerEvent>, batchSize = 7) => {
  for (let i = 0; i < events.length; i += batchSize) {
    const result = await appendToLog(
      db,
      events.slice(i, i + batchSize).map((event) => ({
        streamId: streamOf(event),
        expected: "any" as const,
        events: [
          {
            type: event.type,
            schemaVersion: 1,
            data: event.data,
            metadata: {},
            occurredAt: event.occurredAt,
            idempotencyKey: `k${++keySeq}`,
          },
        ],
      })),
    )
    if (!result.ok) throw new Error(JSON.stringify(result.rejection))
  }
}

const wholeLog = async (db: SqlDatabase): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = []
  for (
    let page = await readLog(db, { limit: 1000 });
    page.length > 0;
    page = await readLog(db, { limit: 1000, after: page.at(-1) })
  ) {
    all.push(...page)
  }
  return all
}

/** A state as comparable data: maps as sorted entries. */
const comparable = (state: LedgerState) => ({
  settings: state.settings,
  occurrences: { ...state.occurrences, byQuarterHour: [...state.occurrences.byQuarterHour].sort(([a], [b]) => a - b) },
  ...Object.fromEntries(
    (["reps", "repDays", "deals", "meetings", "accounts", "accountActivity", "contacts"] as const).map((name) => [
      name,
      [...state[name].entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    ]),
  ),
})

/**
 * Events as the store keeps them: personal values as their tokens (src/store/personalValues.ts),
 * which is what the folds see. Only the values change, never which are equal.
 */
const asKept = async (db: SqlDatabase, events: ReadonlyArray<LedgerEvent>): Promise<LedgerEvent[]> => {
  const key = await personalKeyOf(db)
  return events.map((event) => {
    const kept = keepEventApart(key, { ...event, schemaVersion: 1, metadata: {}, idempotencyKey: "k" }).event
    return { ...event, data: kept.data } as LedgerEvent
  })
}

/** The pure fold of the whole stored log: what every read model must equal. */
const pureFoldOfLog = async (db: SqlDatabase) =>
  foldAll((await wholeLog(db)).map(toLedgerEvent).filter((e): e is LedgerEvent => e !== undefined))

/** One step of a projector loaded from what is stored (as after a restart). */
const stepFromStored = async (
  db: SqlDatabase,
  generation: Generation,
  size: number | StepSize,
  stopping?: () => boolean,
) => {
  const projector = await openProjector(db, generation)
  try {
    return await stepProjector(db, projector, size, stopping)
  } finally {
    closeProjector(projector)
  }
}

const reset = async (db: SqlDatabase) => {
  for (const g of await liveGenerations(db, scorecardModel)) {
    for (const table of Object.values(tablesOf(g.generation))) await db.query(`drop table if exists ${table}`)
  }
  await db.query("truncate ledger_events, ledger_read_models")
}

describe.each(backends)("the scorecard read model on $name", (backend) => {
  let store: OpenedStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  it("built incrementally in random batches with restarts, equals a rebuild, equals the pure fold", async () => {
    await fc.assert(
      fc.asyncProperty(
        anyHistory(50),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 6 }),
        async (events, batchSizes) => {
          await reset(store.db)
          await append(store.db, events)
          const [generation] = await ensureGenerations(store.db)
          if (generation === undefined) throw new Error("no generation")

          // Incremental: every step is a "restart" — a projector loaded from what is stored.
          for (let step = 0; ; step++) {
            const stored = (await liveGenerations(store.db, scorecardModel))[0] as typeof generation
            if ((await stepFromStored(store.db, stored, batchSizes[step % batchSizes.length] as number)) === 0) break
          }
          const incremental = await loadState(store.db, generation.generation)

          // Rebuild: a new generation from the start of the log, in one pass.
          const rebuilt = await addGeneration(store.db, scorecardModel, generation.foldVersion)
          await createTables(store.db, rebuilt.generation)
          const projector = await openProjector(store.db, rebuilt)
          while ((await stepProjector(store.db, projector, 1000)) > 0) {}
          closeProjector(projector)
          const fromScratch = await loadState(store.db, rebuilt.generation)

          const pure = comparable(foldAll(await asKept(store.db, events)))
          expect(comparable(incremental)).toEqual(pure)
          expect(comparable(fromScratch)).toEqual(pure)
        },
      ),
      { numRuns: backend.name === "pglite" ? 25 : 15 },
    )
  }, 120_000)

  it("with vendor identities linked before, between and after their events: incremental with restarts equals the pure fold", async () => {
    // A link merges rows away: the runner must delete them, and a restart must rebuild the identity map.
    await fc.assert(
      fc.asyncProperty(
        anyHistoryWithIdentities(50),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 6 }),
        async (events, batchSizes) => {
          await reset(store.db)
          await append(store.db, events)
          const [generation] = await ensureGenerations(store.db)
          if (generation === undefined) throw new Error("no generation")
          for (let step = 0; ; step++) {
            const stored = (await liveGenerations(store.db, scorecardModel))[0] as typeof generation
            if ((await stepFromStored(store.db, stored, batchSizes[step % batchSizes.length] as number)) === 0) break
          }
          const incremental = await loadState(store.db, generation.generation)
          const pure = foldAll(await asKept(store.db, events))
          expect(comparable(incremental)).toEqual(comparable(pure))
          expect(incremental.identities).toEqual(pure.identities)
        },
      ),
      { numRuns: backend.name === "pglite" ? 25 : 15 },
    )
  }, 120_000)

  it("the catch-up's read of the log gives the events a client reads, in the same order, with what the folds use", async () => {
    await reset(store.db)
    await append(store.db, fc.sample(anyHistory(40), { numRuns: 12, seed: 5 }).flat())
    const whole = await wholeLog(store.db)
    const toFold = []
    for (
      let page = await readLogToFold(store.db, { limit: 9 });
      page.length > 0;
      page = await readLogToFold(store.db, { limit: 9, after: page.at(-1) })
    ) {
      toFold.push(...page)
    }
    expect(whole.length).toBeGreaterThan(20)
    expect(toFold).toEqual(
      whole.map((e) => ({
        transactionId: e.transactionId,
        position: e.position,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        occurredAt: e.occurredAt,
        occurredMs: Date.parse(e.occurredAt),
      })),
    )
  })

  it("a step told to stop ends its batch at the end of a page and writes what it folded", async () => {
    await reset(store.db)
    await append(store.db, fc.sample(anyHistory(40), { numRuns: 12, seed: 9 }).flat())
    const log = await wholeLog(store.db)
    expect(log.length).toBeGreaterThan(30)
    const [generation] = await ensureGenerations(store.db)
    if (generation === undefined) throw new Error("no generation")
    let asked = 0
    const applied = await stepFromStored(store.db, generation, { batchSize: 1_000, pageSize: 10 }, () => ++asked >= 2)
    expect(applied).toBe(20) // two pages: asked after the first (no), then after the second (yes)
    const stored = (await liveGenerations(store.db, scorecardModel))[0]
    const twentieth = log[19] as RecordedEvent
    expect(stored?.checkpoint).toEqual({ transactionId: twentieth.transactionId, position: twentieth.position })
    const firstTwenty = foldAll(
      log
        .slice(0, 20)
        .map(toLedgerEvent)
        .filter((e): e is LedgerEvent => e !== undefined),
    )
    expect(comparable(await loadState(store.db, generation.generation))).toEqual(comparable(firstTwenty))
  })

  it("a fold thread that dies mid-batch costs a reload: the batch fails, nothing is written, and the next step folds it on a new thread", async () => {
    await reset(store.db)
    const before = fc.sample(anyHistory(40), { numRuns: 6, seed: 11 }).flat()
    const after = fc.sample(anyHistory(40), { numRuns: 6, seed: 12 }).flat()
    expect(after.length).toBeGreaterThan(10)
    await append(store.db, before)
    const [generation] = await ensureGenerations(store.db)
    if (generation === undefined) throw new Error("no generation")
    const projector = await openProjector(store.db, generation)
    try {
      while ((await stepProjector(store.db, projector, 10)) > 0) {}
      await append(store.db, after)
      const checkpoint = projector.checkpoint

      // The thread ends after the batch's first page was handed to it.
      await expect(
        stepProjector(store.db, projector, { batchSize: 1_000, pageSize: 5 }, () => {
          void stopFoldThread()
          return false
        }),
      ).rejects.toThrow(/the fold thread exited/)
      expect(projector.checkpoint).toEqual(checkpoint)
      expect((await liveGenerations(store.db, scorecardModel))[0]?.checkpoint).toEqual(checkpoint)

      // The projector was loaded again from the store onto a new thread, and goes on from there.
      while ((await stepProjector(store.db, projector, 10)) > 0) {}
      expect(comparable(await loadState(store.db, generation.generation))).toEqual(
        comparable(await pureFoldOfLog(store.db)),
      )
      expect(comparable(await loadState(store.db, generation.generation))).toEqual(
        comparable(foldAll(await asKept(store.db, [...before, ...after]))),
      )
    } finally {
      closeProjector(projector)
    }
  })

  it("a rebuild fills a new generation while the old one answers, then takes over", async () => {
    await reset(store.db)
    const events = fc.sample(anyHistory(40), { numRuns: 5, seed: 7 }).flat()
    await append(store.db, events)
    const runner = await startProjectionRunner(store.db, { idleMs: 20 })
    try {
      expect(await runner.waitUntilCaughtUp()).toBe(true)
      const before = await activeGeneration(store.db, scorecardModel)
      const building = await runner.rebuild()
      expect(building.status).toBe("building")
      expect((await activeGeneration(store.db, scorecardModel))?.generation).toBe(before?.generation)
      // It takes over once it has caught up, with the same rows.
      await expect
        .poll(async () => (await activeGeneration(store.db, scorecardModel))?.generation, { timeout: 10_000 })
        .toBe(building.generation)
      expect(comparable(await loadState(store.db, building.generation))).toEqual(
        comparable(await pureFoldOfLog(store.db)),
      )
      const retiredTables = async () =>
        (
          await store.db.query<{ n: number }>(
            `select count(*)::int as n from information_schema.tables where left(table_name, length($1)) = $1`,
            [`rm_g${before?.generation}_`],
          )
        )[0]?.n
      await expect.poll(retiredTables, { timeout: 5_000 }).toBe(0) // the retired generation's tables are dropped
    } finally {
      await runner.stop()
    }
  }, 60_000)

  it("new events show up within a second of being appended", async () => {
    await reset(store.db)
    const runner = await startProjectionRunner(store.db, { idleMs: 50 })
    try {
      await append(store.db, fc.sample(anyHistory(30), { numRuns: 1, seed: 3 })[0] as LedgerEvent[])
      const appendedAt = Date.now()
      expect(await runner.waitUntilCaughtUp({ timeoutMs: 1_000 })).toBe(true)
      expect(Date.now() - appendedAt).toBeLessThan(1_000)
    } finally {
      await runner.stop()
    }
  })

  if (backend.name === "postgres") {
    it("two runners on one database never double-count, and one takes over when the other stops", async () => {
      await reset(store.db)
      const other = await openPostgres(store.url as string)
      const first = await startProjectionRunner(store.db, { idleMs: 10, batchSize: 17 })
      const second = await startProjectionRunner(other, { idleMs: 10, batchSize: 17 })
      try {
        const histories = fc.sample(anyHistory(40), { numRuns: 6, seed: 11 })
        await Promise.all(histories.map((events, i) => append(i % 2 === 0 ? store.db : other, events, 3)))
        expect(await first.waitUntilCaughtUp()).toBe(true)
        expect([first.isLeader(), second.isLeader()].filter(Boolean)).toHaveLength(1)
        const active = await activeGeneration(store.db, scorecardModel)
        expect(comparable(await loadState(store.db, active?.generation as number))).toEqual(
          comparable(await pureFoldOfLog(store.db)),
        )

        const [leader, follower] = first.isLeader() ? [first, second] : [second, first]
        await leader.stop()
        await append(store.db, fc.sample(anyHistory(40), { numRuns: 1, seed: 12 })[0] as LedgerEvent[])
        expect(await follower.waitUntilCaughtUp({ timeoutMs: 10_000 })).toBe(true)
        expect(follower.isLeader()).toBe(true)
        expect(comparable(await loadState(store.db, active?.generation as number))).toEqual(
          comparable(await pureFoldOfLog(store.db)),
        )
      } finally {
        await first.stop()
        await second.stop()
        await other.close()
      }
    }, 60_000)
  }
})
