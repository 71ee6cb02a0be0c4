/**
 * @module Several instances on one PostgreSQL, as behind a load balancer: three `ledger serve`
 * processes on one fresh database, with clients spread over them.
 *
 * - They ingest concurrently: every acknowledged event is stored once; a retry on another instance
 *   answers 200 with the stored events; one batch sent to all three at once is stored once.
 * - Exactly one of them holds the projection lease and folds (each says whether it leads; the
 *   database shows one holder; the read model applied each event of the log once).
 * - SIGKILL the leader: another instance takes the lease over, and the read model catches up with
 *   the log and equals the pure fold of it.
 */
import { afterAll, describe, expect, it } from "vitest"
import { activeGeneration } from "../src/readModel/registry.js"
import { scorecardModel } from "../src/readModel/scorecardTables.js"
import { openPostgres } from "../src/store/postgres.js"
import {
  activeReadModel,
  auditLog,
  comparableState,
  foldOfLog,
  keptApart,
  readModelStatus,
  readWholeLog,
  tallyOfComparison,
  tallyOfLog,
} from "./support/crash.js"
import { killEveryLedger, type LedgerProcess, preparePostgres, spawnLedger } from "./support/ledgerProcess.js"
import { type FreshDatabase, freshDatabase, postgresAvailable } from "./support/postgres.js"
import { post, retryLost, type Sent, type SentEvent, startTraffic, type Target } from "./support/traffic.js"

const seed = process.env.LEDGER_CRASH_SEED ?? String(Date.now() % 1_000_000_000)
const reps = ["r1", "r2", "r3", "r4", "r5"]
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Which of the instances say they hold the projection lease, asked all at once. */
const leaders = async (targets: ReadonlyArray<Target>): Promise<boolean[]> =>
  Promise.all(targets.map(async (target) => (await readModelStatus(target)).projectionRunner.leader))

let database: FreshDatabase | undefined
afterAll(async () => {
  await killEveryLedger()
  await database?.drop()
})

