/**
 * @module The store backends every contract test runs on: PGlite always, PostgreSQL whenever
 * TEST_DATABASE_URL is set (CI sets it).
 */
import { rm } from "node:fs/promises"
import { migrate } from "../../src/store/migrations.js"
import { openPglite } from "../../src/store/pglite.js"
import { openPostgres } from "../../src/store/postgres.js"
import type { SqlDatabase } from "../../src/store/sql.js"
import { freshDataDir } from "./dataDirs.js"
import { freshDatabase, postgresAvailable } from "./postgres.js"

export type OpenedStore = { readonly db: SqlDatabase; readonly url?: string; close(): Promise<void> }
export type Backend = { readonly name: "pglite" | "postgres"; open(): Promise<OpenedStore> }

const pglite: Backend = {
  name: "pglite",
  open: async () => {
    const dir = await freshDataDir()
    // Durability is under test in durability.int and crash.e2e only: elsewhere an fsync per commit buys nothing.
    const db = await openPglite(dir, { durability: "process" })
    await migrate(db)
    return {
      db,
      close: async () => {
        await db.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  },
}

const postgres: Backend = {
  name: "postgres",
  open: async () => {
    const fresh = await freshDatabase()
    const db = await openPostgres(fresh.url)
    await migrate(db)
    return {
      db,
      url: fresh.url,
      close: async () => {
        await db.close()
        await fresh.drop()
      },
    }
  },
}

/** Every backend to run a contract test on. */
export const backends: ReadonlyArray<Backend> = postgresAvailable ? [pglite, postgres] : [pglite]
