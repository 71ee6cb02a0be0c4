/**
 * `ledger reps link`, run as a user runs it (`node src/cli/bin.mjs` in a child process), on a PGlite
 * data directory always and on PostgreSQL (DATABASE_URL) whenever TEST_DATABASE_URL is set. The store
 * is seeded in this process (and closed) before each command opens it.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { foldAll, repDayKey } from "../projections/index.js"
import { toLedgerEvent } from "../src/runtime/batchFold.js"
import { appendToLog } from "../src/store/appendToLog.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import { openPostgres } from "../src/store/postgres.js"
import { readLog } from "../src/store/readLog.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { copyTemplateInto } from "./support/dataDirs.js"
import { freshDatabase, postgresAvailable } from "./support/postgres.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(repoRoot, "src/cli/bin.mjs")
// Each command starts PGlite: about 5 s on an idle machine, measured at 20 s on a loaded two-core one.
const slow = { timeout: 120_000 }
const commandTimeoutMs = 110_000

const workDir = mkdtempSync(path.join(tmpdir(), "ledger-cli-reps-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

type Store = { readonly env: NodeJS.ProcessEnv; open(): Promise<SqlDatabase>; discard(): Promise<void> }

const userEnv = (where: Record<string, string>): NodeJS.ProcessEnv => {
  const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, ...env } = process.env
  return { ...env, ...where }
}

const backends: ReadonlyArray<{ readonly name: string; newStore(): Promise<Store> }> = [
  {
    name: "pglite",
    newStore: async () => {
      const dataDir = path.join(workDir, "pglite")
      await copyTemplateInto(dataDir)
      return { env: userEnv({ LEDGER_DATA_DIR: dataDir }), open: () => openPglite(dataDir), discard: async () => {} }
    },
  },
  ...(postgresAvailable
    ? [
        {
          name: "postgres",
          newStore: async (): Promise<Store> => {
            const database = await freshDatabase()
            return {
              env: userEnv({ DATABASE_URL: database.url }),
              open: () => openPostgres(database.url),
              discard: database.drop,
            }
          },
        },
      ]
    : []),
]

type Run = { readonly code: number; readonly stdout: string; readonly stderr: string }

const ledger = (store: Store, ...args: string[]): Promise<Run> =>
  new Promise((resolve) =>
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: repoRoot, env: store.env, timeout: commandTimeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    ),
  )

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "")

/** Runs `work` on the store opened in this process, closed afterwards (the data directory's lock with it). */
const withStore = async <A>(store: Store, work: (db: SqlDatabase) => Promise<A>): Promise<A> => {
  const db = await store.open()
  try {
    await migrate(db)
    return await work(db)
  } finally {
    await db.close()
  }
}

const appendEach = async (
  db: SqlDatabase,
  events: ReadonlyArray<{ streamId: string; type: string; data: Record<string, unknown>; occurredAt: string }>,
) => {
  for (const [i, event] of events.entries()) {
    const result = await appendToLog(db, [
      {
        streamId: event.streamId,
        expected: "any",
        events: [
          {
            type: event.type,
            schemaVersion: 1,
            data: event.data,
            metadata: {},
            occurredAt: event.occurredAt,
            idempotencyKey: `seed-${i}`,
          },
        ],
      },
    ])
    if (!result.ok) throw new Error(JSON.stringify(result.rejection))
  }
}

const wholeLog = (db: SqlDatabase) => readLog(db, { limit: 10_000 })

describe.each(backends)("ledger reps link on $name", (backend) => {
  let store: Store
  beforeAll(async () => {
    store = await backend.newStore()
    // ana and bo joined; aircall:123 made two calls on Nov 2 before anyone linked it.
    await withStore(store, (db) =>
      appendEach(db, [
        {
          streamId: "rep-ana",
          type: "RepJoined",
          data: { repId: "ana", name: "Ana", role: "AE" },
          occurredAt: "2026-10-01T09:00:00Z",
        },
        {
          streamId: "rep-bo",
          type: "RepJoined",
          data: { repId: "bo", name: "Bo", role: "BDR" },
          occurredAt: "2026-10-01T09:00:00Z",
        },
        ...["c1", "c2"].map((callId) => ({
          streamId: `call-${callId}`,
          type: "CallLogged",
          data: { callId, repId: "aircall:123", direction: "outbound", disposition: "no_answer", durationSeconds: 0 },
          occurredAt: "2026-11-02T09:00:00Z",
        })),
      ]),
    )
  }, 120_000)
  afterAll(() => store?.discard())

  it("links an identity: one RepIdentityLinked, and the identity's past calls count for the rep", slow, async () => {
    const run = await ledger(store, "reps", "link", "ana", "--source", "aircall", "--external-id", "123")

    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    expect(lines(run.stdout)).toEqual([
      "Linked aircall:123 to ana: the scorecards credit ana with its events, those recorded before the link included.",
    ])
    const log = await withStore(store, wholeLog)
    const links = log.filter((event) => event.type === "RepIdentityLinked")
    expect(links).toEqual([
      expect.objectContaining({
        streamId: "rep-ana",
        data: { repId: "ana", source: "aircall", externalId: "123" },
        metadata: { source: "cli" },
      }),
    ])
    const state = foldAll(log.map(toLedgerEvent).filter((event) => event !== undefined))
    expect(state.repDays.get(repDayKey("ana", "2026-11-02"))?.dials).toBe(2)
    expect(state.reps.has("aircall:123")).toBe(false)
  })

  it("appends nothing when the same link is made again", slow, async () => {
    const run = await ledger(store, "reps", "link", "ana", "--source", "aircall", "--external-id", "123")

    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^aircall:123 was already linked to ana \(since .+\): nothing appended\.\n$/)
    expect((await withStore(store, wholeLog)).filter((event) => event.type === "RepIdentityLinked")).toHaveLength(1)
  })

  it(
    "refuses, in one line and changing nothing, an identity linked to another rep and a rep who never joined",
    slow,
    async () => {
      const before = (await withStore(store, wholeLog)).length
      const [elsewhere, unknown] = [
        await ledger(store, "reps", "link", "bo", "--source", "aircall", "--external-id", "123"),
        await ledger(store, "reps", "link", "anna", "--source", "aircall", "--external-id", "9"),
      ]

      expect(elsewhere.code).not.toBe(0)
      expect(lines(elsewhere.stderr)).toEqual([
        expect.stringMatching(
          /^ledger: aircall:123 is already linked to rep "ana" \(since .+\); an identity counts for one rep/,
        ),
      ])
      expect(unknown.code).not.toBe(0)
      expect(lines(unknown.stderr)).toEqual([
        expect.stringContaining('ledger: no rep "anna" has joined (no RepJoined in stream rep-anna)'),
      ])
      expect((await withStore(store, wholeLog)).length).toBe(before)
    },
  )

  it("names the flag of an empty external id", slow, async () => {
    const run = await ledger(store, "reps", "link", "ana", "--source", "aircall", "--external-id", "")

    expect(run.code).not.toBe(0)
    expect(lines(run.stderr)).toEqual([expect.stringContaining("ledger: invalid link: --external-id:")])
  })
})
