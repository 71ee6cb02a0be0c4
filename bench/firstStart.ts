/**
 * @module `npm run bench:first-start`: a first start of `ledger serve` on an empty embedded store
 * (the admin key, the demo team loaded, the scorecards folded), then a restart of the same store,
 * each a real process as a user starts it. Prints the server's RSS after each (once the ready line
 * is out and five seconds have passed), the limit for the first (within 20% of the restart's), and,
 * through the first start's demo load, the event loop's delay (`perf_hooks.monitorEventLoopDelay`,
 * read from the server's own /metrics: p50, p99, max) and the slowest `/healthz` answer.
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
import { describeMachine, median, ms, percentile, printTable } from "./support/report.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1))
const settleMs = 5_000
const delayTargetMs = 200
const healthzBoundMs = 1_000

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

/** The event loop's delay since the last scrape (prom-client resets its histogram at each), in ms. */
const eventLoopDelay = async (url: string) => {
  const text = await (await fetch(`${url}/metrics`)).text()
  const seconds = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1])
  return {
    p50: seconds("nodejs_eventloop_lag_p50_seconds") * 1000,
    p99: seconds("nodejs_eventloop_lag_p99_seconds") * 1000,
    max: seconds("nodejs_eventloop_lag_max_seconds") * 1000,
  }
}

type Run = {
  readonly firstRss: number
  readonly firstPeak: number
  readonly restartRss: number
  readonly loadSeconds: number
  readonly delay: { readonly p50: number; readonly p99: number; readonly max: number }
  readonly healthz: { readonly p99: number; readonly max: number; readonly answers: number }
}

const measure = async (): Promise<Run> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ledger-bench-first-start-"))
  try {
    const port = await freePort()
    const first = await start(dataDir, port)
    await waitFor(first, /listening on /)
    const loadStarted = performance.now()
    await eventLoopDelay(first.url) // from here on: the demo load and the fold
    const answers: number[] = []
    let failed = 0
    const probes: Array<Promise<void>> = []
    const timer = setInterval(() => {
      const sent = performance.now()
      probes.push(
        fetch(`${first.url}/healthz`).then(
          () => void answers.push(performance.now() - sent),
          () => void failed++,
        ),
      )
    }, 100)
    await waitFor(first, /^Ready: /m)
    clearInterval(timer)
    await Promise.all(probes)
    const loadSeconds = (performance.now() - loadStarted) / 1000
    const delay = await eventLoopDelay(first.url)
    if (failed > 0) throw new Error(`${failed} /healthz probes failed during the first start`)
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
      delay,
      healthz: { p99: percentile(answers, 99), max: Math.max(...answers), answers: answers.length },
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
      `load and fold ${result.loadSeconds.toFixed(1)} s; event-loop delay p99 ${ms(result.delay.p99)}, max ${ms(result.delay.max)}; ` +
      `/healthz max ${ms(result.healthz.max)} over ${result.healthz.answers} answers`,
  )
}

const mb = (n: number) => `${Math.round(n)} MB`
const of = (pick: (run: Run) => number) => median(results.map(pick))
const firstRss = of((r) => r.firstRss)
const restartRss = of((r) => r.restartRss)
const delayP99 = of((r) => r.delay.p99)
const healthzMax = of((r) => r.healthz.max)
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
  { backend: "pglite", measure: "event-loop delay p50 during the load", figure: ms(of((r) => r.delay.p50)) },
  {
    backend: "pglite",
    measure: "event-loop delay p99 during the load",
    figure: ms(delayP99),
    target: `< ${delayTargetMs} ms`,
    met: delayP99 < delayTargetMs,
  },
  { backend: "pglite", measure: "event-loop delay max during the load", figure: ms(of((r) => r.delay.max)) },
  {
    backend: "pglite",
    measure: "slowest /healthz answer during the load",
    figure: ms(healthzMax),
    target: `< ${healthzBoundMs} ms`,
    met: healthzMax < healthzBoundMs,
  },
])
