/**
 * @module One process at a time on a PGlite data directory. PGlite takes no lock of its own, and two
 * processes writing one directory silently lose committed rows, so the store holds `<dir>/ledger.lock`
 * for as long as it has the directory open.
 *
 * @example
 * const lock = acquireDataDirLock(config.dataDir) // throws DataDirLocked if another process has it
 * try { ... } finally { lock.release() }
 */
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import { hostname } from "node:os"
import * as path from "node:path"
import type { Scope } from "effect"
import { Effect } from "effect"
import { z } from "zod"

export const lockFileName = "ledger.lock"

/** Who holds a data directory: what the lock file says. */
const LockOwner = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  startedAt: z.string(),
  // Tells this process's lock from a dead one's that happened to have the same pid (containers reuse pids).
  token: z.string().optional(),
})
export type LockOwner = z.infer<typeof LockOwner>

/** A held lock on a data directory. `release()` is idempotent and leaves a lock that is no longer ours alone. */
export interface DataDirLock {
  readonly dir: string
  readonly lockFile: string
  readonly release: () => void
}

/** The data directory is held by a live process (possibly this very one, which is a bug in the caller). */
export class DataDirLocked extends Error {
  readonly _tag = "DataDirLocked"
  override readonly name = "DataDirLocked"
  readonly dir: string
  readonly lockFile: string
  readonly pid: number
  readonly hostname: string
  readonly startedAt: string

  constructor(options: { dir: string; lockFile: string; owner: LockOwner }) {
    super(lockedMessage(options))
    this.dir = options.dir
    this.lockFile = options.lockFile
    this.pid = options.owner.pid
    this.hostname = options.owner.hostname
    this.startedAt = options.owner.startedAt
  }
}

const lockedMessage = ({ dir, lockFile, owner }: { dir: string; lockFile: string; owner: LockOwner }): string => {
  if (owner.pid === process.pid && owner.hostname === hostname())
    return (
      `the data directory ${dir} is already open in this process (${owner.pid}, since ${owner.startedAt}): ` +
      `it was opened twice; close the first store before opening the directory again`
    )
  if (owner.hostname !== hostname())
    return (
      `the data directory ${dir} is in use by process ${owner.pid} on host ${owner.hostname} ` +
      `(started ${owner.startedAt}); stop that process or point LEDGER_DATA_DIR at another directory ` +
      `(if that host no longer runs it, delete ${lockFile})`
    )
  return (
    `the data directory ${dir} is in use by process ${owner.pid} (started ${owner.startedAt}); ` +
    `stop that process or point LEDGER_DATA_DIR at another directory`
  )
}

/** Locks held by this process, by lock file (real path), so a second open of the same directory is refused. */
const heldHere = new Map<string, LockOwner>()

/**
 * Takes `<dir>/ledger.lock` (creating `dir` if needed), or throws `DataDirLocked` when a live process holds it.
 * A lock left by a process that has exited, or one whose content is not a lock, is taken over.
 *
 * Why not `open(lockFile, "wx")` and write: between the create and the write, another process would read an
 * empty file, call it garbage and take it over. The lock is written in full to a draft file first and then
 * published with `link()`, which, like O_EXCL, fails if the lock file exists.
 *
 * @example
 * const lock = acquireDataDirLock("./data")
 * process.on("SIGTERM", () => { lock.release(); process.exit(0) })
 */
export const acquireDataDirLock = (requestedDir: string): DataDirLock => {
  const dir = path.resolve(requestedDir)
  // Private from its creation (privateFiles.ts makes an existing one so as the store opens).
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const realDir = fs.realpathSync(dir)
  const lockFile = path.join(realDir, lockFileName)
  const heldAlready = heldHere.get(lockFile)
  if (heldAlready !== undefined) throw new DataDirLocked({ dir, lockFile, owner: heldAlready })

  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  }
  const draft = `${lockFile}.${owner.token}.draft`
  fs.writeFileSync(draft, `${JSON.stringify(owner)}\n`, { flag: "wx", mode: 0o600 })
  try {
    publish(dir, lockFile, draft)
  } finally {
    fs.rmSync(draft, { force: true })
  }

  const removeIfOurs = () => {
    const holder = readLock(lockFile)?.owner
    const ours = holder !== undefined && holder.token === owner.token && holder.pid === owner.pid
    if (ours) fs.rmSync(lockFile, { force: true })
  }
  // A normal exit (process.exit included) leaves no stale lock behind; only a crash or SIGKILL does.
  // Failing here would change the exit code; a lock left behind is taken over as stale anyway.
  const removeOnExit = () => {
    try {
      removeIfOurs()
    } catch {}
  }
  process.on("exit", removeOnExit)
  heldHere.set(lockFile, owner)
  return {
    dir,
    lockFile,
    release: () => {
      if (heldHere.get(lockFile) !== owner) return
      heldHere.delete(lockFile)
      process.off("exit", removeOnExit)
      removeIfOurs()
    },
  }
}

