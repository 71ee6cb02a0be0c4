/**
 * @module `npm run bench:responsiveness`: whether the server keeps answering while it works. One real
 * `ledger serve` on an empty embedded store goes through the long tasks a user can set off, one after
 * the other on the same store:
 *
 * 1. the first start's demo load and its fold (listening → the `Ready:` line);
 * 2. a large CSV import over HTTP (`POST /v1/imports/activities`, BENCH_IMPORT_ROWS rows, default
 *    1,000,000 calls), then the fold of what it appended;
 * 3. a rebuild of the scorecards (`POST /v1/admin/rebuild`) until the new generation answers;
 * 4. an as-of what-if (`POST /v1/what-if/coverage` with `asOf`), whose first request copies the log.
 *
 * Through each, a probe sends `GET /healthz` every 100 ms and times each answer, and the server's own
 * event-loop delay (`perf_hooks.monitorEventLoopDelay`, 10 ms resolution, read from its `/metrics`,
 * whose histogram is reset at each scrape: one scrape before the task, one after) gives p50, p99 and
 * the longest stall. Targets (issue 21): p99 < 200 ms, and every `/healthz` answered within 1 s.
 *
 * Options (environment): BENCH_IMPORT_ROWS (default 1,000,000).
 */
import { createWriteStream, readFileSync, statSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { freePort } from "../test/support/ledgerProcess.js"
import { type BenchServer, startServer, stopServer, waitForOutput } from "./support/benchServer.js"
import { describeMachine, ms, percentile, printTable, type Row } from "./support/report.js"

const importRows = Math.max(1, Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000))
const delayTargetMs = 200
const healthzBoundMs = 1_000
const probeEveryMs = 100

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait))

/** The server's event-loop delay since the last scrape (prom-client resets its histogram at each), in ms. */
const eventLoopDelay = async (url: string) => {
  const text = await (await get(`${url}/metrics`)).text()
  const seconds = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1])
  return {
    p50: seconds("nodejs_eventloop_lag_p50_seconds") * 1000,
    p99: seconds("nodejs_eventloop_lag_p99_seconds") * 1000,
    max: seconds("nodejs_eventloop_lag_max_seconds") * 1000,
  }
}

/**
 * A GET, sent again once when the server closed the kept-alive connection as it was reused (an idle
 * connection's timeout racing the next request: "other side closed", not a refusal to answer).
 */
const get = async (url: string, init: RequestInit = {}): Promise<Response> => {
  try {
    return await fetch(url, init)
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw error
    return fetch(url, init)
  }
}

type Watched = {
  readonly task: string
  readonly seconds: number
  readonly delay: { readonly p50: number; readonly p99: number; readonly max: number }
  readonly healthz: { readonly p50: number; readonly p99: number; readonly max: number; readonly answers: number }
}

/** Runs `task` while probing `/healthz` and reading the server's event-loop delay around it. */
const watch = async (server: BenchServer, task: string, work: () => Promise<void>): Promise<Watched> => {
  await eventLoopDelay(server.url) // resets the histogram: from here on, the task
  const answers: number[] = []
  const failures: string[] = []
  const probes: Array<Promise<void>> = []
  const timer = setInterval(() => {
    const sent = performance.now()
    probes.push(
      get(`${server.url}/healthz`, { signal: AbortSignal.timeout(60_000) }).then(
        async (answer) => {
          await answer.arrayBuffer()
          if (answer.status === 200) answers.push(performance.now() - sent)
          else failures.push(`status ${answer.status}`)
        },
        (error: Error) => void failures.push(error.message),
      ),
    )
  }, probeEveryMs)
  const started = performance.now()
  try {
    await work()
  } finally {
    clearInterval(timer)
    await Promise.all(probes)
  }
  const seconds = (performance.now() - started) / 1000
  const delay = await eventLoopDelay(server.url)
  if (failures.length > 0) throw new Error(`${failures.length} /healthz probes failed during ${task}: ${failures[0]}`)
  const result: Watched = {
    task,
    seconds,
    delay,
    healthz: {
      p50: percentile(answers, 50),
      p99: percentile(answers, 99),
      max: Math.max(...answers),
      answers: answers.length,
    },
  }
  console.log(
    `${task}: ${seconds.toFixed(1)} s; event-loop delay p50 ${ms(delay.p50)}, p99 ${ms(delay.p99)}, max ${ms(delay.max)}; ` +
      `/healthz p50 ${ms(result.healthz.p50)}, p99 ${ms(result.healthz.p99)}, max ${ms(result.healthz.max)} over ${answers.length} answers`,
  )
  return result
}

