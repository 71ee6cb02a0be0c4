/**
 * `ledger store copy --from <data dir> --to <postgres url>`, run as a user runs it (a child process),
 * from an embedded store that a server filled, into a fresh PostgreSQL database — whenever
 * TEST_DATABASE_URL names a server (skipped otherwise, like every PostgreSQL test).
 *
 * Given a demo team (about 7,900 events), an event sent over HTTP and one stored with an instant to the
 * microsecond: a copy interrupted by SIGKILL and run again leaves the target with every event at its
 * position, stream version, instants, idempotency key and metadata, the API keys and the ingestion
 * status, verified by count and SHA-256 (equal to that of `ledger events export`); events appended
 * to the source afterwards are copied by a third run; a target with a history of its own, and a
 * source a server is running on, are refused with nothing written; and a server started on the
 * target answers the scorecards the source's server answered.
 */
import { execFile, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadDemoTeam } from "../src/demo/index.js"
import { type RunningServer, startServer } from "../src/server.js"
import { appendToLog } from "../src/store/appendToLog.js"
import { archiveLine, archivePages } from "../src/store/eventArchive.js"
import type { NewEvent } from "../src/store/eventLog.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import { openPostgres } from "../src/store/postgres.js"
import { deliveryTally } from "../src/store/sources.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { copyStore } from "../src/store/storeCopy.js"
import { copyTemplateInto } from "./support/dataDirs.js"
import { type FreshDatabase, freshDatabase, postgresAvailable } from "./support/postgres.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(repoRoot, "src/cli/bin.mjs")
// A command starts PGlite (5 s idle, measured 20–30 s on a loaded two-core machine).
const slow = { timeout: 240_000 }

type Run = { readonly code: number; readonly stdout: string; readonly stderr: string }

const copyCommand = (from: string, to: string) => [bin, "store", "copy", "--from", from, "--to", to]

/** `ledger store copy`, to completion. */
const ledger = (args: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: repoRoot, timeout: 200_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    )
  })

const at = (instant: string, event: Omit<NewEvent, "occurredAt" | "schemaVersion" | "metadata">): NewEvent => ({
  ...event,
  occurredAt: instant,
  schemaVersion: 1,
  metadata: { source: "test", correlationId: `corr-${event.idempotencyKey}` },
})

/**
 * Every column of `table`, as text that compares across backends: timestamps in UTC to the microsecond (PGlite
 * runs in UTC, a server in any time zone), bigints as text (pg and PGlite parse them differently).
 */
const rowsOf = async (db: SqlDatabase, table: string, orderBy: string) => {
  const columns = await db.query<{ column_name: string; data_type: string }>(
    "select column_name, data_type from information_schema.columns where table_name = $1 order by ordinal_position",
    [table],
  )
  const select = columns.map(({ column_name: column, data_type: type }) =>
    type.startsWith("timestamp")
      ? `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as ${column}`
      : type === "bigint" || type === "xid8"
        ? `${column}::text as ${column}`
        : column,
  )
  return db.query<Record<string, unknown>>(`select ${select.join(", ")} from ${table} order by ${orderBy}`)
}

/** Every event, in log order, without the transaction id (the copying database's, not the event's). */
const eventRows = async (db: SqlDatabase) =>
  (await rowsOf(db, "ledger_events", "global_position")).map(({ transaction_id: _, ...event }) => event)

/**
 * SHA-256 of the log as `ledger events export` writes it, except that the one event stored to the microsecond
 * keeps its microseconds (the export, read through JavaScript dates, keeps milliseconds).
 */
const exportDigest = async (db: SqlDatabase): Promise<string> => {
  const digest = createHash("sha256")
  for await (const page of archivePages(db)) {
    for (const event of page) {
      const exact =
        event.idempotencyKey === "micro-call" ? { ...event, occurredAt: "2026-11-02T14:06:00.123456Z" } : event
      digest.update(`${archiveLine(exact)}\n`)
    }
  }
  return digest.digest("hex")
}

const countOn = async (url: string): Promise<number> => {
  const db = await openPostgres(url, { maxConnections: 1 })
  try {
    return Number((await db.query<{ n: string }>("select count(*) as n from ledger_events"))[0]?.n ?? 0)
  } catch {
    return 0 // not migrated yet
  } finally {
    await db.close()
  }
}

