/**
 * @module Crash safety, shown: the real server (`ledger serve`, a process of its own) is killed with
 * SIGKILL at a random moment while clients ingest — single events on several connections, batches
 * of 1 to 400 events, deals being opened and raced to a close — and, every third round, while a
 * read-model rebuild runs. It is restarted on the same store, and then:
 *
 * - every acknowledged event is stored exactly once, where its answer said, as it was sent;
 * - a batch is stored whole or not at all, even when its answer was lost;
 * - a request whose answer was lost, sent again with the same keys, answers 200 (it was stored) or
 *   201 (it was not) and is then stored once; refused requests store nothing; nothing else is stored;
 * - every deal stream keeps the deal rule (opened first and once, nothing after won or lost);
 * - the read model equals the log: the API's team comparison matches a tally of the log, and (on
 *   PostgreSQL every round, on PGlite at the end) the stored rows equal the pure fold of the log.
 *
 * LEDGER_CRASH_ROUNDS (default 6) rounds per backend; LEDGER_CRASH_SEED replays a run's kill
 * moments and traffic choices (the interleaving itself is the machine's). Six rounds kill each
 * backend twice mid-rebuild and four times at any moment, under both durabilities of PGlite,
 * on every run; a round is a server start (seconds of CPU), so a longer hunt for a rare interleaving
 * is a run with more rounds (LEDGER_CRASH_ROUNDS=200), not the default.
 */
import { rm } from "node:fs/promises"
import { afterAll, describe, it } from "vitest"
import { openPglite } from "../src/store/pglite.js"
import { openPostgres } from "../src/store/postgres.js"
import type { SqlDatabase } from "../src/store/sql.js"
import {
  activeReadModel,
  auditLog,
  comparableState,
  foldOfLog,
  keptApart,
  type LostTally,
  readModelStatus,
  readWholeLog,
  rebuildFinished,
  roundPlan,
  tallyOfComparison,
  tallyOfLog,
} from "./support/crash.js"
import { freshDataDir } from "./support/dataDirs.js"
import {
  killEveryLedger,
  type LedgerProcess,
  preparePostgres,
  savedAdminKey,
  spawnLedger,
} from "./support/ledgerProcess.js"
import { freshDatabase, postgresAvailable } from "./support/postgres.js"
import type { StoredEvent } from "./support/server.js"
import { history, post, retryLost, type Sent, startTraffic, type Target } from "./support/traffic.js"

