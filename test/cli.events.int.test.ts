/**
 * `ledger events export` and `ledger events import`, run as a user runs them (`node src/cli/bin.mjs` in a child
 * process), on PGlite always and on PostgreSQL whenever TEST_DATABASE_URL is set.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { copyTemplateInto } from "./support/dataDirs.js"
import { type FreshDatabase, freshDatabase, postgresAvailable } from "./support/postgres.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(repoRoot, "src/cli/bin.mjs")
// Each command starts PGlite: about 5 s on an idle machine, measured at 20 s on a loaded two-core one.
const slow = { timeout: 120_000 }
/** A command still running by then is stopped, so that it does not hold the data directory for the next test. */
const commandTimeoutMs = 110_000

const workDir = mkdtempSync(path.join(tmpdir(), "ledger-cli-events-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))
const file = (name: string) => path.join(workDir, name)

/** Where a store lives, as the environment of a user of that store. */
type Store = { readonly env: NodeJS.ProcessEnv }

type Backend = { readonly name: string; newStore(): Promise<Store>; discard(): Promise<void> }

const userEnv = (where: Record<string, string>): NodeJS.ProcessEnv => {
  const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, ...env } = process.env
  return { ...env, ...where }
}

const pglite = (): Backend => {
  let stores = 0
  return {
    name: "pglite",
    newStore: async () => {
      const dir = file(`pglite-${++stores}`)
      await copyTemplateInto(dir)
      return { env: userEnv({ LEDGER_DATA_DIR: dir }) }
    },
    discard: async () => {},
  }
}

const postgres = (): Backend => {
  const databases: FreshDatabase[] = []
  return {
    name: "postgres",
    newStore: async () => {
      const database = await freshDatabase()
      databases.push(database)
      return { env: userEnv({ DATABASE_URL: database.url }) }
    },
    discard: async () => {
      await Promise.all(databases.map((database) => database.drop()))
    },
  }
}

type Run = { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs `ledger …args` on `store`, with `input` on its stdin. */
const ledger = (store: Store, args: ReadonlyArray<string>, input?: string): Promise<Run> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { cwd: repoRoot, env: store.env, timeout: commandTimeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    )
    child.stdin?.on("error", () => {}) // a command that does not read stdin may exit before it is written
    child.stdin?.end(input ?? "")
  })

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "")

/**
 * A small log as another ledger could have exported it: a rep, a quota, a call, a meeting booked and held,
 * a deal opened and won. Positions have gaps (rolled-back appends) and do not always ascend: the log is
 * ordered by transaction first, and the transaction that took position 4 committed before the one that took 3.
 */
