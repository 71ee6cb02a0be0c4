/**
 * @module Spooled uploads: a CSV import's body written to a temporary file (the import reads it twice), in a
 * folder private to the server's user, `<tmpdir>/ledger-uploads-<uid>/<pid>-<process start>-<random>/`.
 *
 * An upload is removed on every path: once answered, refused or abandoned (its request's `finally`), when the
 * process exits (a graceful stop that gave up on a request in flight), and, for a process that was killed, by
 * the next server's start (`removeAbandonedUploads`), which knows the uploads of live processes by their name.
 *
 * @example
 * const upload = await openUpload("deals")
 * try { await spool(request, upload.file, limit) } finally { await upload.remove() }
 */
import { once } from "node:events"
import { createWriteStream, mkdirSync, readdirSync, rmSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { utf8Check } from "./bodyText.js"

/** This process's mark in an upload's name: its pid, and when it started (a pid is reused, a start time not). */
const processMark = `${process.pid}-${Math.round(performance.timeOrigin)}`

/** The folder of every server's uploads, one per user of the machine (made private, 0700, when created). */
export const uploadsFolder = (): string =>
  path.join(tmpdir(), `ledger-uploads-${typeof process.getuid === "function" ? process.getuid() : "user"}`)

/** The uploads of this process not yet removed, removed at its exit if still there. */
const open = new Set<string>()
let exitHooked = false
const removeOpenUploads = () => {
  for (const dir of open) rmSync(dir, { recursive: true, force: true })
  open.clear()
}

export type Upload = {
  /** The file to spool the body to. */
  readonly file: string
  /** Removes the upload (its folder); safe to call twice. */
  remove(): Promise<void>
}

/** A new upload's place, named after this process so that no other server removes it while it lives. */
export const openUpload = async (name: string): Promise<Upload> => {
  const folder = uploadsFolder()
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const dir = await mkdtemp(path.join(folder, `${processMark}-`))
  open.add(dir)
  if (!exitHooked) {
    exitHooked = true
    process.once("exit", removeOpenUploads)
  }
  return {
    file: path.join(dir, `${name}.csv`),
    remove: async () => {
      open.delete(dir)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Removes the uploads that a process no longer running left behind (one killed in the middle of an import).
 * Called as a server starts; the uploads of processes still alive are theirs and stay. Answers how many it removed.
 */
export const removeAbandonedUploads = (): number => {
  const folder = uploadsFolder()
  let entries: string[]
  try {
    entries = readdirSync(folder)
  } catch {
    return 0 // no upload ever made on this machine (or by this user)
  }
  let removed = 0
  for (const entry of entries) {
    const [pid, startedAt] = entry.split("-")
    const ours = `${pid}-${startedAt}` === processMark
    if (ours || isAlive(Number(pid), startedAt)) continue
    rmSync(path.join(folder, entry), { recursive: true, force: true })
    removed++
  }
  return removed
}

/** Whether the process that made an upload may still run: a live pid other than ours (ours with another start is gone). */
const isAlive = (pid: number, startedAt: string | undefined): boolean => {
  if (!Number.isInteger(pid) || pid <= 0 || startedAt === undefined) return false
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

export type Spooled =
  | { readonly kind: "spooled" }
  | { readonly kind: "too large" }
  | { readonly kind: "not UTF-8"; readonly offset: number }

/**
 * Writes the request's body to `file`, checking on the way that it is UTF-8 (the body reader's
 * check, body.ts, for a body too large to hold in memory); the body is abandoned once it grows past
 * `limitBytes` or stops being UTF-8. The file is closed when this answers, whatever the outcome.
 */
export const spool = async (request: Request, file: string, limitBytes: number): Promise<Spooled> => {
  const declared = Number(request.headers.get("content-length"))
  if (Number.isFinite(declared) && declared > limitBytes) return { kind: "too large" }
  const utf8 = utf8Check()
  const out = createWriteStream(file)
  let failed: Error | undefined
  out.on("error", (error) => (failed = error))
  let size = 0
  let complete: boolean
  try {
    if (request.body !== null) {
      const reader = request.body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        if (failed !== undefined) break
        if (size > limitBytes || utf8.push(value) !== undefined) {
          await reader.cancel()
          break
        }
        if (!out.write(value))
          await new Promise<void>((resolve) => {
            out.once("drain", () => resolve())
            out.once("close", () => resolve())
          })
      }
    }
    complete = size <= limitBytes
  } finally {
    out.end()
    if (!out.closed) await once(out, "close")
  }
  if (failed !== undefined) throw new Error(`could not spool the CSV body to ${file}: ${failed.message}`)
  if (!complete) return { kind: "too large" }
  const badOffset = utf8.end()
  return badOffset === undefined ? { kind: "spooled" } : { kind: "not UTF-8", offset: badOffset }
}
