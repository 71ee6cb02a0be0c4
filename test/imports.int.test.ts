/**
 * `ledger import deals|activities|reps`, run as a user runs it (`node src/cli/bin.mjs` in a child process) on a
 * real store — PGlite always, PostgreSQL whenever TEST_DATABASE_URL is set — and a file of several
 * appends' worth of rows imported once.
 */
import { execFile } from "node:child_process"
import { once } from "node:events"
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { appendBatchEffect, importCsv } from "../src/ingest/csv/csvImport.js"
import { importSettings } from "../src/ingest/csv/importKinds.js"
import { EventStore } from "../src/store/EventStore.js"
import type { RecordedEvent } from "../src/store/eventLog.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import { openPostgres } from "../src/store/postgres.js"
import { readLog } from "../src/store/readLog.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { copyTemplateInto } from "./support/dataDirs.js"
import { type FreshDatabase, freshDatabase, postgresAvailable } from "./support/postgres.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(repoRoot, "src/cli/bin.mjs")
// Each command starts PGlite: about 5 s on an idle machine, 20 s and more on a loaded two-core one.
const slow = { timeout: 180_000 }
const commandTimeoutMs = 150_000

const workDir = mkdtempSync(path.join(tmpdir(), "ledger-imports-int-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))
const file = (name: string) => path.join(workDir, name)

type Store = { readonly env: NodeJS.ProcessEnv; open(): Promise<SqlDatabase> }
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
      return { env: userEnv({ LEDGER_DATA_DIR: dir }), open: () => openPglite(dir) }
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
      return { env: userEnv({ DATABASE_URL: database.url }), open: () => openPostgres(database.url) }
    },
    discard: async () => {
      await Promise.all(databases.map((database) => database.drop()))
    },
  }
}

type Run = { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs `ledger …args` on `store`. */
const ledger = (store: Store, args: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      // In the work folder: the rejects file goes to the current directory.
      { cwd: workDir, env: store.env, timeout: commandTimeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    )
    child.stdin?.end()
  })

/** The store's whole log (the command that wrote it has exited and let go of it). */
const logOf = async (store: Store): Promise<ReadonlyArray<RecordedEvent>> => {
  const db = await store.open()
  try {
    await migrate(db)
    return await readLog(db, { limit: 100_000 })
  } finally {
    await db.close()
  }
}

const keysOf = (log: ReadonlyArray<RecordedEvent>) => log.map((event) => event.idempotencyKey)

// A Salesforce Opportunities report as exported: every field quoted, US dates, a stage of this org's own (Verbal).
const header =
  '"Opportunity ID","Opportunity Owner","Account Name","Stage","Created Date","Close Date","Amount","Opportunity Currency"\r\n'
const rowA = '"006A","ana","Acme, Inc.","Closed Won","10/1/2026","11/20/2026","12,000.00","USD"\r\n'
const rowB = '"006B","bo","Globex","Negotiation/Review","10/5/2026","12/15/2026","5,000.00","USD"\r\n'
const rowC = '"006C","bo","Initech","Closed Lost","10/7/2026","11/2/2026","3,000.00","USD"\r\n'
const rowD = '"006D","cy","Umbrella","Verbal","10/9/2026","12/1/2026","8,000.00","USD"\r\n'

