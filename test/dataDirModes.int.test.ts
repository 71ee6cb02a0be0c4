/**
 * The embedded store's files are private to the server's user whatever the umask: every directory
 * 0700, every file 0600 — PostgreSQL's files and write-ahead log, the lock file, the admin key —
 * when a new store is created, for files created while it runs, and again at every open (a store an
 * older version left world-writable is made private). Run under umask 000, where a file created
 * without care is 0666 and readable and writable by every user of the machine.
 */
import fs from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer } from "../src/server.js"
import { lockFileName } from "../src/store/dataDirLock.js"
import { durabilities } from "../src/store/durability.js"
import { openPglite } from "../src/store/pglite.js"
import { copyTemplateInto } from "./support/dataDirs.js"

// A new store runs initdb in WASM: seconds on an idle machine, far more on a loaded two-core one.
const slow = 180_000

let previousUmask: number
beforeAll(() => {
  previousUmask = process.umask(0o000)
})
afterAll(() => {
  process.umask(previousUmask)
})

const parents: string[] = []
afterAll(() => {
  for (const dir of parents) fs.rmSync(dir, { recursive: true, force: true })
})
const newDataDir = (): string => {
  const parent = fs.mkdtempSync(path.join(tmpdir(), "ledger-modes-"))
  parents.push(parent)
  return path.join(parent, "data")
}

/** Every directory and file under `dir` (itself included) whose permissions are not the private ones, with its mode. */
const notPrivate = (dir: string): string[] => {
  const found: string[] = []
  const pending = [dir]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const stat = fs.lstatSync(next)
    const mode = stat.mode & 0o777
    if (stat.isDirectory()) {
      if (mode !== 0o700) found.push(`${path.relative(dir, next) || "."}/ ${mode.toString(8)}`)
      for (const entry of fs.readdirSync(next)) pending.push(path.join(next, entry))
    } else if (stat.isFile() && mode !== 0o600) {
      found.push(`${path.relative(dir, next)} ${mode.toString(8)}`)
    }
  }
  return found
}

const countFiles = (dir: string): number =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length

describe.each(durabilities)("the data directory with durability %s, under umask 000", (durability) => {
  it(
    "is private from its first start: PostgreSQL's files, the WAL, the lock file and the admin key",
    async () => {
      const dataDir = newDataDir()
      const server = await startServer({
        port: 0,
        host: "127.0.0.1",
        store: { dataDir, durability },
        bodyLimitBytes: 1024,
      })
      try {
        expect(server.firstAdminKey).toBeDefined()
        expect(fs.existsSync(path.join(dataDir, lockFileName))).toBe(true)
        expect(fs.existsSync(path.join(dataDir, "admin-key.txt"))).toBe(true)
        expect(fs.readdirSync(path.join(dataDir, "pg_wal")).length).toBeGreaterThan(0)
        // Files PostgreSQL creates while it runs: a table's, its index's, its TOAST's.
        await server.sql.exec(
          "create table modes_probe (id int primary key, note text); insert into modes_probe select i, repeat('x', 3000) from generate_series(1, 200) as i",
        )
        expect(countFiles(dataDir)).toBeGreaterThan(900)
        expect(notPrivate(dataDir)).toEqual([])
      } finally {
        await server.close()
      }
      expect(notPrivate(dataDir)).toEqual([])
    },
    slow,
  )

  it(
    "makes private at its next open what an older version left readable and writable by everyone",
    async () => {
      const dataDir = newDataDir()
      await copyTemplateInto(dataDir)
      fs.writeFileSync(path.join(dataDir, "admin-key.txt"), "lk_old\n", { mode: 0o644 })
      for (const entry of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
        const at = path.join(entry.parentPath, entry.name)
        fs.chmodSync(at, entry.isDirectory() ? 0o777 : 0o666)
      }
      fs.chmodSync(dataDir, 0o777)
      expect(notPrivate(dataDir).length).toBeGreaterThan(900)

      const reopened = await openPglite(dataDir, { durability })
      try {
        expect(notPrivate(dataDir)).toEqual([])
      } finally {
        await reopened.close()
      }
    },
    slow,
  )
})
