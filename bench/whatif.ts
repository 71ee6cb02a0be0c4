/**
 * @module Benchmark of `POST /v1/what-if/coverage` (issue 4): a quarterly what-if over a year of a
 * 200-rep demo team (about 1,000,000 events, src/demo) in the embedded store (file-backed PGlite in a
 * temporary directory), cold (the first request after the server starts) and warm, with the peak RSS
 * growth of the server process and the slowest `/healthz` answered while the cold replay ran.
 *
 * The server runs in a child process (so that only its memory is measured: VmHWM from /proc, reset
 * before each phase). It is the real app (`buildApp`: routes, auth, the what-if replayer) without the
 * projection runner: on a restart with its read model caught up the runner only idles, and its own
 * catch-up of a freshly loaded million events is a different cost.
 *
 * Usage: npx tsx bench/whatif.ts [--events 1000000] [--reps 200] [--data-dir DIR]
 * With --data-dir the store is kept there (and loaded only if it holds no events yet), to run again
 * without loading a million events again; without it, a temporary directory is loaded and removed.
 */
import { fork, type ChildProcess } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { cpus, loadavg, tmpdir } from "node:os"
import path from "node:path"
import { parseArgs } from "node:util"
import { serve } from "@hono/node-server"
import { Effect, ManagedRuntime } from "effect"
import { demoScaleFor, loadDemoTeam } from "../src/demo/index.js"
import { buildApp } from "../src/http/app.js"
import type { ProjectionRunner } from "../src/runtime/projectionRunner.js"
import { createApiKey } from "../src/store/apiKeys.js"
import { countEvents } from "../src/store/eventLog.js"
import { EventStore } from "../src/store/EventStore.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"

const demoEnd = "2026-11-20"
const demoStart = "2025-11-21" // 12 months ending on demoEnd

type Ready = { readonly url: string; readonly token: string }

/** The server, in the child process: the store, an API key, the app without a projection runner. */
const runServer = async (dataDir: string): Promise<void> => {
  const runtime = ManagedRuntime.make(EventStore.layer({ dataDir }))
  const store = await runtime.runPromise(Effect.gen(function* () {
    return yield* EventStore
  }))
  const { token } = await createApiKey(store.sql, { name: "bench", scopes: ["read"] })
  const idleRunner: ProjectionRunner = {
    wake: () => {},
    rebuild: () => Promise.reject(new Error("no projection runner in the what-if bench")),
    waitUntilCaughtUp: async () => true,
    isLeader: () => false,
    lag: async () => ({ model: "scorecards", events: 0, seconds: 0 }),
    stop: async () => {},
  }
  const app = buildApp({ runtime, sql: store.sql, runner: idleRunner, bodyLimitBytes: 1_000_000, version: "bench" })
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
    process.send?.({ url: `http://127.0.0.1:${info.port}`, token } satisfies Ready)
  })
  process.on("disconnect", () => {
    server.close()
    void runtime.dispose().then(() => process.exit(0))
  })
}