describe.each(postgresAvailable ? [pglite(), postgres()] : [pglite()])("ledger import deals on $name", (backend) => {
  afterAll(() => backend.discard())
  let store: Store
  const deals = file(`${backend.name}-deals.csv`)
  writeFileSync(deals, `\uFEFF${header}${rowA}${rowB}${rowC}${rowD}`)

  it(
    "--dry-run fails as the import would for an invalid row; with --skip-invalid it reports the events by type",
    slow,
    async () => {
      store = await backend.newStore()
      const refused = await ledger(store, ["import", "deals", deals, "--preset", "salesforce", "--dry-run"])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        /line 5, column "Stage": unknown stage "Verbal".*a dry run: nothing was stored, and the import would be refused: correct the file, or import the valid rows with --skip-invalid/,
      )
      const run = await ledger(store, [
        "import",
        "deals",
        deals,
        "--preset",
        "salesforce",
        "--dry-run",
        "--skip-invalid",
      ])
      expect(run).toMatchObject({ code: 0, stderr: "" })
      // A: DealOpened + DealWon; B: DealOpened; C: DealOpened + DealLost; D (line 5) is invalid.
      expect(run.stdout).toContain(
        "Dry run: nothing was stored. 4 rows, 5 events to import:\n  DealLost: 1\n  DealOpened: 3\n  DealWon: 1",
      )
      expect(run.stdout).toContain('line 5, column "Stage": unknown stage "Verbal"')
      expect(await logOf(store)).toEqual([])
    },
  )

  it("refuses the file for one invalid row, naming its line and column, and stores nothing", slow, async () => {
    const run = await ledger(store, ["import", "deals", deals, "--preset", "salesforce"])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /^ledger: .*deals\.csv, line 5, column "Stage": unknown stage "Verbal".*nothing was imported: correct the file, or import the valid rows with --skip-invalid; every invalid row is in [a-z]+-deals\.csv\.rejects\.csv\n$/,
    )
    expect(await logOf(store)).toEqual([])
    // Every invalid row, with the reason, in the current directory.
    expect(run.stderr).toContain(`every invalid row is in ${path.basename(deals)}.rejects.csv`)
    expect(readFileSync(`${deals}.rejects.csv`, "utf8")).toContain("006D,cy,Umbrella,Verbal")
  })

  it(
    "--skip-invalid imports the valid rows and writes the invalid one, with the reason, to the rejects file",
    slow,
    async () => {
      const run = await ledger(store, ["import", "deals", deals, "--preset", "salesforce", "--skip-invalid"])
      expect(run).toMatchObject({ code: 0, stderr: "" })
      expect(run.stdout).toContain("Imported 5 events from 4 rows")
      expect(run.stdout).toContain(`1 row(s) rejected, written with the reason to ${path.basename(deals)}.rejects.csv`)
      expect(readFileSync(`${deals}.rejects.csv`, "utf8")).toBe(
        "Opportunity ID,Opportunity Owner,Account Name,Stage,Created Date,Close Date,Amount,Opportunity Currency,Rejected because\r\n" +
          '006D,cy,Umbrella,Verbal,10/9/2026,12/1/2026,"8,000.00",USD,"line 5, column Stage: unknown stage ""Verbal""; say what it means with --stages ""Verbal=open"" (or won, lost), or ""*=open"" for every stage not listed"\r\n',
      )
      const log = await logOf(store)
      expect(keysOf(log)).toEqual([
        "csv:deals:006A:opened",
        "csv:deals:006A:won",
        "csv:deals:006B:opened",
        "csv:deals:006C:opened",
        "csv:deals:006C:lost",
      ])
      expect(log[0]).toMatchObject({
        streamId: "deal-006A",
        type: "DealOpened",
        occurredAt: "2026-10-01T12:00:00.000Z",
        data: {
          dealId: "006A",
          repId: "ana",
          accountId: "Acme, Inc.",
          amount: 12000,
          currency: "USD",
          source: "outbound",
        },
        metadata: { source: "csv", import: "deals" },
      })
    },
  )

  it("importing the same file again appends nothing", slow, async () => {
    const before = await logOf(store)
    const run = await ledger(store, ["import", "deals", deals, "--preset", "salesforce", "--skip-invalid"])
    expect(run).toMatchObject({ code: 0, stderr: "" })
    expect(run.stdout).toContain("Imported 0 events from 4 rows, 5 already in the ledger (imported before)")
    expect(await logOf(store)).toEqual(before)
  })

  it(
    "a later export appends only what changed: the open deal won (at its final amount), the corrected row",
    slow,
    async () => {
      const later = file(`${backend.name}-deals-later.csv`)
      // B closed, for 5,500 where it was opened at 5,000: the opening stays as first imported, the win counts at 5,500.
      const bWon = rowB.replace(
        '"Negotiation/Review","10/5/2026","12/15/2026","5,000.00"',
        '"Closed Won","10/5/2026","11/28/2026","5,500.00"',
      )
      writeFileSync(later, `${header}${rowA}${bWon}${rowC}${rowD.replace("Verbal", "Prospecting")}`)
      const run = await ledger(store, ["import", "deals", later, "--preset", "salesforce"])
      expect(run).toMatchObject({ code: 0, stderr: "" })
      // A's two events, B's opening and C's two are stored; B's DealWon and D's DealOpened are new.
      expect(run.stdout).toContain("Imported 2 events from 4 rows, 4 already in the ledger")
      expect(run.stdout).toContain("1 deal(s) were opened by an earlier import with other details")
      const log = await logOf(store)
      expect(keysOf(log).slice(5)).toEqual(["csv:deals:006B:won", "csv:deals:006D:opened"])
      expect(log[5]).toMatchObject({
        type: "DealWon",
        occurredAt: "2026-11-28T12:00:00.000Z",
        data: { dealId: "006B", amount: 5500 },
      })
      expect(log[2]).toMatchObject({ type: "DealOpened", data: { dealId: "006B", amount: 5000 } })
    },
  )

  it("a closed deal the ledger holds with another outcome stops the import at its row, and says so", slow, async () => {
    const before = await logOf(store)
    const changed = file(`${backend.name}-deals-changed.csv`)
    writeFileSync(changed, `${header}${rowA.replace("12,000.00", "15,000.00")}${rowC}`)
    const run = await ledger(store, ["import", "deals", changed, "--preset", "salesforce"])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /line 2: the ledger already holds this row's DealWon \(csv:deals:006A:won\) with other details.*nothing was imported/,
    )
    expect(await logOf(store)).toEqual(before)
  })
})

