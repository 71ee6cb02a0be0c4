/**
 * @module New PGlite data directories for tests, ready in a second: copies of the migrated one that
 * test/globalSetup.ts makes once per run, instead of a PGlite start in an empty directory (initdb in
 * WASM, 4.4 s each). What a first start in an empty directory does is tested where it is the point
 * (`ledger migrate` on a new store, the demo's first start).
 *
 * @example
 * const dataDir = await freshDataDir("ledger-e2e-")
 */
import { cp, mkdtemp } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { inject } from "vitest"

/** A new temporary data directory holding a migrated, empty store. */
export const freshDataDir = async (prefix = "ledger-test-"): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  await copyTemplateInto(dir)
  return dir
}

/** Makes `dir` (created if needed) a migrated, empty store. */
export const copyTemplateInto = (dir: string): Promise<void> => cp(inject("pgliteTemplate"), dir, { recursive: true })