const rounds = Number(process.env.LEDGER_CRASH_ROUNDS ?? 6)
const seed = process.env.LEDGER_CRASH_SEED ?? String(Date.now() % 1_000_000_000)
const reps = ["r1", "r2", "r3", "r4", "r5"]
// Enough for a rebuild to take several of the runner's transactions (2,000 events each).
const historyEvents = 5_000
const verbose = process.env.LEDGER_CRASH_VERBOSE === "1"
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const started = performance.now()
const trace = (line: string) =>
  verbose && console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${line}`)

/** A store the rounds share, how to get the admin key, and how to read its rows from this process. */
type CrashStore = {
  readonly location: { readonly dataDir: string } | { readonly databaseUrl: string }
  /** The admin key, once the first server has started. */
  adminKey(): Promise<string>
  /** Opens the store in this process (the server must be stopped first on PGlite). */
  open(): Promise<SqlDatabase>
  /** Whether rows can be read while the server runs (PostgreSQL), or only once it is stopped (PGlite). */
  readonly sharedWhileRunning: boolean
  discard(): Promise<void>
}

const crashStores: ReadonlyArray<{ readonly name: string; prepare(): Promise<CrashStore> }> = [
  {
    name: "pglite",
    prepare: async () => {
      const dataDir = await freshDataDir("ledger-crash-")
      return {
        location: { dataDir },
        adminKey: () => savedAdminKey(dataDir),
        open: () => openPglite(dataDir),
        sharedWhileRunning: false,
        discard: () => rm(dataDir, { recursive: true, force: true }),
      }
    },
  },
  ...(postgresAvailable
    ? [
        {
          name: "postgres",
          prepare: async (): Promise<CrashStore> => {
            const database = await freshDatabase()
            const key = await preparePostgres(database.url)
            return {
              location: { databaseUrl: database.url },
              adminKey: async () => key,
              open: () => openPostgres(database.url, { maxConnections: 2 }),
              sharedWhileRunning: true,
              discard: database.drop,
            }
          },
        },
      ]
    : []),
]

// Also when a test times out mid-round: no server may outlive the file, and no store either.
const discards: Array<() => Promise<void>> = []
afterAll(async () => {
  await killEveryLedger()
  await Promise.all(discards.map((discard) => discard().catch(() => undefined)))
})

describe(`crash safety: SIGKILL during ingestion and rebuilds (seed ${seed}, ${rounds} rounds per backend)`, () => {
  it.concurrent.for(crashStores)(
    "on $name: acknowledged events survive once, batches whole, read models equal the log",
    { timeout: 180_000 + rounds * 30_000 },
    async ({ name, prepare }, { expect }) => {
      const store = await prepare()
      discards.push(store.discard)
      let server: LedgerProcess | undefined
      let db: SqlDatabase | undefined
      const requests: Sent[] = []
      const lost: LostTally = { singlesStored: 0, singlesAbsent: 0, batchesStored: 0, batchesAbsent: 0 }
      let killedMidRebuild = 0
      let log: StoredEvent[] = []
      try {
        server = await spawnLedger({ store: store.location, env: { LEDGER_DURABILITY: roundPlan(seed, 1).durability } })
        trace(`${name}: first start`)
        const key = await store.adminKey()
        const target = (): Target => ({ url: (server as LedgerProcess).url, key })
        if (store.sharedWhileRunning) db = await store.open()

        const joined = {
          id: "joined",
          shape: "batch" as const,
          events: reps.map((repId) => ({
            type: "RepJoined",
            occurredAt: "2026-02-02T09:00:00.000Z",
            idempotencyKey: `joined-${repId}`,
            data: { repId, name: `Rep ${repId}`, role: "AE" },
          })),
        }
        requests.push({ ...joined, outcome: await post(target(), joined.shape, joined.events) })
        for (const [i, events] of history({ seed, reps, events: historyEvents, batchSize: 5_000 }).entries()) {
          requests.push({ id: `history-${i}`, shape: "batch", events, outcome: await post(target(), "batch", events) })
        }
        expect(
          requests.filter((r) => r.outcome.kind !== "acked"),
          "the starting history was refused",
        ).toEqual([])
        trace(`${name}: ${historyEvents} events of history stored`)

        for (let round = 1; round <= rounds; round++) {
          const plan = roundPlan(seed, round)
          const context = `seed ${seed}, ${name}, round ${round} (kill ${plan.rebuild ? `at a rebuild started after ${plan.rebuild.startAfterMs} ms` : `after ${plan.killAfterMs} ms`}${"dataDir" in store.location ? `, LEDGER_DURABILITY=${plan.durability}` : ""})`
          const traffic = startTraffic([target()], {
            seed: `${seed}:${name}:${round}`,
            tag: `r${round}`,
            singleClients: 4,
            batchClients: 2,
            reps,
          })
          if (plan.rebuild) {
            await sleep(plan.rebuild.startAfterMs)
            const started = await fetch(`${target().url}/v1/admin/rebuild`, {
              method: "POST",
              headers: { authorization: `Bearer ${key}` },
            })
            expect(started.status, context).toBe(202)
            // Killed as soon as the server says the new generation is building (counted so: it may finish in between).
            if ((await readModelStatus(target())).generations.some((g) => g.status === "building")) killedMidRebuild++
          } else {
            await sleep(plan.killAfterMs)
          }
          traffic.stop()
          await server.kill()
          requests.push(...(await traffic.settled))
          trace(`${context}: killed, ${traffic.sent.length} requests sent`)

          // The server killed ran under this round's durability: the restarted one recovers under the next's.
          server = await spawnLedger({
            store: store.location,
            env: { LEDGER_DURABILITY: roundPlan(seed, round + 1).durability },
          })
          trace(`${context}: restarted`)
          const crashed = await readWholeLog(target(), requests)
          expect(auditLog(crashed.events, requests, "crashed"), context).toEqual([])

          const present = new Set(crashed.events.map((e) => e.idempotencyKey))
          const lostNow = requests.filter((r) => r.outcome.kind === "lost")
          await retryLost(target(), requests, (k) => present.has(k))
          for (const r of lostNow) {
            const stored = r.lostFirst?.storedBeforeRetry === "all"
            if (r.shape === "single") stored ? lost.singlesStored++ : lost.singlesAbsent++
            else stored ? lost.batchesStored++ : lost.batchesAbsent++
          }
          log = [...crashed.events, ...(await readWholeLog(target(), requests, crashed.next)).events]
          expect(auditLog(log, requests, "retried"), context).toEqual([])

          if (plan.rebuild)
            expect(await rebuildFinished(target(), 60_000), `${context}: the rebuild took over`).toBe(true)
          expect(
            await tallyOfComparison(target(), reps),
            `${context}: the comparison against a tally of the log`,
          ).toEqual(tallyOfLog(log, reps))
          if (db !== undefined)
            expect(comparableState(await activeReadModel(db)), `${context}: the read model's rows`).toEqual(
              comparableState(foldOfLog(await keptApart(db, log))),
            )
          trace(`${context}: checked, ${log.length} events in the log`)
        }

        // The embedded store's rows, once more after a kill, against the pure fold of the whole log.
        if (db === undefined) {
          await server.kill()
          const stopped = await store.open()
          db = stopped
          expect(
            comparableState(await activeReadModel(stopped)),
            `seed ${seed}, ${name}: the read model's rows after the last kill`,
          ).toEqual(comparableState(foldOfLog(await keptApart(db, log))))
        }
        const acked = requests.filter((r) => r.outcome.kind === "acked")
        console.log(
          `crash safety on ${name} (seed ${seed}): ${rounds} kills (${killedMidRebuild} mid-rebuild), ${log.length} events stored, ` +
            `${acked.length} requests acknowledged, lost answers: ${lost.singlesStored} singles stored + ${lost.singlesAbsent} not, ` +
            `${lost.batchesStored} batches stored whole + ${lost.batchesAbsent} not at all`,
        )
        expect(
          lost.singlesAbsent + lost.batchesAbsent + lost.singlesStored + lost.batchesStored,
          "some requests were in flight at a kill",
        ).toBeGreaterThan(0)
        if (rounds >= 6) expect(killedMidRebuild, "kills that landed while a rebuild was building").toBeGreaterThan(0)
      } catch (error) {
        // What the server said last (its log lines, a stack) is the first thing to read after a failure.
        console.error(
          `seed ${seed}, ${name}: the server's last output:\n${server?.output().split("\n").slice(-40).join("\n")}`,
        )
        throw error
      } finally {
        await server?.kill()
        await db?.close()
      }
    },
  )
})
