/**
 * @module The server's configuration, from environment variables, validated with clear messages.
 */
import { z } from "zod"
import type { StoreLocation } from "./store/EventStore.js"

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().url("must be a postgres:// URL").optional(),
  LEDGER_DATA_DIR: z.string().min(1).default("./data"),
  LEDGER_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
})

export type Config = {
  readonly port: number
  readonly host: string
  readonly store: StoreLocation
  readonly bodyLimitBytes: number
}

export class ConfigError extends Error {}

/** Reads the configuration; an invalid variable is an error that names it. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(`environment variable ${issue?.path.join(".")}: ${issue?.message}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    store: e.DATABASE_URL !== undefined ? { databaseUrl: e.DATABASE_URL } : { dataDir: e.LEDGER_DATA_DIR },
    bodyLimitBytes: e.LEDGER_BODY_LIMIT_BYTES,
  }
}
