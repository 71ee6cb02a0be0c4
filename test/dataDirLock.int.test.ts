import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import * as fs from "node:fs"
import { hostname, tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { acquireDataDirLock, DataDirLocked, scopedDataDirLock } from "../src/store/dataDirLock.js"
import { bundledModule } from "./support/bundledModule.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))

// The children import the lock's module bundled (test/support/bundledModule.ts), built once for the file.
const bundleDir = fs.mkdtempSync(path.join(tmpdir(), "ledger-lock-module-"))
let lockModule: string
beforeAll(async () => {
  lockModule = await bundledModule(new URL("../src/store/dataDirLock.ts", import.meta.url), bundleDir)
})
afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }))

const dirs: string[] = []
const newDataDir = (): string => {
  const parent = fs.mkdtempSync(path.join(tmpdir(), "ledger-lock-"))
  dirs.push(parent)
  // A directory that does not exist yet: acquiring the lock creates it.
  return path.join(parent, "data")
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

// Each child process loads effect and zod: a second or more apiece when CI runs test files side by side.
const spawnsProcesses = { timeout: 90_000 }

const lockFileOf = (dir: string) => path.join(dir, "ledger.lock")
const readLockFile = (dir: string) => JSON.parse(fs.readFileSync(lockFileOf(dir), "utf8")) as Record<string, unknown>

interface Child {
  readonly process: ChildProcessWithoutNullStreams
  readonly nextLine: () => Promise<string>
  readonly exited: Promise<{ code: number | null; stderr: string }>
}

/** Another Node process running `body` as an ES module with `acquireDataDirLock` in scope. */
const spawnLocker = (body: string): Child => {
  const script = `import { acquireDataDirLock } from ${JSON.stringify(lockModule)}\n${body}`
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot })
  let stdout = ""
  let stderr = ""
  const waiting: Array<() => void> = []
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    for (const wake of waiting.splice(0)) wake()
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("close", (code) => {
      resolve({ code, stderr })
      for (const wake of waiting.splice(0)) wake()
    }),
  )
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const end = stdout.indexOf("\n")
      if (end >= 0) {
        const line = stdout.slice(0, end)
        stdout = stdout.slice(end + 1)
        return line
      }
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`the child exited (${child.exitCode ?? child.signalCode}) without a line; stderr:\n${stderr}`)
      await new Promise<void>((resolve) => waiting.push(resolve))
    }
  }
  return { process: child, nextLine, exited }
}

