/**
 * @module Starting and stopping the ledger's HTTP server on its store.
 */
import { writeFile } from "node:fs/promises"
import path from "node:path"
import { serve, type ServerType } from "@hono/node-server"
import { Effect, ManagedRuntime } from "effect"
import packageJson from "../package.json" with { type: "json" }
import type { Config } from "./config.js"
import { buildApp } from "./http/app.js"
import { countActiveApiKeys, createApiKey } from "./store/apiKeys.js"
import { startProjectionRunner, type ProjectionRunner } from "./runtime/projectionRunner.js"
import { EventStore } from "./store/EventStore.js"
import type { SqlDatabase } from "./store/sql.js"

export type RunningServer = {
  readonly url: string
  /** Set on a first start with no API key: the admin key, shown this once. */
  readonly firstAdminKey?: string
  /** The store's database, for callers in the same process that manage other tables (e.g. API keys in tests). */
  readonly sql: SqlDatabase
  /** Resolves once the scorecards have applied every event committed so far (false at the timeout). */
  scorecardsCaughtUp(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

/** Opens the store, makes sure an admin key exists, and listens. */
export const startServer = async (config: Config): Promise<RunningServer> => {
  const runtime = ManagedRuntime.make(EventStore.layer(config.store))
  let server: ServerType | undefined
  let runner: ProjectionRunner | undefined
  try {
    const store = await runtime.runPromise(Effect.gen(function* () {
      return yield* EventStore
    }))
    const firstAdminKey = await ensureAdminKey(store.sql, config)
    runner = await startProjectionRunner(store.sql, {
      onError: (error) => console.error(JSON.stringify({ level: "error", component: "projection-runner", error: String(error) })),
    })
    const app = buildApp({ runtime, sql: store.sql, runner, bodyLimitBytes: config.bodyLimitBytes, version: packageJson.version })
    const address = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => resolve(info))
      server.once("error", reject)
    })
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${address.port}`
    return {
      url,
      sql: store.sql,
      scorecardsCaughtUp: (timeoutMs) => (runner as ProjectionRunner).waitUntilCaughtUp({ timeoutMs }),
      ...(firstAdminKey === undefined ? {} : { firstAdminKey }),
      close: async () => {
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
        await runner?.stop()
        await runtime.dispose()
      },
    }
  } catch (error) {
    server?.close()
    await runner?.stop()
    await runtime.dispose()
    throw error
  }
}

/**
 * On a store with no active key, creates an admin key. On the embedded store it is also written to
 * `<data dir>/admin-key.txt` (mode 600, beside the data it guards) so that scripts can read it.
 */
const ensureAdminKey = async (sql: EventStore["Service"]["sql"], config: Config): Promise<string | undefined> => {
  if ((await countActiveApiKeys(sql)) > 0) return undefined
  const { token } = await createApiKey(sql, { name: "first admin", scopes: ["admin"] })
  if ("dataDir" in config.store) await writeFile(path.join(config.store.dataDir, "admin-key.txt"), `${token}\n`, { mode: 0o600 })
  return token
}
