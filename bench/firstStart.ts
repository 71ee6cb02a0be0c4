/**
 * @module `npm run bench:first-start`: a first start of `ledger serve` on an empty embedded store
 * (the admin key, the demo team loaded, the scorecards folded), then a restart of the same store,
 * each a real process as a user starts it. Prints the server's RSS after each (once the ready line
 * is out and five seconds have passed), and the limit for the first (within 20% of the restart's).
 * Whether the server answers meanwhile is bench/responsiveness.ts's.
 *
 * Options (environment): BENCH_RUNS (default 1: a first start loads a year of demo, ~300,000 events).
 */
import { readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { freePort } from "../test/support/ledgerProcess.js"
import { startServer, stopServer, waitForOutput } from "./support/benchServer.js"
import { describeMachine, median, printTable } from "./support/report.js"

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1))
const settleMs = 5_000

/** The process's resident memory now and at its peak, in MB. */
const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN)
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 }
}

type Run = {
  readonly firstRss: number
  readonly firstPeak: number
  readonly restartRss: number
  readonly loadSeconds: number
}

const measure = async (): Promise<Run> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ledger-bench-first-start-"))
  try {
    const port = await freePort()
    const first = startServer(dataDir, port)
    await waitForOutput(first, /listening on /)
    const loadStarted = performance.now()
    await waitForOutput(first, /^Ready: /m)
    const loadSeconds = (performance.now() - loadStarted) / 1000
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    const firstMemory = memoryOf(first.child.pid as number)
    await stopServer(first)

    const again = startServer(dataDir, port)
    await waitForOutput(again, /^Ready: /m)
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    const restartMemory = memoryOf(again.child.pid as number)
    await stopServer(again)
    return {
      firstRss: firstMemory.rss,
      firstPeak: firstMemory.peak,
      restartRss: restartMemory.rss,
      loadSeconds,
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

console.log(`first start against restart, ${runs} run(s); ${describeMachine()}`)
const results: Run[] = []
for (let run = 1; run <= runs; run++) {
  const result = await measure()
  results.push(result)
  console.log(
    `run ${run}: first start ${Math.round(result.firstRss)} MB (peak ${Math.round(result.firstPeak)}), restart ${Math.round(result.restartRss)} MB; ` +
      `load and fold ${result.loadSeconds.toFixed(1)} s`,
  )
}

const mb = (n: number) => `${Math.round(n)} MB`
const of = (pick: (run: Run) => number) => median(results.map(pick))
const firstRss = of((r) => r.firstRss)
const restartRss = of((r) => r.restartRss)
printTable("First start (demo load and fold) against a restart, embedded store", [
  {
    backend: "pglite",
    measure: "RSS after the first start",
    figure: mb(firstRss),
    limit: `restart ${mb(restartRss)}`,
    ratio: `${Math.round((firstRss / restartRss) * 100)}%`,
    target: `≤ 120% (${mb(restartRss * 1.2)})`,
    met: firstRss <= restartRss * 1.2,
  },
  { backend: "pglite", measure: "RSS peak during the first start", figure: mb(of((r) => r.firstPeak)) },
  { backend: "pglite", measure: "RSS after a restart", figure: mb(restartRss) },
  { backend: "pglite", measure: "first start: listening to ready", figure: `${of((r) => r.loadSeconds).toFixed(1)} s` },
])
