/**
 * LEDGER_DURABILITY on the embedded store (src/store/durability.ts): with `os`, PostgreSQL inside
 * PGlite really syncs — Node's `fs.fsyncSync` is called on the write-ahead log before an append is
 * acknowledged, and on the data files and pg_control at a checkpoint; with `process`, nothing is
 * synced (PGlite as it ships: a killed process loses nothing, an OS crash may). PGlite runs on the
 * store's own thread (src/store/pglite.ts), where no spy of this thread sees its calls: the sync
 * observer it reports to is called there once `fs.fsyncSync` has returned (durability.ts).
 *
 * What this cannot show: that the disk keeps what was synced through a power loss. That needs a
 * machine to pull the plug on (or a VM with a crash-consistent block device); here the test stops
 * at the system call, which is where the ledger's responsibility ends.
 */
import { rm } from "node:fs/promises"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadConfig } from "../src/config.js"
import type { Durability } from "../src/store/durability.js"
import type { NewEvent } from "../src/store/eventLog.js"
import { groupCommit } from "../src/store/groupCommit.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { freshDataDir } from "./support/dataDirs.js"

const slow = { timeout: 120_000 }

const call = (id: string): NewEvent => ({
  type: "CallLogged",
  schemaVersion: 1,
  data: { callId: id, repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 60 },
  metadata: { source: "test" },
  occurredAt: "2026-11-02T14:05:00Z",
  idempotencyKey: `call-${id}`,
})

/** What happened, in order: a file PostgreSQL synced, an append called, an append acknowledged. */
type Moment =
  | { readonly kind: "synced"; readonly file: string }
  | { readonly kind: "called" | "acknowledged"; readonly append: number }

type Opened = { readonly db: SqlDatabase; readonly timeline: Moment[]; readonly dir: string; close(): Promise<void> }

const open = async (durability: Durability): Promise<Opened> => {
  const dir = await freshDataDir(`ledger-durability-${durability}-`)
  const timeline: Moment[] = []
  const db = await openPglite(dir, {
    durability,
    onSync: (file) => timeline.push({ kind: "synced", file: path.relative(dir, file) }),
  })
  await migrate(db)
  return {
    db,
    timeline,
    dir,
    close: async () => {
      await db.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

const isWal = (moment: Moment) => moment.kind === "synced" && moment.file.startsWith(`pg_wal${path.sep}`)

describe("LEDGER_DURABILITY=os on the embedded store", () => {
  let store: Opened
  beforeAll(async () => {
    store = await open("os")
  }, 180_000)
  afterAll(() => store?.close())

  it("runs PostgreSQL with fsync on, syncing the log with fsync (Emscripten's fdatasync does nothing)", async () => {
    const setting = async (name: string) =>
      Object.values((await store.db.query<Record<string, string>>(`show ${name}`))[0] ?? {})[0]
    expect({
      fsync: await setting("fsync"),
      synchronousCommit: await setting("synchronous_commit"),
      walSyncMethod: await setting("wal_sync_method"),
      fullPageWrites: await setting("full_page_writes"),
    }).toEqual({ fsync: "on", synchronousCommit: "on", walSyncMethod: "fsync", fullPageWrites: "on" })
  })

  it("syncs the write-ahead log with fs.fsyncSync before each append is acknowledged", slow, async () => {
    store.timeline.length = 0
    const commits = groupCommit(store.db)
    // 12 callers at once (group commit may put several in one transaction), then 3 one after the other.
    const append = async (n: number) => {
      store.timeline.push({ kind: "called", append: n })
      const result = await commits.append([{ streamId: `call-os-${n}`, expected: "any", events: [call(`os-${n}`)] }])
      expect(result.ok).toBe(true)
      store.timeline.push({ kind: "acknowledged", append: n })
    }
    await Promise.all(Array.from({ length: 12 }, (_, n) => append(n)))
    for (const n of [12, 13, 14]) await append(n)
    await commits.close()

    // Every append: a sync of a WAL segment between its call and its acknowledgement.
    const unsynced = Array.from({ length: 15 }, (_, n) => n).filter((n) => {
      const calledAt = store.timeline.findIndex((m) => m.kind === "called" && m.append === n)
      const acknowledgedAt = store.timeline.findIndex((m) => m.kind === "acknowledged" && m.append === n)
      return !store.timeline.slice(calledAt, acknowledgedAt).some(isWal)
    })
    expect(unsynced).toEqual([])
    // The three sequential appends are three commits: at least three WAL syncs, each a real fsync(2) through Node.
    expect(store.timeline.filter(isWal).length).toBeGreaterThanOrEqual(3)
  })

  it("syncs the data files and pg_control at a checkpoint", slow, async () => {
    await store.db.query(
      "insert into ledger_api_keys (key_id, name, secret_hash, scopes) values ('checkpoint-probe', 'probe', 'x', '[]')",
    )
    store.timeline.length = 0
    await store.db.exec("checkpoint")
    const synced = store.timeline.flatMap((m) => (m.kind === "synced" ? [m.file] : []))
    expect(synced).toContain(path.join("global", "pg_control"))
    expect(synced.some((file) => file.startsWith(`base${path.sep}`))).toBe(true)
  })
})

describe("LEDGER_DURABILITY=process on the embedded store", () => {
  let store: Opened
  beforeAll(async () => {
    store = await open("process")
  }, 180_000)
  afterAll(() => store?.close())

  it("is PGlite as it ships: fsync off, and no file is synced by an append or a checkpoint", slow, async () => {
    expect((await store.db.query<{ fsync: string }>("show fsync"))[0]?.fsync).toBe("off")
    const commits = groupCommit(store.db)
    const result = await commits.append([{ streamId: "call-process-1", expected: "any", events: [call("process-1")] }])
    await commits.close()
    await store.db.exec("checkpoint")
    expect(result.ok).toBe(true)
    expect(store.timeline).toEqual([])
  })
})

describe("the LEDGER_DURABILITY setting", () => {
  it("defaults to os, and reaches the embedded store's location", () => {
    expect(loadConfig({ LEDGER_DATA_DIR: "/tmp/ledger" }).store).toEqual({ dataDir: "/tmp/ledger", durability: "os" })
    expect(loadConfig({ LEDGER_DATA_DIR: "/tmp/ledger", LEDGER_DURABILITY: "process" }).store).toEqual({
      dataDir: "/tmp/ledger",
      durability: "process",
    })
  })

  it("refuses anything else, naming the variable and the choices", () => {
    expect(() => loadConfig({ LEDGER_DURABILITY: "fast" })).toThrow(/LEDGER_DURABILITY: must be "process" .* or "os"/)
  })
})