describe.runIf(postgresAvailable)(`three instances on one PostgreSQL (seed ${seed})`, () => {
  it("ingest concurrently without losing or doubling, fold with one runner, and take over a killed leader's lease", {
    timeout: 240_000,
  }, async () => {
    database = await freshDatabase()
    const key = await preparePostgres(database.url)
    const db = await openPostgres(database.url, { maxConnections: 2 })
    try {
      const servers: LedgerProcess[] = await Promise.all(
        [1, 2, 3].map(() => spawnLedger({ store: { databaseUrl: (database as FreshDatabase).url } })),
      )
      const targets: Target[] = servers.map((server) => ({ url: server.url, key }))
      const requests: Sent[] = []
      const joined: SentEvent[] = reps.map((repId) => ({
        type: "RepJoined",
        occurredAt: "2026-02-02T09:00:00.000Z",
        idempotencyKey: `joined-${repId}`,
        data: { repId, name: `Rep ${repId}`, role: "AE" },
      }))
      requests.push({
        id: "joined",
        shape: "batch",
        events: joined,
        outcome: await post(targets[0] as Target, "batch", joined),
      })

      // Clients spread over the three; leadership sampled meanwhile.
      const traffic = startTraffic(targets, {
        seed: `${seed}:together`,
        tag: "together",
        singleClients: 6,
        batchClients: 3,
        reps,
      })
      const samples: boolean[][] = []
      for (let i = 0; i < 15; i++) {
        samples.push(await leaders(targets))
        await sleep(100)
      }
      // The same batch sent to every instance at the same moment: stored once, answered 201 once.
      const contested: SentEvent[] = Array.from({ length: 50 }, (_, i) => ({
        type: "CallLogged",
        occurredAt: "2026-03-10T10:00:00.000Z",
        idempotencyKey: `contested-${i}`,
        data: {
          callId: `contested-${i}`,
          repId: "r1",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 60,
        },
      }))
      const answers = await Promise.all(targets.map((target) => post(target, "batch", contested)))
      traffic.stop()
      requests.push(...(await traffic.settled))
      for (const [i, outcome] of answers.entries())
        requests.push({ id: `contested@${i}`, shape: "batch", events: contested, outcome })
      expect(answers.map((a) => (a.kind === "acked" ? a.status : a.kind)).sort()).toEqual([200, 200, 201])

      expect(
        samples.filter((sample) => sample.filter(Boolean).length !== 1),
        "samples where not exactly one instance leads",
      ).toEqual([])
      // 7340101: the scorecards lease key of src/runtime/projectionRunner.ts (a session advisory lock).
      const holders = await db.query<{ n: number }>(`select count(*)::int as n from pg_locks
         where locktype = 'advisory' and granted and objid = 7340101 and database = (select oid from pg_database where datname = current_database())`)
      expect(holders[0]?.n, "sessions holding the projection lease").toBe(1)

      const together = await readWholeLog(targets[1] as Target, requests)
      expect(auditLog(together.events, requests, "retried")).toEqual([])
      // Retries of acknowledged requests land on another instance than the first: answered 200, stored once.
      const acked = requests.filter((r) => r.outcome.kind === "acked" && r.outcome.status === 201).slice(0, 30)
      for (const [i, request] of acked.entries()) {
        const again = await post(targets[(i + 1) % 3] as Target, request.shape, request.events)
        expect(again.kind === "acked" ? again.status : again).toBe(200)
      }
      const afterRetries = await readWholeLog(targets[2] as Target, requests, together.next)
      expect(
        afterRetries.events.map((e) => e.type),
        "stored by the retries: only the log's mark",
      ).toEqual(["AccountTargeted"])
      const caughtUp = [...together.events, ...afterRetries.events]

      // Caught up: the read model applied each event of the log once, and equals its fold.
      expect(await tallyOfComparison(targets[0] as Target, reps)).toEqual(tallyOfLog(caughtUp, reps))
      expect((await activeGeneration(db, scorecardModel))?.eventsApplied).toBe(caughtUp.length)
      expect(comparableState(await activeReadModel(db))).toEqual(
        comparableState(foldOfLog(await keptApart(db, caughtUp))),
      )

      // SIGKILL the leader while clients ingest on all three.
      const leader = (await leaders(targets)).indexOf(true)
      const traffic2 = startTraffic(targets, {
        seed: `${seed}:kill`,
        tag: "kill",
        singleClients: 6,
        batchClients: 3,
        reps,
      })
      await sleep(500)
      await (servers[leader] as LedgerProcess).kill()
      const survivors = targets.filter((_, i) => i !== leader)
      const handover = Date.now()
      let tookOver = false
      while (!tookOver && Date.now() - handover < 20_000) {
        await sleep(100)
        tookOver = (await leaders(survivors)).filter(Boolean).length === 1
      }
      expect(tookOver, "a surviving instance took the lease over within 20 s").toBe(true)
      console.log(
        `multi-instance (seed ${seed}): instance ${leader + 1} of 3 led and was killed; the lease was taken over after ${Date.now() - handover} ms`,
      )
      await sleep(500)
      traffic2.stop()
      const afterKill = await traffic2.settled
      requests.push(...afterKill)

      const crashed = await readWholeLog(survivors[0] as Target, requests)
      expect(auditLog(crashed.events, requests, "crashed")).toEqual([])
      const present = new Set(crashed.events.map((e) => e.idempotencyKey))
      await retryLost(survivors[1] as Target, requests, (k) => present.has(k))
      const log = [...crashed.events, ...(await readWholeLog(survivors[0] as Target, requests, crashed.next)).events]
      expect(auditLog(log, requests, "retried")).toEqual([])

      // The new leader caught up with everything, the killed leader's last batch included.
      expect(await tallyOfComparison(survivors[1] as Target, reps)).toEqual(tallyOfLog(log, reps))
      expect((await activeGeneration(db, scorecardModel))?.eventsApplied).toBe(log.length)
      expect(comparableState(await activeReadModel(db))).toEqual(comparableState(foldOfLog(await keptApart(db, log))))
    } finally {
      await killEveryLedger()
      await db.close()
    }
  })
})
