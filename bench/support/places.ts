/**
 * @module Where a benchmark keeps its data: a fresh PGlite directory, or a fresh database on the
 * PostgreSQL server of `DATABASE_URL` (which must allow CREATE DATABASE), thrown away afterwards.
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import pg from "pg"
import type { StoreLocation } from "../../src/store/EventStore.js"

export type Place = { readonly store: StoreLocation; readonly url?: string; discard(): Promise<void> }

export const pgliteDirectory = async (): Promise<Place> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ledger-bench-ingest-"))
  return { store: { dataDir }, discard: () => rm(dataDir, { recursive: true, force: true }) }
}

/** A new, empty database `<prefix>_<random>` on the server of `serverUrl`. */
export const freshPostgresDatabase = async (serverUrl: string, prefix: string): Promise<Place> => {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`
  const admin = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try {
      await client.query(sql, params)
    } finally {
      await client.end()
    }
  }
  await admin(`create database ${pg.escapeIdentifier(name)}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    store: { databaseUrl: url.toString() },
    url: url.toString(),
    discard: () => admin(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
  }
}
