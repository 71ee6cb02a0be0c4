/**
 * @module Keeping the demo current in a real store, on each backend: a demo loaded up to one day
 * and carried on to a later one holds exactly the events of one load up to the later day, under the
 * same keys; the team's own events, appended between, are left as they were; a demo that reaches
 * today is left alone; one that its plan does not generate is not touched.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  carryDemoOn,
  type DemoTeamOptions,
  demoStanding,
  generateDemoTeam,
  keepDemoCurrent,
  loadDemoTeam,
} from "../src/demo/index.js"
import { appendToLog } from "../src/store/appendToLog.js"
import type { RecordedEvent } from "../src/store/eventLog.js"
import { countEvents } from "../src/store/logHead.js"
import { readLog } from "../src/store/readLog.js"
import { resolvePersonal } from "../src/store/resolvePersonal.js"
import { backends, type OpenedStore } from "./support/stores.js"

// Four reps over two months ending on 2026-11-20 (New York); carried on to the end of 2026-12-04.
const plan = { seed: 9, reps: 4, months: 2, endDate: "2026-11-20" } satisfies DemoTeamOptions
const endOf = (day: string) => Date.parse(`${day}T05:00:00Z`) + 86_400_000 // New York midnight after `day` (standard time)
const later = endOf("2026-12-04")

/** The log as a client reads it: personal values resolved (the store keeps them apart, under tokens). */
const wholeLog = async (store: OpenedStore): Promise<ReadonlyArray<RecordedEvent>> => {
  const all: RecordedEvent[] = []
  for (;;) {
    const last = all.at(-1)
    const page = await readLog(store.db, {
      limit: 5_000,
      ...(last === undefined ? {} : { after: { transactionId: last.transactionId, position: last.position } }),
    })
    if (page.length === 0) return all
    all.push(...(await resolvePersonal(store.db, page)))
  }
}

/**
 * The demo's events by their number: within a batch the log keeps a stream's events together
 * (toStreamAppends), so its order depends on where batches end; which events, and their numbers, do not.
 */
const demoOnly = (log: ReadonlyArray<RecordedEvent>) =>
  log
    .filter((event) => event.metadata.source === "demo")
    .sort((a, b) => numberOf(a.idempotencyKey) - numberOf(b.idempotencyKey))
const numberOf = (key: string) => Number(key.split("-")[2])
const asSent = (event: RecordedEvent) => ({
  key: event.idempotencyKey,
  type: event.type,
  occurredAt: event.occurredAt,
  data: event.data,
})

for (const backend of backends) {
  describe(`keeping the demo current (${backend.name})`, () => {
    let store: OpenedStore
    beforeEach(async () => {
      store = await backend.open()
    })
    afterEach(() => store?.close())

    it("carries a demo on: the store then holds one load up to the later day, the team's own events untouched", async () => {
      const loaded = await loadDemoTeam(store.db, plan)
      const standing = await demoStanding(store.db, plan.seed)
      expect(standing).toMatchObject({
        _tag: "Loaded",
        events: loaded,
        plan: { reps: 4, months: 2, scale: 1, endDate: "2026-11-20" },
      })
      // The team's own work, appended after the demo: a rep of theirs, not in the demo.
      const own = await appendToLog(store.db, [
        {
          streamId: "rep-zoe",
          expected: "no_stream",
          events: [
            {
              type: "RepJoined",
              schemaVersion: 1,
              data: { repId: "zoe", name: "Zoe", role: "AE" },
              metadata: { source: "api" },
              occurredAt: "2026-11-23T14:00:00.000Z",
              idempotencyKey: "own-1",
            },
          ],
        },
      ])
      expect(own.ok).toBe(true)
      const ownBefore = (await wholeLog(store)).filter((event) => event.metadata.source === "api")

      if (standing._tag !== "Loaded") throw new Error("the demo should stand loaded")
      const carried = await carryDemoOn(store.db, standing, { until: later })

      const oneLoad = [...generateDemoTeam({ ...plan, until: later })]
      expect(carried).toEqual({ _tag: "Appended", events: oneLoad.length - loaded })
      const log = await wholeLog(store)
      expect(demoOnly(log).map(asSent)).toEqual(
        oneLoad.map((event) => ({
          key: event.idempotencyKey,
          type: event.type,
          occurredAt: new Date(event.occurredAt).toISOString(),
          data: JSON.parse(JSON.stringify(event.data)),
        })),
      )
      expect(log.filter((event) => event.metadata.source === "api")).toEqual(ownBefore)
      expect(await countEvents(store.db)).toBe(oneLoad.length + 1)
      expect(await demoStanding(store.db, plan.seed)).toMatchObject({ _tag: "Loaded", events: oneLoad.length })
    }, 180_000)

    it("loads a demo whose year ends today, then leaves it alone the same day and carries it on the next", async () => {
      const today = Date.parse("2026-12-07T15:00:00Z") // 10:00 in New York, a Monday
      const first = await keepDemoCurrent(store.db, { seed: 4, reps: 3, months: 1, now: today })
      expect(first).toMatchObject({ _tag: "Loaded", firstDay: "2026-11-08", lastDay: "2026-12-07" })
      const loaded = await countEvents(store.db)
      // The whole of today is in: its last events are this afternoon's.
      const last = (await demoStanding(store.db, 4)) as { last: RecordedEvent }
      expect(last.last.occurredAt.slice(0, 10)).toBe("2026-12-07")

      expect(await keepDemoCurrent(store.db, { seed: 4, now: today + 6 * 3_600_000 })).toEqual({
        _tag: "AlreadyCurrent",
        lastDay: "2026-12-07",
      })
      expect(await countEvents(store.db)).toBe(loaded)

      const tomorrow = await keepDemoCurrent(store.db, { seed: 4, now: today + 86_400_000 })
      expect(tomorrow).toMatchObject({ _tag: "CarriedOn", fromDay: "2026-12-07", lastDay: "2026-12-08" })
      expect(await countEvents(store.db)).toBe(loaded + (tomorrow as { events: number }).events)
      expect((tomorrow as { events: number }).events).toBeGreaterThan(0)
    }, 180_000)

    it("leaves a demo its plan does not generate as it is, and says it cannot carry it on", async () => {
      // Another team's events under the seed's keys: the stored prefix is not what the plan makes.
      await loadDemoTeam(store.db, { ...plan, reps: 5 })
      const before = await countEvents(store.db)
      const standing = await demoStanding(store.db, plan.seed)
      if (standing._tag !== "Loaded") throw new Error("the demo should stand loaded")
      const lying = { ...standing, plan: { ...standing.plan, reps: 4 } }

      expect(await carryDemoOn(store.db, lying, { until: later })).toEqual({ _tag: "Diverged", atEvent: before })
      expect(await countEvents(store.db)).toBe(before)
    }, 180_000)
  })
}