describe("the lock on a PGlite data directory", () => {
  it(
    "refuses a second process while this one holds the directory, saying who holds it and what to do",
    spawnsProcesses,
    async () => {
      const dir = newDataDir()
      const lock = acquireDataDirLock(dir)
      const startedAt = readLockFile(dir).startedAt

      const second = spawnLocker(`acquireDataDirLock(${JSON.stringify(dir)})`)
      const { code, stderr } = await second.exited

      expect(code).not.toBe(0)
      expect(stderr).toContain(
        `the data directory ${dir} is in use by process ${process.pid} (started ${startedAt}); ` +
          "stop that process or point LEDGER_DATA_DIR at another directory",
      )
      expect(readLockFile(dir).pid).toBe(process.pid)
      lock.release()
    },
  )

  it("takes over the lock of a process that died holding it", spawnsProcesses, async () => {
    const dir = newDataDir()
    const crashed = spawnLocker(
      `acquireDataDirLock(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000)`,
    )
    expect(await crashed.nextLine()).toBe("locked")
    crashed.process.kill("SIGKILL")
    await crashed.exited
    expect(readLockFile(dir).pid).toBe(crashed.process.pid)

    const lock = acquireDataDirLock(dir)

    expect(readLockFile(dir)).toMatchObject({ pid: process.pid, hostname: hostname() })
    lock.release()
  })

  it("leaves no lock behind when the holder exits normally without releasing", spawnsProcesses, async () => {
    const dir = newDataDir()
    const exiting = spawnLocker(`acquireDataDirLock(${JSON.stringify(dir)}); process.exit(0)`)
    expect((await exiting.exited).code).toBe(0)
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it("lets exactly one of several processes racing for the same stale lock win", spawnsProcesses, async () => {
    const dir = newDataDir()
    fs.mkdirSync(dir)
    fs.writeFileSync(lockFileOf(dir), "left behind by a crash mid-write")
    const racers = Array.from({ length: 3 }, () =>
      spawnLocker(
        [
          `import { createInterface } from "node:readline"`,
          `console.log("ready")`,
          `const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()`,
          `await lines.next()`,
          `try { acquireDataDirLock(${JSON.stringify(dir)}); console.log("won") }`,
          `catch (error) { console.log(error.name) }`,
          `await lines.next()`,
        ].join("\n"),
      ),
    )
    for (const racer of racers) expect(await racer.nextLine()).toBe("ready")

    for (const racer of racers) racer.process.stdin.write("go\n")
    const outcomes = await Promise.all(racers.map((racer) => racer.nextLine()))
    for (const racer of racers) racer.process.stdin.end()
    await Promise.all(racers.map((racer) => racer.exited))

    expect(outcomes.toSorted()).toEqual(["DataDirLocked", "DataDirLocked", "won"])
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it("takes over a lock file whose content is not a lock", () => {
    const dir = newDataDir()
    fs.mkdirSync(dir)
    fs.writeFileSync(lockFileOf(dir), "{ not json")

    const lock = acquireDataDirLock(dir)

    expect(readLockFile(dir).pid).toBe(process.pid)
    lock.release()
  })

  it("can be taken again after release", () => {
    const dir = newDataDir()
    acquireDataDirLock(dir).release()
    expect(fs.existsSync(lockFileOf(dir))).toBe(false)

    const again = acquireDataDirLock(dir)

    expect(readLockFile(dir).pid).toBe(process.pid)
    again.release()
    again.release()
    expect(fs.existsSync(lockFileOf(dir))).toBe(false)
  })

  it("leaves a lock that is no longer its own in place on release", () => {
    const dir = newDataDir()
    const lock = acquireDataDirLock(dir)
    const someoneElses = JSON.stringify({ pid: 1, hostname: "elsewhere", startedAt: "2026-11-02T14:05:00.000Z" })
    fs.writeFileSync(lockFileOf(dir), someoneElses)

    lock.release()

    expect(fs.readFileSync(lockFileOf(dir), "utf8")).toBe(someoneElses)
  })

  it("refuses to open the same directory twice in one process, since that is a bug in the caller", () => {
    const dir = newDataDir()
    const lock = acquireDataDirLock(dir)

    const second = () => acquireDataDirLock(path.join(dir, "..", "data"))

    expect(second).toThrow(DataDirLocked)
    expect(second).toThrow(`the data directory ${dir} is already open in this process (${process.pid}`)
    lock.release()
  })

  it("respects a lock held from another host, whose process it cannot check", () => {
    const dir = newDataDir()
    fs.mkdirSync(dir)
    const startedAt = "2026-11-02T14:05:00.000Z"
    fs.writeFileSync(lockFileOf(dir), JSON.stringify({ pid: 4242, hostname: "ledger-2", startedAt }))

    const refusal = (() => {
      try {
        acquireDataDirLock(dir)
      } catch (error) {
        return error
      }
    })()

    expect(refusal).toBeInstanceOf(DataDirLocked)
    expect(refusal).toMatchObject({ dir, pid: 4242 })
    expect((refusal as DataDirLocked).message).toBe(
      `the data directory ${dir} is in use by process 4242 on host ledger-2 (started ${startedAt}); ` +
        `stop that process or point LEDGER_DATA_DIR at another directory (if that host no longer runs it, ` +
        `delete ${lockFileOf(dir)})`,
    )
  })

  it("as a scoped Effect, holds the lock while the scope is open and fails with DataDirLocked if taken", async () => {
    const dir = newDataDir()
    const refusal = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          yield* scopedDataDirLock(dir)
          expect(readLockFile(dir).pid).toBe(process.pid)
          return yield* Effect.flip(Effect.scoped(scopedDataDirLock(dir)))
        }),
      ),
    )

    expect(refusal).toBeInstanceOf(DataDirLocked)
    expect(fs.existsSync(lockFileOf(dir))).toBe(false)
  })
})
