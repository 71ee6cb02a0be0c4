/**
 * @module A new PGlite cluster, created by a short-lived process of its own (pgliteInitdb.mjs):
 * initdb's memory goes with that process.
 *
 * Why: PGlite runs initdb inside the process that creates the cluster, keeping copies of its WASM
 * heap (128 MB each) while it does. Created in the server's process, a first start sat at 630 MB
 * of external memory against 200 MB for a restart of the same store (before any event), and gave
 * it back only at a garbage collection that nothing forced: the server's RSS after a first start
 * was 852–893 MB, after a restart 354–373 MB. Created in a worker thread, 100 MB stayed (the
 * thread's malloc arena, measured: 545 MB after the start against 439 for a restart); in a process
 * of its own, nothing does (420 MB). It costs a Node start, about a tenth of a second.
 *
 * initdb runs without fsync (PGlite's defaults): for the `os` durability the new cluster's files
 * and directories are synced here before the store opens it, as PostgreSQL's own initdb does.
 *
 * @example
 * if (!clusterExists(dir)) await createCluster(dir, { sync: true })
 */

import { spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

/** Whether `dir` holds a PostgreSQL cluster (its `PG_VERSION` file). */
export const clusterExists = (dir: string): boolean => fs.existsSync(path.join(dir, "PG_VERSION"))

/** Creates the cluster in `dir` (which exists) in a process of its own; `sync` then syncs every file and directory. */
export const createCluster = async (dir: string, options: { readonly sync: boolean }): Promise<void> => {
  await new Promise<void>((resolve, reject) => {
    const script = fileURLToPath(new URL("./pgliteInitdb.mjs", import.meta.url))
    const child = spawn(process.execPath, [script, dir], { stdio: ["ignore", "ignore", "pipe"] })
    let errors = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (errors += chunk))
    child.once("error", reject)
    child.once("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `creating the embedded store's cluster in ${dir} failed (exit ${code ?? signal}): ${errors.trim().split("\n").at(-1) ?? ""}`,
            ),
          ),
    )
  })
  if (options.sync) syncTree(dir)
}

/** fsync every file, then every directory (deepest first), so that an OS crash keeps the cluster whole. */
const syncTree = (dir: string): void => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) syncTree(full)
    else if (entry.isFile()) syncPath(full, "r")
  }
  syncPath(dir, "r")
}

const syncPath = (file: string, flags: string): void => {
  const fd = fs.openSync(file, flags)
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}