describe("ledger import reps and activities", () => {
  it("a roster linking CRM names, then activities credited by those names", slow, async () => {
    const store = await pglite().newStore()
    const roster = file("roster.csv")
    writeFileSync(
      roster,
      "Id,Name,Title,Team,Manager,Salesforce user\r\nmia,Mia Ross,Sales Manager,East,,Mia Ross\r\nana,Ana Lopez,Account Executive,East,mia,Ana Lopez\r\n",
    )
    const reps = await ledger(store, [
      "import",
      "reps",
      roster,
      "--columns",
      "repId=Id,name=Name,role=Title,team=Team,manager=Manager,identity=Salesforce user",
      "--identity-source",
      "salesforce",
    ])
    expect(reps).toMatchObject({ code: 0, stderr: "" })
    expect(reps.stdout).toContain(
      "Imported 4 events from 2 rows.\nThe rows' events:\n  RepIdentityLinked: 2\n  RepJoined: 2",
    )
    const activities = file("activities.csv")
    writeFileSync(
      activities,
      "Activity ID,Assigned,Subject,Type,Date,Account,Contact,Call Type,Call Duration,Call Result\r\n" +
        "00T1,Ana Lopez,Intro,Call,11/3/2026,Acme,,Outbound,95,\r\n" +
        "00T2,Ana Lopez,Demo,Meeting,11/4/2026,Acme,,,,\r\n",
    )
    const run = await ledger(store, [
      "import",
      "activities",
      activities,
      "--preset",
      "salesforce",
      "--identity-source",
      "salesforce",
    ])
    expect(run).toMatchObject({ code: 0, stderr: "" })
    const log = await logOf(store)
    expect(
      log
        .filter((e) => e.streamId.startsWith("call-") || e.streamId.startsWith("meeting-"))
        .map((e) => [e.type, e.data]),
    ).toEqual([
      [
        "CallLogged",
        {
          callId: "00T1",
          repId: "salesforce:Ana Lopez",
          accountId: "Acme",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 95,
        },
      ],
      [
        "MeetingBooked",
        {
          meetingId: "00T2",
          repId: "salesforce:Ana Lopez",
          accountId: "Acme",
          scheduledFor: "2026-11-04T12:00:00.000Z",
          source: "outbound",
        },
      ],
      ["MeetingHeld", { meetingId: "00T2", repId: "salesforce:Ana Lopez" }],
    ])
    expect(
      log.find((e) => e.type === "RepIdentityLinked" && (e.data as { repId: string }).repId === "ana")?.data,
    ).toEqual({
      repId: "ana",
      source: "salesforce",
      externalId: "Ana Lopez",
    })
  })
})

describe("a file of many rows", () => {
  // Enough rows for several of the import's 1,000-event appends; its memory at any size is measured by
  // bench/csvImport.ts (peak RSS against its target), not here.
  const rows = 2_500

  /** Writes an activity export of `rows` calls, a stream of chunks (the file is never whole in memory). */
  const writeCalls = async (target: string) => {
    const out = createWriteStream(target)
    out.write("\uFEFFActivity ID,Assigned,Type,Date,Account,Call Type,Call Duration,Notes\r\n")
    for (let i = 1; i <= rows; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0")
      const line = `call-${i},rep-${i % 40},Call,2026-11-${day} 09:${String(i % 60).padStart(2, "0")},acct-${i % 997},Outbound,${i % 300},"Left a note, then ""called back"""\r\n`
      if (!out.write(line)) await once(out, "drain")
    }
    out.end()
    await once(out, "finish")
  }

  it("imports every row once, reporting every 1,000 rows of both passes, and again appends nothing", async () => {
    const csv = file("calls-many.csv")
    await writeCalls(csv)
    const dir = file("pglite-many")
    const db = await openPglite(dir)
    await migrate(db)
    const runtime = ManagedRuntime.make(EventStore.layerOn(db))
    try {
      const settings = importSettings("activities", { preset: "salesforce" })
      if (!settings.ok) throw new Error(settings.reason)
      let updates = 0
      const importOnce = () =>
        importCsv({
          file: csv,
          settings: settings.settings,
          mode: "import",
          skipInvalid: false,
          append: (events) => runtime.runPromise(appendBatchEffect(events, { source: "csv" })),
          progress: { update: () => void updates++, done: () => {} },
        })
      const first = await importOnce()
      expect(first).toMatchObject({
        rows,
        rejected: 0,
        appended: rows,
        alreadyStored: 0,
        eventsByType: { CallLogged: rows },
      })
      // The check pass and the import pass each report every 1,000 rows, 2 each.
      expect(updates).toBe(2 * Math.floor(rows / 1_000))

      const again = await importOnce()
      expect(again).toMatchObject({ appended: 0, alreadyStored: rows })
      const [{ count }] = (await db.query<{ count: string }>("select count(*)::text as count from ledger_events")) as [
        { count: string },
      ]
      expect(Number(count)).toBe(rows)
    } finally {
      await runtime.dispose()
      await db.close()
    }
  })
})
