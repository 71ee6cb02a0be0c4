/**
 * @module The embedded store's files are the server's user's alone: the data directory and every
 * directory in it 0700, every file 0600, whatever the umask. They hold every event, the write-ahead
 * log, API key hashes and the admin key. PGlite creates its files through Emscripten's NODEFS, which
 * gave 968 of a new store's 1,048 files mode 0666 (world-writable) under umask 022, the WAL
 * included; so NODEFS is taught to create and chmod privately (`PrivateNodeFS`), and each open
 * first makes private whatever is already there (`makePrivate`: a store an older version left).
 *
 * Read in @electric-sql/pglite 0.5.16: NODEFS `node_ops.mknod` (`fs.mkdirSync(path, mode)` /
 * `fs.writeFileSync(path, "", { mode })`), `node_ops.setattr` and `stream_ops.setattr`
 * (`fs.chmodSync` / `fs.fchmodSync` of the mode asked for).
 *
 * @example
 * makePrivate(dir)
 * const db = await PGlite.create({ fs: new PrivateNodeFS(dir) })
 */
import fs from "node:fs"
import path from "node:path"
import { NodeFS } from "@electric-sql/pglite/nodefs"

/** A directory of the store: its owner may list, enter and change it; nobody else anything. */
export const privateDirectoryMode = 0o700
/** A file of the store: its owner may read and write it; nobody else anything. */
export const privateFileMode = 0o600

const permissionBits = 0o7777
const directoryType = 0o040000
const typeBits = 0o170000

/**
 * Makes `dir` and everything in it private (directories 0700, files 0600), creating `dir` if it
 * does not exist. Symbolic links are neither followed nor changed. Walks with its own stack.
 */
export const makePrivate = (dir: string): void => {
  fs.mkdirSync(dir, { recursive: true, mode: privateDirectoryMode })
  const pending = [dir]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const stat = fs.lstatSync(next)
    if (stat.isDirectory()) {
      if ((stat.mode & permissionBits) !== privateDirectoryMode) fs.chmodSync(next, privateDirectoryMode)
      for (const entry of fs.readdirSync(next)) pending.push(path.join(next, entry))
    } else if (stat.isFile() && (stat.mode & permissionBits) !== privateFileMode) {
      fs.chmodSync(next, privateFileMode)
    }
  }
}

/** The private mode for a node whose full mode (type and permissions) is `mode`. */
const privateModeOf = (mode: number): number =>
  (mode & typeBits) === directoryType ? privateDirectoryMode : privateFileMode

/** The minimal shape of Emscripten's NODEFS this module relies on. */
type NodeFsInternals = {
  readonly node_ops: {
    mknod: (parent: unknown, name: string, mode: number, dev: number) => { mode: number }
    setattr: (node: { mode: number }, attr: { mode?: number }) => void
  }
  readonly stream_ops: { setattr?: (stream: { node: { mode: number } }, attr: { mode?: number }) => void }
  realPath(node: unknown): string
}

/** PGlite's NODEFS cannot be reached, so the store's files could not be kept private. */
export class PrivateFilesUnavailable extends Error {
  override readonly name = "PrivateFilesUnavailable"
}

/**
 * PGlite's NODEFS on `dir`, creating every directory 0700 and every file 0600 and never granting
 * group or others a permission later. A node is created without any permission for others (the
 * umask can only take more away), then set to its exact private mode, so that no other user can
 * open it in between, and a umask that takes the owner's permissions away does not lock PostgreSQL
 * out of its own files.
 */
export class PrivateNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS["init"]>) {
    const { emscriptenOpts } = await super.init(...args)
    const keepPrivate = (mod: { NODEFS?: NodeFsInternals }) => {
      const nodefs = mod.NODEFS
      if (nodefs?.node_ops?.mknod === undefined || typeof nodefs.realPath !== "function") {
        throw new PrivateFilesUnavailable(
          "this PGlite build does not expose NODEFS, so the data directory's files cannot be kept private to this user; " +
            "use the PGlite version in package-lock.json",
        )
      }
      const { mknod, setattr } = nodefs.node_ops
      nodefs.node_ops.mknod = (parent, name, mode, dev) => {
        const node = mknod(parent, name, mode & ~0o077, dev)
        fs.chmodSync(nodefs.realPath(node), privateModeOf(mode))
        return node
      }
      nodefs.node_ops.setattr = (node, attr) =>
        setattr(
          node,
          attr.mode === undefined ? attr : { ...attr, mode: (attr.mode & ~permissionBits) | privateModeOf(node.mode) },
        )
      const streamSetattr = nodefs.stream_ops.setattr
      if (streamSetattr !== undefined) {
        nodefs.stream_ops.setattr = (stream, attr) =>
          streamSetattr(
            stream,
            attr.mode === undefined
              ? attr
              : { ...attr, mode: (attr.mode & ~permissionBits) | privateModeOf(stream.node.mode) },
          )
      }
    }
    const preRun = (emscriptenOpts.preRun ?? []) as unknown[]
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...preRun, keepPrivate] as typeof emscriptenOpts.preRun } }
  }
}
