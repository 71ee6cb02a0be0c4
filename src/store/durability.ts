/**
 * @module What an acknowledged event survives on the embedded store (PGlite), `LEDGER_DURABILITY`:
 *
 * - `process`: PGlite as it ships. PostgreSQL runs with `fsync=off` (PGlite's `-F`), but every write
 *   goes through Emscripten's NODEFS, which calls `fs.writeSync` on the real file before it returns:
 *   a committed transaction is in the operating system's page cache when the commit answers. A killed
 *   process (SIGKILL, OOM, a crash of Node) loses nothing; an OS crash or a power loss loses whatever
 *   the kernel had not yet written back (up to ~30 s of commits) and can leave the directory
 *   inconsistent (a checkpoint's pg_control on disk before the data pages it vouches for).
 * - `os`: PostgreSQL's own durability. `fsync=on`, `synchronous_commit=on`, `wal_sync_method=fsync`,
 *   and NODEFS taught to sync: Emscripten's `fsync()` reaches `stream_ops.fsync`, which NODEFS
 *   lacks (a silent no-op), so it is given one that calls `fs.fsyncSync` on the real descriptor.
 *   (`fdatasync()` is a no-op in Emscripten's libc, hence `wal_sync_method=fsync`, not the Linux
 *   default `fdatasync`.) PostgreSQL then syncs the write-ahead log before a commit returns, the data
 *   files and pg_control in order at each checkpoint, and the directories where it creates files:
 *   the same guarantees as a PostgreSQL server with default settings, at one fsync per commit — and
 *   with group commit (groupCommit.ts) one per group of appends, not one per event.
 *
 * Read in @electric-sql/pglite 0.5.16: `PGlite.defaultStartParams` (`-F`), NODEFS `stream_ops`
 * (`write` = `fs.writeSync`, no `fsync`), `_fd_sync` → `stream_ops.fsync`, `__syscall_fdatasync` → 0.
 *
 * @example
 * const db = await PGlite.create({ fs: durableNodeFs(dir), startParams: startParamsFor("os") })
 */
import fs from "node:fs"
import { PGlite } from "@electric-sql/pglite"
import type { NodeFS } from "@electric-sql/pglite/nodefs"
import { PrivateNodeFS } from "./privateFiles.js"

export const durabilities = ["process", "os"] as const
/** `process`: survives a killed process. `os`: also survives an OS crash or a power loss. */
export type Durability = (typeof durabilities)[number]

/** The default: the ledger exists to keep what it acknowledged, and group commit makes the fsync cheap (README, Durability). */
export const defaultDurability: Durability = "os"

/** Told of each file (or directory) PostgreSQL synced, after the sync: tests and measurements. */
export type SyncObserver = (file: string) => void

/** PostgreSQL's start parameters for a durability: PGlite's own, without `-F` when the OS must not lose commits. */
export const startParamsFor = (durability: Durability): string[] =>
  durability === "process"
    ? [...PGlite.defaultStartParams]
    : [
        ...PGlite.defaultStartParams.filter((param) => param !== "-F"),
        ...[
          "-c",
          "fsync=on",
          "-c",
          "synchronous_commit=on",
          "-c",
          "wal_sync_method=fsync",
          "-c",
          "full_page_writes=on",
        ],
      ]

/** The minimal shape of Emscripten's NODEFS this module relies on. */
type NodeFsInternals = {
  readonly stream_ops: { fsync?: (stream: { nfd: number; node: unknown }) => number }
  realPath(node: unknown): string
  tryFSOperation<A>(operation: () => A): A
}

/** The embedded store's data directory is on a PGlite whose NODEFS this module cannot teach to sync. */
export class DurabilityUnavailable extends Error {
  override readonly name = "DurabilityUnavailable"
}

/**
 * PGlite's NODEFS on `dir`, whose `fsync()` really syncs the file (for `os`), its files private
 * (privateFiles.ts). A failed sync is returned
 * to PostgreSQL as the errno, and PostgreSQL stops (data_sync_retry=off) rather than acknowledge a
 * commit the disk may not hold.
 */
export const durableNodeFs = (dir: string, onSync?: SyncObserver): NodeFS => new SyncingNodeFS(dir, onSync)

class SyncingNodeFS extends PrivateNodeFS {
  constructor(
    dir: string,
    private readonly onSync: SyncObserver | undefined,
  ) {
    super(dir)
  }

  override async init(...args: Parameters<NodeFS["init"]>) {
    const { emscriptenOpts } = await super.init(...args)
    const teachToSync = (mod: { NODEFS?: NodeFsInternals }) => {
      const nodefs = mod.NODEFS
      if (nodefs?.stream_ops === undefined || typeof nodefs.realPath !== "function") {
        throw new DurabilityUnavailable(
          "LEDGER_DURABILITY=os: this PGlite build does not expose NODEFS, so its files cannot be synced; " +
            "set LEDGER_DURABILITY=process or use the PGlite version in package-lock.json",
        )
      }
      nodefs.stream_ops.fsync = (stream) => {
        nodefs.tryFSOperation(() => fs.fsyncSync(stream.nfd))
        this.onSync?.(nodefs.realPath(stream.node))
        return 0
      }
    }
    const preRun = (emscriptenOpts.preRun ?? []) as unknown[]
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...preRun, teachToSync] as typeof emscriptenOpts.preRun } }
  }
}