const seed = [
  {
    position: 1,
    streamId: "rep-ana",
    streamVersion: 1,
    type: "RepJoined",
    schemaVersion: 1,
    data: { repId: "ana", name: "Ana", role: "AE" },
    metadata: { source: "api" },
    occurredAt: "2026-10-01T09:00:00Z",
    recordedAt: "2026-10-01T09:00:01.123Z",
    idempotencyKey: "rep-ana-joined",
  },
  {
    position: 2,
    streamId: "rep-ana",
    streamVersion: 2,
    type: "QuotaSet",
    schemaVersion: 1,
    data: { repId: "ana", period: "2026-Q4", amount: 120000, currency: "EUR" },
    metadata: { source: "api" },
    occurredAt: "2026-10-01T09:05:00Z",
    recordedAt: "2026-10-01T09:05:00.500Z",
    idempotencyKey: "quota-ana-2026-Q4",
  },
  {
    position: 4,
    streamId: "call-c1",
    streamVersion: 1,
    type: "CallLogged",
    schemaVersion: 1,
    data: {
      callId: "c1",
      repId: "ana",
      accountId: "acme",
      direction: "outbound",
      disposition: "connected",
      durationSeconds: 312,
    },
    metadata: { source: "aircall", correlationId: "req-7" },
    occurredAt: "2026-10-02T12:00:00+02:00",
    recordedAt: "2026-10-02T10:00:02Z",
    idempotencyKey: "aircall:c1",
  },
  {
    position: 3,
    streamId: "meeting-m1",
    streamVersion: 1,
    type: "MeetingBooked",
    schemaVersion: 1,
    data: {
      meetingId: "m1",
      repId: "ana",
      accountId: "acme",
      scheduledFor: "2026-10-05T14:00:00Z",
      source: "outbound",
    },
    metadata: { source: "calendly" },
    occurredAt: "2026-10-02T10:10:00Z",
    recordedAt: "2026-10-02T10:10:00.010Z",
    idempotencyKey: "calendly:m1",
  },
  {
    position: 6,
    streamId: "deal-d1",
    streamVersion: 1,
    type: "DealOpened",
    schemaVersion: 1,
    data: { dealId: "d1", repId: "ana", accountId: "acme", amount: 50000, currency: "EUR", source: "outbound" },
    metadata: { source: "api" },
    occurredAt: "2026-10-06T08:00:00Z",
    recordedAt: "2026-10-06T08:00:00.250Z",
    idempotencyKey: "deal-d1-opened",
  },
  {
    position: 7,
    streamId: "meeting-m1",
    streamVersion: 2,
    type: "MeetingHeld",
    schemaVersion: 1,
    data: { meetingId: "m1" },
    metadata: { source: "calendly" },
    occurredAt: "2026-10-05T15:00:00Z",
    recordedAt: "2026-10-06T08:00:00.300Z",
    idempotencyKey: "calendly:m1:held",
  },
  {
    position: 9,
    streamId: "deal-d1",
    streamVersion: 2,
    type: "DealWon",
    schemaVersion: 1,
    data: { dealId: "d1", amount: 55000 },
    metadata: { source: "api" },
    occurredAt: "2026-11-20T17:30:00Z",
    recordedAt: "2026-11-20T17:30:00.999Z",
    idempotencyKey: "deal-d1-won",
  },
]
const ndjson = (events: ReadonlyArray<unknown>) => events.map((event) => `${JSON.stringify(event)}\n`).join("")

/** The seed as an export writes it: instants in UTC with milliseconds, everything else as given. */
const seedAsExported = seed.map((event) => ({
  ...event,
  occurredAt: new Date(event.occurredAt).toISOString(),
  recordedAt: new Date(event.recordedAt).toISOString(),
}))

const backends = [pglite(), ...(postgresAvailable ? [postgres()] : [])]

