/**
 * @module `npm run bench:first-start`: a first start of `ledger serve` on an empty embedded store
 * (the admin key, the demo team loaded, the scorecards folded), then a restart of the same store,
 * each a real process as a user starts it. Prints the server's RSS after each (once the ready line
 * is out and five seconds have passed), and the limit for the first (within 20% of the restart's).
 * Whether the server answers meanwhile is bench/responsiveness.ts's.
 *
 * Options (environment): BENCH_RUNS (default 1: a first start loads a year of demo, ~300,000 events).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { freePort } from "../test/support/ledgerProcess.js"
import { describeMachine, median, printTable } from "./support/report.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1))
const settleMs = 5_000

type Server = { readonly child: ChildProcess; output: string; readonly url: string }

const start = async (dataDir: string, port: number): Promise<Server> => {
  const { DATABASE_URL: _url, ...env } = process.env
  const child = spawn(process.execPath, ["src/cli/bin.mjs", "serve"], {
    cwd: repoRoot,
    env: {
      ...env,
      LEDGER_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LEDGER_METRICS_PUBLIC: "true",
      LEDGER_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  })
  const server: Server = { child, output: "", url: `http://127.0.0.1:${port}` }
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (server.output += chunk))
  return server
}

const waitFor = async (server: Server, pattern: RegExp): Promise<void> => {
  while (!pattern.test(server.output)) {
    if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const stop = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.child.once("exit", () => resolve())
    server.child.kill("SIGTERM")
  })

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
    const first = await start(dataDir, port)
    await waitFor(first, /listening on /)
    const loadStarted = performance.now()
    await waitFor(first, /^Ready: /m)
    const loadSeconds = (performance.now() - loadStarted) / 1000
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    const firstMemory = memoryOf(first.child.pid as number)
    await stop(first)

    const again = await start(dataDir, port)
    await waitFor(again, /^Ready: /m)
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    const restartMemory = memoryOf(again.child.pid as number)
    await stop(again)
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