/** What a reader of the scorecards sees: the reps, each rep's scorecard, the team comparison, the targets. */
const scorecardAnswers = async (server: RunningServer, key: string) => {
  expect(await server.scorecardsCaughtUp(180_000)).toBe(true)
  const get = async (pathAndQuery: string) => {
    const response = await fetch(`${server.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } })
    return { status: response.status, body: await response.json() }
  }
  const window = "from=2026-09-01&to=2026-11-30"
  const reps = await get("/v1/reps")
  const repIds = (reps.body.reps as Array<{ repId: string }>).map((rep) => rep.repId).sort()
  return {
    reps,
    scorecards: await Promise.all(repIds.map((repId) => get(`/v1/reps/${repId}/scorecard?${window}&bucket=month`))),
    comparison: await get(`/v1/team/comparison?${window}`),
    targets: await get("/v1/accounts/targets"),
  }
}

const serverOn = (
  store: { readonly dataDir: string; readonly durability: "process" } | { readonly databaseUrl: string },
) => startServer({ port: 0, host: "127.0.0.1", store, bodyLimitBytes: 5 * 1024 * 1024 })

describe.runIf(postgresAvailable)("ledger store copy, from an embedded store into PostgreSQL", () => {
  let workDir: string
  let sourceDir: string
  let source: { readonly dataDir: string; readonly durability: "process" }
  let target: FreshDatabase
  let adminKey: string
  let sourceServer: RunningServer | undefined

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "ledger-store-copy-"))
    sourceDir = path.join(workDir, "source")
    await copyTemplateInto(sourceDir)
    source = { dataDir: sourceDir, durability: "process" }
    target = await freshDatabase()
    sourceServer = await serverOn(source)
    adminKey = sourceServer.firstAdminKey as string
    await loadDemoTeam(sourceServer.sql, { seed: 11, reps: 3, months: 2 })
    const precise = await fetch(`${sourceServer.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        type: "CallLogged",
        occurredAt: "2026-11-02T14:05:00.123Z",
        idempotencyKey: "precise-call",
        data: { callId: "precise", repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 42 },
      }),
    })
    expect(precise.status).toBe(201)
    // The HTTP API keeps instants to the millisecond; an import (restoreBatch) keeps what the file says.
    const micro = await appendToLog(sourceServer.sql, [
      {
        streamId: "call-micro",
        expected: "no_stream",
        events: [
          at("2026-11-02T14:06:00.123456Z", {
            type: "CallLogged",
            idempotencyKey: "micro-call",
            data: {
              callId: "micro",
              repId: "ana",
              direction: "outbound",
              disposition: "connected",
              durationSeconds: 7,
            },
          }),
        ],
      },
    ])
    expect(micro.ok).toBe(true)
    const deliveries = deliveryTally(sourceServer.sql)
    deliveries.record(
      "twilio",
      { kind: "rejected", status: 401, reason: "X-Twilio-Signature does not match" },
      new Date(),
    )
    await deliveries.close()
  }, 600_000)

  afterAll(async () => {
    await sourceServer?.close()
    await target?.drop()
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true })
  })

  it("refuses a source directory a server is running on, naming the process, and writes nothing", slow, async () => {
    const run = await ledger(copyCommand(sourceDir, target.url))
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain(`it is in use by process ${process.pid}`)
    expect(run.stderr).toContain("stop that server first")
    expect(await countOn(target.url)).toBe(0)
    await sourceServer?.close()
    sourceServer = undefined
  })

  it("refuses a --from that is not an embedded store, and a --to that is not PostgreSQL or not there", async () => {
    await expect(copyStore({ from: path.join(workDir, "nowhere"), to: target.url })).rejects.toThrow(
      /--from .*nowhere: no such directory/,
    )
    await expect(copyStore({ from: workDir, to: target.url })).rejects.toThrow(
      /is not an embedded store \(no PG_VERSION in it\)/,
    )
    await expect(copyStore({ from: sourceDir, to: "mysql://db/ledger" })).rejects.toThrow(
      /--to must be a PostgreSQL URL/,
    )
    const missing = new URL(target.url)
    missing.pathname = `/${target.name}_missing`
    await expect(copyStore({ from: sourceDir, to: missing.toString() })).rejects.toThrow(
      /cannot reach the target .*_missing: database .* does not exist/,
    )
  })

  it(
    "resumes a copy killed in the middle: the second run goes on after the batches the first committed",
    slow,
    async () => {
      const child = spawn(process.execPath, copyCommand(sourceDir, target.url), { cwd: repoRoot, stdio: "ignore" })
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
      let stored = 0
      while (stored === 0 && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        stored = await countOn(target.url)
      }
      child.kill("SIGKILL")
      expect(await exited).toBeNull() // killed, not finished
      const afterKill = await countOn(target.url)
      expect(afterKill).toBeGreaterThan(0)

      const resumed = await ledger(copyCommand(sourceDir, target.url))
      expect(resumed.stderr).toBe("")
      expect(resumed.code).toBe(0)
      expect(resumed.stdout).toMatch(
        new RegExp(`after the ${afterKill.toLocaleString("en-US")} an earlier copy had stored`),
      )
      expect(resumed.stdout).toContain("Read models were not copied")
    },
  )

  it("leaves every event on the target as in the source, and says the checksum both sides agree on", slow, async () => {
    let digest = ""
    let events = 0
    const [from, to] = [await openPglite(sourceDir, { durability: "process" }), await openPostgres(target.url)]
    try {
      const sourceEvents = await eventRows(from)
      expect(sourceEvents.length).toBeGreaterThan(6_000)
      expect(await eventRows(to)).toEqual(sourceEvents)
      expect(sourceEvents.find((row) => row.idempotency_key === "micro-call")?.occurred_at).toBe(
        "2026-11-02T14:06:00.123456",
      )

      expect(await rowsOf(to, "ledger_api_keys", `key_id collate "C"`)).toEqual(
        await rowsOf(from, "ledger_api_keys", `key_id collate "C"`),
      )
      expect(await rowsOf(to, "ledger_sources", `source collate "C"`)).toEqual(
        await rowsOf(from, "ledger_sources", `source collate "C"`),
      )
      expect((await from.query("select source from ledger_sources where source = 'twilio'")).length).toBe(1)
      // Read models are the target's server's to build.
      expect(await to.query("select name from ledger_read_models")).toEqual([])

      digest = await exportDigest(to)
      expect(await exportDigest(from)).toBe(digest)
      events = sourceEvents.length
    } finally {
      await from.close()
      await to.close()
    }
    // The checksum the copy prints (run again: nothing left to copy) is that of the canonical lines on either side.
    const again = await ledger(copyCommand(sourceDir, target.url))
    expect(again.stderr).toBe("")
    expect(again.stdout).toContain(
      `Nothing to copy: the target already holds all ${events.toLocaleString("en-US")} events`,
    )
    expect(again.stdout).toContain(`SHA-256 of the log in order ${digest} on both sides`)
  })

  it("copies what was appended to the source since the last copy, and only that", slow, async () => {
    const from = await openPglite(sourceDir, { durability: "process" })
    try {
      await migrate(from)
      const result = await appendToLog(from, [
        {
          streamId: "call-later-1",
          expected: "no_stream",
          events: [
            at("2026-11-20T10:00:00Z", {
              type: "CallLogged",
              idempotencyKey: "later-1",
              data: {
                callId: "later-1",
                repId: "ana",
                direction: "inbound",
                disposition: "connected",
                durationSeconds: 30,
              },
            }),
          ],
        },
        {
          streamId: "call-later-2",
          expected: "no_stream",
          events: [
            at("2026-11-20T11:00:00Z", {
              type: "CallLogged",
              idempotencyKey: "later-2",
              data: {
                callId: "later-2",
                repId: "ana",
                direction: "outbound",
                disposition: "no_answer",
                durationSeconds: 0,
              },
            }),
          ],
        },
      ])
      expect(result.ok).toBe(true)
    } finally {
      await from.close()
    }
    const run = await ledger(copyCommand(sourceDir, target.url))
    expect(run.stderr).toBe("")
    expect(run.stdout).toMatch(/^Copied 2 events from .*, after the [\d,]+ an earlier copy had stored/m)
  })

  it("refuses a target with a history of its own, and writes nothing to it", slow, async () => {
    const other = await freshDatabase()
    try {
      const db = await openPostgres(other.url)
      try {
        await migrate(db)
        const own = await appendToLog(db, [
          {
            streamId: "rep-zoe",
            expected: "no_stream",
            events: [
              at("2026-10-01T09:00:00Z", {
                type: "RepJoined",
                idempotencyKey: "zoe-joined",
                data: { repId: "zoe", name: "Zoe", role: "AE" },
              }),
            ],
          },
        ])
        expect(own.ok).toBe(true)
        const run = await ledger(copyCommand(sourceDir, other.url))
        expect(run.code).not.toBe(0)
        expect(run.stderr).toMatch(
          /already holds events, and its event #1 is not the source's \(RepJoined at position 1, rep-zoe version 1, key "zoe-joined" on the target/,
        )
        expect(run.stderr).toContain("copy into an empty database. Nothing was written")
        expect((await db.query("select idempotency_key from ledger_events")).map((row) => row.idempotency_key)).toEqual(
          ["zoe-joined"],
        )
      } finally {
        await db.close()
      }
    } finally {
      await other.drop()
    }
  })

  it(
    "a server on the target answers the scorecards the source's server answered, to the source's API key",
    slow,
    async () => {
      const onSource = await serverOn(source)
      let expected: Awaited<ReturnType<typeof scorecardAnswers>>
      try {
        expected = await scorecardAnswers(onSource, adminKey)
      } finally {
        await onSource.close()
      }
      expect(expected.scorecards.length).toBeGreaterThan(2)
      expect(expected.scorecards.every((answer) => answer.status === 200)).toBe(true)

      const onTarget = await serverOn({ databaseUrl: target.url })
      try {
        expect(onTarget.firstAdminKey).toBeUndefined() // the copied keys are there: no new admin key
        expect(await scorecardAnswers(onTarget, adminKey)).toEqual(expected)
      } finally {
        await onTarget.close()
      }
    },
  )
})
