/**
 * @module `npm run bench:emmett`: the ledger's append beside Emmett's (`@event-driven-io/emmett-postgresql`,
 * the TypeScript event store on PostgreSQL closest to this one), on the same PostgreSQL server
 * (`DATABASE_URL`), each in a fresh database of its own, in the same runs: same durability (both
 * commit synchronously, on the server's own settings), same pool size (10 connections).
 *
 * Measured: appends/s of 50 concurrent appenders, one event per append, (a) each to a new stream,
 * (b) to 50 hot streams picked at random. Target (issue 7): ≥ 3× Emmett. Not measured yet: the
 * catch-up of 1,000,000 events into a per-rep counter projection.
 */
import { pathToFileURL } from "node:url"
import { getPostgreSQLEventStore } from "@event-driven-io/emmett-postgresql"
import { Effect, ManagedRuntime } from "effect"
import pg from "pg"
import { EventStore } from "../src/store/EventStore.js"
import { requireDatabaseUrl } from "./ingest.js"
import { createRawTable, oneCommitPerEvent } from "./limits.js"
import { appenders, measureAppends, type Append, type Measured } from "./support/appenders.js"
import { benchSettings, describeMachine, median, perSecond, printTable, type Row } from "./support/report.js"
import { freshPostgresDatabase } from "./support/places.js"

export const hotStreams = 50
const poolSize = 10

const callData = (n: number) => ({ callId: `c${n}`, repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 95 })

type Run = { commits: number; ours: { distinct: Measured; hot: Measured }; emmett: { distinct: Measured; hot: Measured } }

export const benchEmmett = async (serverUrl = requireDatabaseUrl(), options = benchSettings()): Promise<ReadonlyArray<Row>> => {
  const oursPlace = await freshPostgresDatabase(serverUrl, "ledger_bench_vs_emmett")
  const theirsPlace = await freshPostgresDatabase(serverUrl, "emmett_bench")
  const runtime = ManagedRuntime.make(EventStore.layer(oursPlace.store))
  const emmettPool = new pg.Pool({ connectionString: theirsPlace.url, max: poolSize })
  emmettPool.on("error", () => {})
  const emmett = getPostgreSQLEventStore(theirsPlace.url as string, { connectionOptions: { pool: emmettPool } })
  try {
    const store = await runtime.runPromise(Effect.gen(function* () {
      return yield* EventStore
    }))
    await emmett.schema.migrate()
    await createRawTable(store.sql)
    const run = Date.now().toString(36)
    const ours: Append = (streamId, n) =>
      runtime.runPromise(
        store.append([
          {
            streamId,
            expected: "any",
            events: [{ type: "CallLogged", schemaVersion: 1, data: callData(n), metadata: { source: "bench" }, occurredAt: "2026-11-02T14:05:00Z", idempotencyKey: `${run}-${n}` }],
          },
        ]),
      )
    const theirs: Append = (streamId, n) => emmett.appendToStream(streamId, [{ type: "CallLogged", data: callData(n) }])
    let round = 0
    const distinct = (n: number) => `call-${run}-${round}-${n}`
    const hot = (n: number) => `rep-${run}-${(n * 7919) % hotStreams}`

    // Warm-up of both, uncounted.
    await measureAppends(ours, distinct, 0.5)
    await measureAppends(theirs, distinct, 0.5)
    const runs: Run[] = []
    for (let i = 0; i < options.runs; i++) {
      round += 1
      const commits = await oneCommitPerEvent(store.sql, options.seconds)
      // Alternate who goes first, so that neither always meets the server warmer.
      const pair = async (streamOf: (n: number) => string) => {
        if (i % 2 === 0) {
          const o = await measureAppends(ours, streamOf, options.seconds)
          return { o, e: await measureAppends(theirs, streamOf, options.seconds) }
        }
        const e = await measureAppends(theirs, streamOf, options.seconds)
        return { o: await measureAppends(ours, streamOf, options.seconds), e }
      }
      const d = await pair(distinct)
      const h = await pair(hot)
      runs.push({ commits, ours: { distinct: d.o, hot: h.o }, emmett: { distinct: d.e, hot: h.e } })
      const failed = [d.o, d.e, h.o, h.e].filter((m) => m.failures > 0)
      process.stderr.write(
        `  vs Emmett run ${i + 1}/${options.runs}: raw ${perSecond(commits)} commits; distinct ${perSecond(d.o.appendsPerSecond)} vs ${perSecond(d.e.appendsPerSecond)}; ` +
          `hot ${perSecond(h.o.appendsPerSecond)} vs ${perSecond(h.e.appendsPerSecond)}` +
          `${failed.length === 0 ? "" : `; failures ${failed.map((m) => `${m.failures} (${m.firstFailure})`).join(", ")}`}\n`,
      )
    }
    return rowsOf(runs)
  } finally {
    await emmett.close().catch(() => {})
    await emmettPool.end().catch(() => {})
    await runtime.dispose()
    await oursPlace.discard()
    await theirsPlace.discard()
  }
}

const rowsOf = (runs: ReadonlyArray<Run>): ReadonlyArray<Row> => {
  const commits = median(runs.map((r) => r.commits))
  const row = (label: string, pick: (side: Run["ours"]) => Measured): ReadonlyArray<Row> => {
    const ours = median(runs.map((r) => pick(r.ours).appendsPerSecond))
    const theirs = median(runs.map((r) => pick(r.emmett).appendsPerSecond))
    const failures = (side: "ours" | "emmett") => runs.reduce((n, r) => n + pick(r[side]).failures, 0)
    const failed = (side: "ours" | "emmett") => (failures(side) === 0 ? "" : ` (${failures(side)} failed)`)
    return [
      { backend: "postgres", measure: `Emmett: ${label}`, figure: `${perSecond(theirs)}${failed("emmett")}`, limit: `${perSecond(commits)} commits` },
      {
        backend: "postgres",
        measure: `ledger: ${label}`,
        figure: `${perSecond(ours)}${failed("ours")}`,
        limit: `${perSecond(commits)} commits`,
        ratio: `${(ours / theirs).toFixed(1)}× Emmett`,
        target: "≥ 3× Emmett",
        met: ours >= 3 * theirs && failures("ours") === 0,
      },
    ]
  }
  return [
    { backend: "postgres", measure: "raw: single-row INSERT, one commit each (1 connection)", figure: perSecond(commits) },
    ...row(`${appenders} appenders, single events, each to a new stream`, (side) => side.distinct),
    ...row(`${appenders} appenders, single events, ${hotStreams} hot streams`, (side) => side.hot),
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(`Append benchmark against Emmett on ${describeMachine()}`)
  printTable("Appends beside Emmett (catch-up comparison not measured yet)", await benchEmmett())
}