/**
 * `acquireDataDirLock` as a scoped Effect: the lock is released when the scope closes.
 * A live holder is the typed failure `DataDirLocked`; anything else (no permission on the directory) is a defect.
 */
export const scopedDataDirLock = (dir: string): Effect.Effect<DataDirLock, DataDirLocked, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      try {
        return Effect.succeed(acquireDataDirLock(dir))
      } catch (error) {
        return error instanceof DataDirLocked ? Effect.fail(error) : Effect.die(error)
      }
    }),
    (lock) => Effect.sync(() => lock.release()),
  )

interface LockFileContent {
  readonly raw: string
  readonly ino: number
  readonly mtimeMs: number
  /** Undefined when the file is not a lock (garbage): treated as stale. */
  readonly owner: LockOwner | undefined
}

/** Makes `draft` the lock file, taking over a stale one; throws `DataDirLocked` if a live process holds it. */
const publish = (dir: string, lockFile: string, draft: string): void => {
  // Rounds end early only while another process is mid-takeover (microseconds) or the holder just released.
  for (let round = 0; round < 200; round++) {
    if (tryLink(draft, lockFile)) return
    const current = readLock(lockFile)
    if (current === undefined) continue // released between our link and our read
    if (current.owner !== undefined && isHeld(current.owner))
      throw new DataDirLocked({ dir, lockFile, owner: current.owner })
    if (takeOver(lockFile, current, draft)) return
    sleep(5)
  }
  throw new Error(
    `could not take over the stale lock ${lockFile}: other processes kept claiming it for a second; ` +
      `stop the other processes that open this data directory and try again`,
  )
}

/**
 * Replaces the stale lock `stale` with `draft`, or returns false if another process is replacing it or did.
 *
 * Reading "stale" and then removing the file is a race: a slower process that also read it stale would remove
 * the fresh lock of the faster one, and both would win. So a takeover is first claimed with a file named after
 * this very stale lock (`<lock>.takeover-<hash>.<n>`, created exclusively): only its holder replaces the lock,
 * after checking it is still the stale one. If a claimant died mid-takeover, its claim is passed over (`n + 1`).
 */
const takeOver = (lockFile: string, stale: LockFileContent, draft: string): boolean => {
  const staleId = createHash("sha256").update(`${stale.ino}:${stale.mtimeMs}:${stale.raw}`).digest("hex").slice(0, 16)
  const claimOf = (n: number) => `${lockFile}.takeover-${staleId}.${n}`
  for (let n = 0; n < 16; n++) {
    if (!tryLink(draft, claimOf(n))) {
      const claimant = readLock(claimOf(n))
      if (claimant?.owner !== undefined && isHeld(claimant.owner)) return false // a live process is taking over
      continue
    }
    const now = readLock(lockFile)
    const stillStale = now !== undefined && now.ino === stale.ino && now.raw === stale.raw
    if (stillStale) fs.renameSync(draft, lockFile)
    for (let m = 0; m <= n; m++) fs.rmSync(claimOf(m), { force: true })
    return stillStale
  }
  return false
}

/** Whether `owner` is a live process other than a previous incarnation of this one. */
const isHeld = (owner: LockOwner): boolean => {
  // Another host's process cannot be checked from here: assume it is alive.
  if (owner.hostname !== hostname()) return true
  if (owner.pid === process.pid) return [...heldHere.values()].some((held) => held.token === owner.token)
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, but someone else's. Only ESRCH says there is no such process.
    return (error as NodeJS.ErrnoException).code !== "ESRCH"
  }
}

const readLock = (file: string): LockFileContent | undefined => {
  let fd: number
  try {
    fd = fs.openSync(file, "r")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
  try {
    const { ino, mtimeMs } = fs.fstatSync(fd)
    const raw = fs.readFileSync(fd, "utf8")
    return { raw, ino, mtimeMs, owner: parseOwner(raw) }
  } finally {
    fs.closeSync(fd)
  }
}

const parseOwner = (raw: string): LockOwner | undefined => {
  try {
    const parsed = LockOwner.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

const tryLink = (existing: string, newPath: string): boolean => {
  try {
    fs.linkSync(existing, newPath)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false
    throw error
  }
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