describe.each(backends)("ledger events on $name", (backend) => {
  let first: Store
  let second: Store
  let third: Store
  let exported: string

  beforeAll(async () => {
    ;[first, second, third] = await Promise.all([backend.newStore(), backend.newStore(), backend.newStore()])
    writeFileSync(file(`${backend.name}-seed.ndjson`), ndjson(seed))
  })
  afterAll(() => backend.discard())

  it("imports an archive into an empty store at its positions, in its order, and exports it back", slow, async () => {
    const imported = await ledger(first, ["events", "import", file(`${backend.name}-seed.ndjson`)])
    const exportRun = await ledger(first, ["events", "export", "--output", file(`${backend.name}-first.ndjson`)])

    expect(imported).toMatchObject({
      code: 0,
      stdout: "Imported 7 events as exported (same positions, stream versions and instants).\n",
    })
    expect(exportRun).toMatchObject({
      code: 0,
      stdout: `Exported 7 events to ${file(`${backend.name}-first.ndjson`)}.\n`,
    })
    exported = readFileSync(file(`${backend.name}-first.ndjson`), "utf8")
    const exportedLines = lines(exported)
    expect(exportedLines.map((line) => JSON.parse(line))).toEqual(seedAsExported)
    expect(exportedLines.every((line) => !line.includes("transactionId"))).toBe(true)
    expect(Object.keys(JSON.parse(exportedLines[0]!))).toEqual([
      "position",
      "streamId",
      "streamVersion",
      "type",
      "schemaVersion",
      "data",
      "metadata",
      "occurredAt",
      "recordedAt",
      "idempotencyKey",
    ])
  })

  it(
    "round-trips byte for byte: the export, imported into a new store from stdin, exports the same bytes",
    slow,
    async () => {
      const imported = await ledger(second, ["events", "import", "-"], exported)
      const again = await ledger(second, ["events", "export"])

      expect(imported).toMatchObject({
        code: 0,
        stdout: "Imported 7 events as exported (same positions, stream versions and instants).\n",
      })
      expect(again.code).toBe(0)
      expect(again.stdout).toBe(exported)
    },
  )

  it("appends nothing when the same file is imported again, and says so", slow, async () => {
    const imported = await ledger(second, ["events", "import", file(`${backend.name}-first.ndjson`)])
    const again = await ledger(second, ["events", "export"])

    expect(imported).toMatchObject({
      code: 0,
      stdout: "Nothing imported: the store already holds all 7 events of the file.\n",
    })
    expect(again.stdout).toBe(exported)
  })

  it("refuses a file whose line 3 is invalid, naming the line and the field, and stores nothing", slow, async () => {
    const invalid = seed.map((event, index) =>
      index === 2 ? { ...event, data: { ...event.data, durationSeconds: "five minutes" } } : event,
    )
    writeFileSync(file(`${backend.name}-invalid.ndjson`), ndjson(invalid))

    const imported = await ledger(third, ["events", "import", file(`${backend.name}-invalid.ndjson`)])
    const stored = await ledger(third, ["events", "export"])

    expect(imported.code).not.toBe(0)
    expect(lines(imported.stderr)).toEqual([
      "ledger: line 3, field data.durationSeconds: Invalid input: expected number, received string; " +
        "nothing was imported: correct the file and import it again",
    ])
    expect(stored).toMatchObject({ code: 0, stdout: "" })
  })

  it("appends into a store with events of its own, after them, and only once", slow, async () => {
    const own = {
      position: 1,
      streamId: "rep-bo",
      streamVersion: 1,
      type: "RepJoined",
      schemaVersion: 1,
      data: { repId: "bo", name: "Bo", role: "BDR" },
      metadata: { source: "csv" },
      occurredAt: "2026-09-01T09:00:00.000Z",
      recordedAt: "2026-09-01T09:00:00.000Z",
      idempotencyKey: "rep-bo-joined",
    }
    expect((await ledger(third, ["events", "import", "-"], ndjson([own]))).stdout).toBe(
      "Imported 1 event as exported (same positions, stream versions and instants).\n",
    )

    const imported = await ledger(third, ["events", "import", file(`${backend.name}-first.ndjson`)])
    const reimported = await ledger(third, ["events", "import", file(`${backend.name}-first.ndjson`)])
    const stored = lines((await ledger(third, ["events", "export"])).stdout).map((line) => JSON.parse(line))

    expect(imported).toMatchObject({
      code: 0,
      stdout: "Imported 7 events after the store's own events, with new positions.\n",
    })
    expect(reimported).toMatchObject({
      code: 0,
      stdout: "Nothing imported: the store already holds all 7 events of the file.\n",
    })
    // Bo first, then the file in its order at the next positions; streams new to this store keep their versions.
    expect(stored.map((event) => [event.position, event.idempotencyKey, event.streamVersion])).toEqual([
      [1, "rep-bo-joined", 1],
      [2, "rep-ana-joined", 1],
      [3, "quota-ana-2026-Q4", 2],
      [4, "aircall:c1", 1],
      [5, "calendly:m1", 1],
      [6, "deal-d1-opened", 1],
      [7, "calendly:m1:held", 2],
      [8, "deal-d1-won", 2],
    ])
    expect(stored[8 - 1]).toMatchObject({
      data: { dealId: "d1", amount: 55000 },
      metadata: { source: "api" },
      occurredAt: "2026-11-20T17:30:00.000Z",
    })
  })

  it("refuses what the deal's own rules refuse: a deal won twice", slow, async () => {
    const wonAgain = { ...seed[6]!, position: 10, streamVersion: 3, idempotencyKey: "deal-d1-won-again" }

    const imported = await ledger(third, ["events", "import", "-"], ndjson([wonAgain]))

    expect(imported.code).not.toBe(0)
    expect(lines(imported.stderr)).toEqual([
      "ledger: stream deal-d1 refuses the events from line 1 on: deal d1 is already won: a closed deal cannot change; nothing was imported",
    ])
  })
})