/** Loads the demo team into a new store; answers how many events it holds. */
const load = async (dataDir: string, events: number, reps: number): Promise<number> => {
  const db = await openPglite(dataDir)
  try {
    await migrate(db)
    const started = performance.now()
    let next = 100_000
    await loadDemoTeam(db, {
      seed: 42,
      reps,
      months: 12,
      endDate: demoEnd,
      scale: demoScaleFor({ events, reps, months: 12 }),
      batchSize: 5_000,
      onProgress: (n) => {
        if (n < next) return
        next += 100_000
        console.log(`  loaded ${n.toLocaleString("en-US")} events (${((performance.now() - started) / 1000).toFixed(0)} s)`)
      },
    })
    const stored = await countEvents(db)
    console.log(`  loaded ${stored.toLocaleString("en-US")} events in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    return stored
  } finally {
    await db.close()
  }
}

/** How many events a store holds (0 for a new one). */
const storedEvents = async (dataDir: string): Promise<number> => {
  const db = await openPglite(dataDir)
  try {
    await migrate(db)
    return await countEvents(db)
  } finally {
    await db.close()
  }
}

/** The child's resident set now and at its peak since the last reset, in MB (Linux /proc). */
const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN)
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 }
}
const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, "5")

type Measured = { readonly ms: number; readonly growthMb: number; readonly status: number; readonly bytes: number }

const whatIf = async (ready: Ready, pid: number, body: unknown): Promise<Measured> => {
  const before = memoryOf(pid).rss
  resetPeak(pid)
  const started = performance.now()
  const response = await fetch(`${ready.url}/v1/what-if/coverage`, {
    method: "POST",
    headers: { authorization: `Bearer ${ready.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`the what-if answered ${response.status}: ${text}`)
  return { ms, growthMb: memoryOf(pid).peak - before, status: response.status, bytes: text.length }
}

/** Polls /healthz until stopped; answers the slowest answer's time. */
const pollHealth = (ready: Ready) => {
  let stop = false
  let slowest = 0
  let answered = 0
  const done = (async () => {
    while (!stop) {
      const started = performance.now()
      await fetch(`${ready.url}/healthz`).then((r) => r.text())
      slowest = Math.max(slowest, performance.now() - started)
      answered++
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  return async () => {
    stop = true
    await done
    return { slowest, answered }
  }
}

const main = async () => {
  const { values } = parseArgs({
    options: { events: { type: "string", default: "1000000" }, reps: { type: "string", default: "200" }, "data-dir": { type: "string" } },
  })
  const kept = values["data-dir"]
  const dataDir = kept ?? (await mkdtemp(path.join(tmpdir(), "ledger-bench-whatif-")))
  let child: ChildProcess | undefined
  try {
    console.log(`What-if coverage benchmark: store in ${dataDir}`)
    // Figures are wall times: a machine busy with other work stretches them (the load average says how busy).
    const machine = () => `${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg().map((n) => n.toFixed(1)).join(" ")}`
    console.log(`On ${machine()}`)
    const stored = await storedEvents(dataDir)
    const events = stored > 0 ? stored : await load(dataDir, Number(values.events), Number(values.reps))

    child = fork(new URL(import.meta.url).pathname, ["--serve", dataDir], { execArgv: ["--import", "tsx"], stdio: "inherit" })
    const pid = child.pid as number
    const ready = await new Promise<Ready>((resolve, reject) => {
      child?.once("message", (message) => resolve(message as Ready))
      child?.once("exit", (code) => reject(new Error(`the server exited with ${code}`)))
    })
    const request = { coverageTarget: 3, from: demoStart, to: demoEnd, period: "quarter" }

    const startedRss = memoryOf(pid).rss
    const health = pollHealth(ready)
    const cold = await whatIf(ready, pid, request)
    const { slowest, answered } = await health()
    const warm = await whatIf(ready, pid, { ...request, coverageTarget: 4 })
    const warmAgain = await whatIf(ready, pid, request)
    const firstAsOf = await whatIf(ready, pid, { ...request, asOf: { occurred: "2026-07-01T00:00:00Z" } })
    const asOf = await whatIf(ready, pid, { ...request, asOf: { occurred: "2026-04-01T00:00:00Z" } })

    const row = (what: string, value: string, target: string) => [what, value, target]
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    const mb = (n: number) => `${n.toFixed(0)} MB`
    const rows = [
      ["measure", "value", "target"],
      row("events in the store", events.toLocaleString("en-US"), "1,000,000"),
      row("server RSS after start", mb(startedRss), ""),
      row("cold what-if (first request)", seconds(cold.ms), "< 15 s"),
      row("  peak RSS growth", mb(cold.growthMb), "< 300 MB"),
      row("  slowest /healthz meanwhile", `${slowest.toFixed(0)} ms (${answered} answered)`, ""),
      row("warm what-if (4x)", seconds(warm.ms), "< 1 s"),
      row("warm what-if (3x again)", seconds(warmAgain.ms), "< 1 s"),
      row("  peak RSS growth", mb(Math.max(warm.growthMb, warmAgain.growthMb)), "< 300 MB"),
      row("first as-of what-if (copies the log)", seconds(firstAsOf.ms), ""),
      row("  peak RSS growth", mb(firstAsOf.growthMb), ""),
      row("next as-of what-if (folds the copy)", seconds(asOf.ms), ""),
      row("  peak RSS growth", mb(asOf.growthMb), ""),
      row("answer size", `${(cold.bytes / 1024).toFixed(0)} KB`, ""),
    ]
    const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0))) ?? []
    console.log(`\nDone on ${machine()}`)
    for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  |  "))
  } finally {
    child?.disconnect()
    if (kept === undefined) await rm(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[2] === "--serve") await runServer(process.argv[3] as string)
else await main()
