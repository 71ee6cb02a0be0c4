/**
 * A rebuild registers its new generation and creates its tables in one transaction. If a runner
 * could see the generation first, it would create the same tables at the same moment — and on
 * PostgreSQL two sessions running `create table if not exists` on one new table collide in the
 * catalog: found by test/crash.e2e.test.ts as a 500 from `POST /v1/admin/rebuild`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { liveGenerations } from "../src/readModel/registry.js"
import { scorecardModel, tablesOf } from "../src/readModel/scorecardTables.js"
import { startProjectionRunner } from "../src/runtime/projectionRunner.js"
import { openPostgres } from "../src/store/postgres.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { backends, type OpenedStore } from "./support/stores.js"

describe.each(backends)("a rebuild on $name", (backend) => {
  let store: OpenedStore
  let observer: SqlDatabase
  beforeAll(async () => {
    store = await backend.open()
    // On PostgreSQL the observer is another session, as another instance's runner would be.
    observer = store.url === undefined ? store.db : await openPostgres(store.url, { maxConnections: 1 })
  })
  afterAll(async () => {
    if (observer !== store?.db) await observer?.close()
    await store?.close()
  })

  it("is never seen without its tables, so no runner creates them at the same time", async () => {
    const runner = await startProjectionRunner(store.db, { idleMs: 5 })
    const sightings: string[] = []
    let watching = true
    const watch = (async () => {
      while (watching) {
        // A macrotask turn each time: on PGlite a query can resolve without one, and this loop would starve the runner's timers.
        await new Promise((resolve) => setImmediate(resolve))
        for (const generation of await liveGenerations(observer, scorecardModel)) {
          if (generation.status !== "building") continue
          const names = Object.values(tablesOf(generation.generation))
          const [found] = await observer.query<{ n: number }>(
            `select count(*)::int as n from information_schema.tables where table_name = any($1::text[])`,
            [names],
          )
          if ((found?.n ?? 0) < names.length)
            sightings.push(`generation ${generation.generation} with ${found?.n} of its ${names.length} tables`)
        }
      }
    })()
    try {
      for (let i = 0; i < 5; i++) {
        await runner.rebuild()
        await expect
          .poll(async () => (await liveGenerations(store.db, scorecardModel)).map((g) => g.status), { timeout: 10_000 })
          .toEqual(["active"])
      }
    } finally {
      watching = false
      await watch
      await runner.stop()
    }
    expect(sightings).toEqual([])
  })
})
