/**
 * @module What LEDGER_DURABILITY=os costs on the embedded store (src/store/durability.ts): the same
 * ingestion measured on PGlite with `process` (no fsync) and with `os` (PostgreSQL fsyncs the
 * write-ahead log at each commit), in the same run. Part of `npm run bench:ingest`.
 *
 * Three figures per setting: commits per second with one commit per event (the raw price of an
 * fsync), single events from 50 HTTP connections (group commit shares each fsync), and 1,000-event
 * batches from 4 connections (one fsync per thousands of events).
 *
 * Alone: `npx tsx bench/durability.ts` (BENCH_RUNS, BENCH_SECONDS as everywhere).
 */
import { pathToFileURL } from "node:url"
import { startServer } from "../src/server.js"
import { createApiKey } from "../src/store/apiKeys.js"
import type { Durability } from "../src/store/durability.js"
import { createRawTable, dropRawTable, oneCommitPerEvent } from "./limits.js"
import { pgliteDirectory } from "./support/places.js"
import { benchSettings, describeMachine, median, ms, perSecond, printTable, type Row } from "./support/report.js"
import { settle, settledLoad } from "./support/settle.js"

type Measured = {
  readonly commits: number
  readonly singles: number
  readonly singlesP99: number
  readonly batches: number
}

const measure = async (durability: Durability, options: ReturnType<typeof benchSettings>): Promise<Measured> => {
  const place = await pgliteDirectory()
  const dataDir = "dataDir" in place.store ? place.store.dataDir : ""
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    store: { dataDir, durability },
    bodyLimitBytes: 16 * 1024 * 1024,
  })
  try {
    const { token } = await createApiKey(server.sql, { name: "bench", scopes: ["ingest"] })
    await createRawTable(server.sql)
    const load = settledLoad(server, token, options.seconds)
    await load(1, 50, 0.5) // warm-up
    const runs: Measured[] = []
    for (let i = 0; i < options.runs; i++) {
      await settle(server)
      const commits = await oneCommitPerEvent(server.sql, options.seconds)
      const singles = await load(1, 50)
      const batches = await load(1_000, 4)
      runs.push({
        commits,
        singles: singles.eventsPerSecond,
        singlesP99: singles.p99Ms,
        batches: batches.eventsPerSecond,
      })
      process.stderr.write(
        `  pglite ${durability} run ${i + 1}/${options.runs}: ${perSecond(commits)} commits, HTTP ${perSecond(singles.eventsPerSecond)} single ` +
          `(p99 ${ms(singles.p99Ms)}), ${perSecond(batches.eventsPerSecond)} in batches\n`,
      )
    }
    await dropRawTable(server.sql)
    return {
      commits: median(runs.map((r) => r.commits)),
      singles: median(runs.map((r) => r.singles)),
      singlesP99: median(runs.map((r) => r.singlesP99)),
      batches: median(runs.map((r) => r.batches)),
    }
  } finally {
    await server.close()
    await place.discard()
  }
}

/** Rows for `os` against `process`, measured one after the other on the same machine. */
export const benchDurability = async (options = benchSettings()): Promise<ReadonlyArray<Row>> => {
  const fast = await measure("process", options)
  const durable = await measure("os", options)
  const cost = (os: number, process: number) => {
    const less = Math.round((100 * (process - os)) / process)
    return less >= 0 ? `${less}% less` : `${-less}% more (within the noise: measured one after the other)`
  }
  return [
    {
      backend: "pglite os",
      measure: "raw: single-row INSERT, one commit (one fsync) each",
      figure: perSecond(durable.commits),
      limit: `${perSecond(fast.commits)} with process`,
      ratio: cost(durable.commits, fast.commits),
    },
    {
      backend: "pglite os",
      measure: "HTTP single events, 50 connections (group commit)",
      figure: `${perSecond(durable.singles)}, p99 ${ms(durable.singlesP99)}`,
      limit: `${perSecond(fast.singles)}, p99 ${ms(fast.singlesP99)} with process`,
      ratio: cost(durable.singles, fast.singles),
    },
    {
      backend: "pglite os",
      measure: "HTTP 1,000-event batches, 4 connections",
      figure: perSecond(durable.batches),
      limit: `${perSecond(fast.batches)} with process`,
      ratio: cost(durable.batches, fast.batches),
    },
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(`Durability benchmark on ${describeMachine()}`)
  printTable("LEDGER_DURABILITY=os against process (PGlite)", await benchDurability())
}