/** Resolves once the scorecards have applied every committed event (GET /readyz, every 2 s: its lag is a count). */
const caughtUp = async (server: BenchServer): Promise<void> => {
  for (;;) {
    const answer = (await (await get(`${server.url}/readyz`)).json()) as { lag?: { events: number } }
    if (answer.lag?.events === 0) return
    await sleep(2_000)
  }
}

/** An activities export of `rows` calls over the year before today, 50 owners, as a CRM writes it. */
const writeCallsCsv = async (file: string, rows: number): Promise<void> => {
  const out = createWriteStream(file)
  const yearMs = 365 * 86_400_000
  const startMs = Date.now() - yearMs
  out.write("activityId,owner,type,occurredAt,direction,duration\n")
  for (let i = 0; i < rows; i++) {
    const at = new Date(startMs + Math.floor((i / rows) * yearMs)).toISOString()
    const line = `bench-call-${i},bench-rep-${i % 50},call,${at},outbound,${i % 7 === 0 ? "4:05" : "0:00"}\n`
    if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()))
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
}

const post = async (server: BenchServer, key: string, route: string, body: string | Blob, contentType: string) => {
  const answer = await fetch(`${server.url}${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": contentType },
    body,
    signal: AbortSignal.timeout(30 * 60_000),
  })
  const text = await answer.text()
  if (answer.status >= 300) throw new Error(`${route} answered ${answer.status}: ${text}`)
  return text
}

console.log(`responsiveness through long tasks, ${importRows.toLocaleString("en-US")}-row import; ${describeMachine()}`)
const workDir = await mkdtemp(path.join(tmpdir(), "ledger-bench-responsiveness-"))
const dataDir = path.join(workDir, "data")
const csvFile = path.join(workDir, "calls.csv")
const results: Watched[] = []
let server: BenchServer | undefined
try {
  await writeCallsCsv(csvFile, importRows)
  const csvBytes = statSync(csvFile).size
  server = startServer(dataDir, await freePort())
  const running = server
  await waitForOutput(running, /listening on /)
  results.push(await watch(running, "first start: demo load and fold", () => waitForOutput(running, /^Ready: /m)))
  const key = readFileSync(path.join(dataDir, "admin-key.txt"), "utf8").trim()

  const csv = new Blob([readFileSync(csvFile)])
  results.push(
    await watch(
      running,
      `CSV import, ${importRows.toLocaleString("en-US")} calls (${Math.round(csvBytes / 2 ** 20)} MiB)`,
      async () => {
        await post(running, key, "/v1/imports/activities", csv, "text/csv")
      },
    ),
  )
  results.push(await watch(running, "the fold of the imported calls", () => caughtUp(running)))

  results.push(
    await watch(running, "rebuild of the scorecards", async () => {
      await post(running, key, "/v1/admin/rebuild", "", "application/json")
      for (;;) {
        await sleep(1_000)
        const answer = await get(`${running.url}/v1/admin/read-models`, {
          headers: { authorization: `Bearer ${key}` },
        })
        const { generations } = (await answer.json()) as { generations: Array<{ status: string }> }
        if (!generations.some((g) => g.status === "building")) return
      }
    }),
  )

  const today = new Date().toISOString().slice(0, 10)
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10)
  const events = Number(
    /Loaded the demo team \(seed 7\): ([\d,]+) events/.exec(running.output)?.[1]?.replaceAll(",", "") ?? Number.NaN,
  )
  results.push(
    await watch(
      running,
      `as-of what-if, first (copies the log: ~${Math.round((events + importRows) / 1000).toLocaleString("en-US")}k events)`,
      async () => {
        await post(
          running,
          key,
          "/v1/what-if/coverage",
          JSON.stringify({
            coverageTarget: 3,
            from: yearAgo,
            to: today,
            period: "quarter",
            asOf: { recorded: new Date().toISOString() },
          }),
          "application/json",
        )
      },
    ),
  )
} finally {
  if (server !== undefined) await stopServer(server)
  await rm(workDir, { recursive: true, force: true })
}

const rows: Row[] = results.flatMap((r) => [
  {
    backend: "pglite",
    measure: `${r.task} (${r.seconds.toFixed(1)} s): event-loop delay p50 / p99 / max`,
    figure: `${ms(r.delay.p50)} / ${ms(r.delay.p99)} / ${ms(r.delay.max)}`,
    target: `p99 < ${delayTargetMs} ms`,
    met: r.delay.p99 < delayTargetMs,
  },
  {
    backend: "pglite",
    measure: `${r.task}: /healthz p50 / p99 / max (${r.healthz.answers} answers)`,
    figure: `${ms(r.healthz.p50)} / ${ms(r.healthz.p99)} / ${ms(r.healthz.max)}`,
    target: `max < ${healthzBoundMs} ms`,
    met: r.healthz.max < healthzBoundMs,
  },
])
printTable("The server answering through long tasks (embedded store)", rows)
