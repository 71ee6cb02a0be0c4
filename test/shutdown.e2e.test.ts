/**
 * Graceful shutdown of `ledger serve` as an operator runs it: a process of its own, stopped with
 * SIGTERM while requests are in flight.
 */
import { spawn } from "node:child_process"
import { rm } from "node:fs/promises"
import http from "node:http"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { freshDataDir } from "./support/dataDirs.js"
import { freePort, savedAdminKey } from "./support/ledgerProcess.js"
import { events, type StoredEvent } from "./support/server.js"

const repositoryRoot = fileURLToPath(new URL("..", import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Serve = {
  readonly url: string
  /** What it wrote to stdout so far, line by line. */
  stdout(): ReadonlyArray<string>
  stderr(): string
  signal(name: NodeJS.Signals): void
  /** Resolves with the exit code once it has exited. */
  readonly exited: Promise<number | null>
}

const running = new Set<ReturnType<typeof spawn>>()
afterAll(() => {
  for (const child of running) child.kill("SIGKILL")
})

/** `ledger serve --empty` on `dataDir`, resolved once it has printed the URL it listens on. */
const startServe = async (dataDir: string, env: Record<string, string> = {}): Promise<Serve> => {
  const { DATABASE_URL: _url, ...inherited } = process.env
  const child = spawn(process.execPath, ["src/cli/bin.mjs", "serve", "--empty"], {
    cwd: repositoryRoot,
    env: {
      ...inherited,
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      LEDGER_DATA_DIR: dataDir,
      LEDGER_LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  })
  running.add(child)
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child)
      resolve(code)
    }),
  )
  const deadline = Date.now() + 120_000
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1]
    if (url !== undefined) {
      return {
        url,
        stdout: () => stdout.split("\n").filter((l) => l !== ""),
        stderr: () => stderr,
        signal: (name) => child.kill(name),
        exited,
      }
    }
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`ledger serve did not start:\n${stdout}\n${stderr}`)
    await sleep(50)
  }
}

const post = (url: string, key: string, body: unknown) =>
  fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  })

/** The whole log, paged through `GET /v1/events`. */
const readLog = async (url: string, key: string): Promise<ReadonlyArray<StoredEvent>> => {
  const all: StoredEvent[] = []
  for (let after = "0-0"; ; ) {
    const page = (await (
      await fetch(`${url}/v1/events?limit=5000&after=${after}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      events: StoredEvent[]
      next: string
    }
    if (page.events.length === 0) return all
    all.push(...page.events)
    after = page.next
  }
}

describe("ledger serve on SIGTERM", () => {
  it("finishes the requests in flight, stores every acknowledged event, refuses new ones, exits 0 and frees the data directory", async () => {
    const dataDir = await freshDataDir("ledger-shutdown-")
    try {
      // A bound a loaded test machine meets (the default, 10 s, is for a server that is not shared).
      const first = await startServe(dataDir, { LEDGER_SHUTDOWN_TIMEOUT_MS: "120000" })
      const key = await savedAdminKey(dataDir)
      // Batches big enough that the store takes a while over each: some are still being answered at SIGTERM.
      let signalledAt = Number.POSITIVE_INFINITY
      const sent = Array.from({ length: 6 }, (_, request) => {
        const batch = Array.from({ length: 1_000 }, (_, i) => events.callLogged(`call-${request}-${i}`))
        return post(first.url, key, { events: batch }).then(
          async (answer) => ({
            status: answer.status,
            answeredAt: performance.now(),
            stored: ((await answer.json()) as { events?: StoredEvent[] }).events ?? [],
          }),
          (error: unknown) => ({ status: 0, answeredAt: performance.now(), stored: [], error }),
        )
      })
      await Promise.race(sent)
      first.signal("SIGTERM")
      signalledAt = performance.now()
      // Once it says it is shutting down, a new request is refused: no connection, or 503.
      while (!first.stdout().some((l) => l.includes("shutting down"))) await sleep(10)
      const late = await post(first.url, key, events.callLogged("call-late")).then(
        (answer) => answer.status,
        () => "refused" as const,
      )
      const answers = await Promise.all(sent)
      const code = await first.exited

      expect({ code, stderr: first.stderr() }).toEqual({ code: 0, stderr: "" })
      expect([503, "refused"]).toContain(late)
      const acknowledged = answers.filter((a) => a.status === 201)
      expect(acknowledged.length).toBeGreaterThan(0)
      // Answered after the signal: it was in flight when SIGTERM came, and was finished, not cut.
      expect(acknowledged.some((a) => a.answeredAt > signalledAt)).toBe(true)
      // Every stdout line is the CLI's own words or a JSON log line with its request id.
      const logLines = first
        .stdout()
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg: string; requestId?: string })
      expect(logLines.filter((l) => l.msg === "request").every((l) => typeof l.requestId === "string")).toBe(true)
      expect(logLines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(["shutting down: refusing new requests, finishing those in flight", "stopped"]),
      )

      // The lock is released: a new server opens the same directory at once, and holds every acknowledged event once.
      const second = await startServe(dataDir)
      try {
        const log = await readLog(second.url, key)
        const stored = new Map<string, number>()
        for (const event of log) stored.set(event.idempotencyKey, (stored.get(event.idempotencyKey) ?? 0) + 1)
        const acknowledgedKeys = acknowledged.flatMap((a) => a.stored.map((e) => e.idempotencyKey))
        expect(acknowledgedKeys).toHaveLength(acknowledged.length * 1_000)
        expect(acknowledgedKeys.filter((k) => stored.get(k) !== 1)).toEqual([])
        expect(stored.has(events.callLogged("call-late").idempotencyKey ?? "none")).toBe(false)
      } finally {
        second.signal("SIGTERM")
        expect(await second.exited).toBe(0)
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 300_000)

  it("exits 1 at LEDGER_SHUTDOWN_TIMEOUT_MS, naming the request it could not finish", async () => {
    const dataDir = await freshDataDir("ledger-shutdown-")
    try {
      const server = await startServe(dataDir, { LEDGER_SHUTDOWN_TIMEOUT_MS: "2000" })
      const key = await savedAdminKey(dataDir)
      // A client that sends the start of its body and then nothing: the request stays in flight.
      const stalled = http.request(`${server.url}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      })
      stalled.on("error", () => {})
      stalled.write('{"events":[')
      const inFlight = async () => {
        const text = await (
          await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })
        ).text()
        return Number(/^ledger_http_requests_in_flight (\d+)$/m.exec(text)?.[1] ?? 0)
      }
      while ((await inFlight()) < 2) await sleep(50) // the stalled request, and this scrape
      server.signal("SIGTERM")

      expect(await server.exited).toBe(1)
      expect(server.stderr()).toMatch(
        /^ledger: shutdown unfinished after \d+ ms \(LEDGER_SHUTDOWN_TIMEOUT_MS=2000\): was finishing the requests in flight; requests still in flight: POST \/v1\/events \(request [\w-]+, for \d+ ms\)\n$/,
      )
      stalled.destroy()
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 300_000)
})
