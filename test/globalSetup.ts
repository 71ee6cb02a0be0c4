/**
 * Once per test run: a migrated PGlite data directory that tests copy instead of starting PGlite in
 * an empty directory (initdb, in WASM: 4.4 s a directory, against 1 s to copy this one and open it;
 * the suite makes some thirty); and the `ledger` bundle built if a source changed (src/bundle.mjs),
 * before files in parallel start commands, servers and fold threads that would each build it.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import type { TestProject } from "vitest/node"
import { ledgerBundle } from "../src/bundle.mjs"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated PGlite data directory to copy (test/support/dataDirs.ts). */
    pgliteTemplate: string
  }
}

export default async function setup(project: TestProject) {
  await ledgerBundle()
  const dir = await mkdtemp(path.join(tmpdir(), "ledger-template-"))
  const db = await openPglite(dir, { durability: "process" })
  try {
    await migrate(db)
  } finally {
    await db.close()
  }
  project.provide("pgliteTemplate", dir)
  return () => rm(dir, { recursive: true, force: true })
}
