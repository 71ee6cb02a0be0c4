/**
 * @module An HTTP load generator for `POST /v1/events`, run on a worker thread so that the client
 * does not share the server's event loop (nor, with two or more cores, its core). Every event is
 * new: a call of its own (`call-<id>` stream, content-hash idempotency key), as a dialer sends them.
 *
 * @example
 * const report = await runHttpLoad({ url, apiKey, eventsPerRequest: 1, connections: 50, seconds: 2 })
 */
import http from "node:http"
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads"
import { percentile } from "./support/report.js"

export type LoadPlan = {
  readonly url: string
  readonly apiKey: string
  /** 1 sends one event as the body; more sends `{ events: [...] }`. */
  readonly eventsPerRequest: number
  /** Concurrent keep-alive connections, each sending its next request when the last is answered. */
  readonly connections: number
  readonly seconds: number
}

export type LoadReport = {
  readonly requests: number
  readonly events: number
  readonly seconds: number
  readonly eventsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Answers other than 201, by status (0: the request failed). */
  readonly failures: Record<string, number>
}

/** Runs `plan` on a worker thread and answers what it measured. */
export const runHttpLoad = (plan: LoadPlan): Promise<LoadReport> =>
  new Promise((resolve, reject) => {
    // Run from source, the worker loads this file through tsx too (Node 20 does not hand `--import`
    // loader hooks to a worker).
    const self = JSON.stringify(import.meta.url)
    const worker = import.meta.url.endsWith(".ts")
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => tsx.tsImport(${self}, ${self}))`,
          {
            eval: true,
            workerData: plan,
          },
        )
      : new Worker(new URL(import.meta.url), { workerData: plan })
    worker.once("message", (report: LoadReport) => resolve(report))
    worker.once("error", reject)
    worker.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`the load worker exited with ${code}`))))
  })

const callLogged = (callId: string) => ({
  type: "CallLogged",
  occurredAt: "2026-11-02T14:05:00Z",
  data: { callId, repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 95 },
})

const generate = async (plan: LoadPlan): Promise<LoadReport> => {
  const target = new URL("/v1/events", plan.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections })
  const run = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
  const latencies: number[] = []
  const failures: Record<string, number> = {}
  let requests = 0
  let events = 0
  let sequence = 0

  const post = (body: string) =>
    new Promise<number>((resolve) => {
      const request = http.request(
        target,
        {
          method: "POST",
          agent,
          headers: {
            authorization: `Bearer ${plan.apiKey}`,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (response) => {
          response.resume()
          response.on("end", () => resolve(response.statusCode ?? 0))
          response.on("error", () => resolve(0))
        },
      )
      request.on("error", () => resolve(0))
      request.end(body)
    })

  const start = performance.now()
  const end = start + plan.seconds * 1000
  await Promise.all(
    Array.from({ length: plan.connections }, async () => {
      while (performance.now() < end) {
        const batch = Array.from({ length: plan.eventsPerRequest }, () => callLogged(`load-${run}-${++sequence}`))
        const body = JSON.stringify(plan.eventsPerRequest === 1 ? batch[0] : { events: batch })
        const sent = performance.now()
        const status = await post(body)
        latencies.push(performance.now() - sent)
        requests += 1
        if (status === 201) events += batch.length
        else failures[String(status)] = (failures[String(status)] ?? 0) + 1
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  agent.destroy()
  return {
    requests,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
  }
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort
  generate(workerData as LoadPlan).then((report) => port.postMessage(report))
}
