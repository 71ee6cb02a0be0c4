/**
 * @module Starting and stopping the ledger's HTTP server on its store. A graceful stop (SIGTERM)
 * goes in order: refuse new requests and stop listening, finish the requests in flight (and so
 * their commit groups), stop the projection runner (its checkpoint is saved with each batch),
 * close the store (the last commit group, then the data-directory lock) — within a time bound.
 */
import path from "node:path"
import { type ServerType, serve } from "@hono/node-server"
import { Effect, ManagedRuntime } from "effect"
import type { DestinationStream } from "pino"
import packageJson from "../package.json" with { type: "json" }
import { type Config, operationsOf } from "./config.js"
import { buildApp } from "./http/app.js"
import { createDraining } from "./http/draining.js"
import type { AppOperations } from "./http/operations.js"
import { createLogger } from "./observability/log.js"
import { createMetrics } from "./observability/metrics.js"
import { type ProjectionLag, type ProjectionRunner, startProjectionRunner } from "./runtime/projectionRunner.js"
import { defaultRawPayloadRetentionDays, startRawPayloadRetention } from "./runtime/rawPayloadRetention.js"
import { adminKeyFileName, removeRunningServer, writeAdminKeyFile, writeRunningServer } from "./serverNotes.js"
import { countActiveApiKeys, createApiKey } from "./store/apiKeys.js"
import { EventStore } from "./store/EventStore.js"
import { type DeliveryTally, deliveryTally } from "./store/sources.js"
import type { SqlDatabase } from "./store/sql.js"

export type RunningServer = {
  readonly url: string
  /** Set on a first start with no API key: the admin key, shown this once. */
  readonly firstAdminKey?: string
  /** On the embedded store, where the first start saved the admin key (the file may since be gone). */
  readonly adminKeyFile?: string
  /** The store's database, for callers in the same process that manage other tables (e.g. API keys in tests). */
  readonly sql: SqlDatabase
  /** Resolves once the scorecards have applied every event committed so far (false at the timeout). */
  scorecardsCaughtUp(timeoutMs: number): Promise<boolean>
  /** How far the scorecards are behind the committed log now. */
  lag(): Promise<ProjectionLag>
  /**
   * Stops gracefully (see the module's comment), answering once it has, or at `timeoutMs` with what
   * was still unfinished then. Called again, it joins the stop under way.
   */
  shutdown(options: { readonly timeoutMs: number }): Promise<ShutdownReport>
  /** Stops gracefully, however long it takes. */
  close(): Promise<void>
}

export type ShutdownReport =
  | { readonly complete: true; readonly tookMs: number }
  | { readonly complete: false; readonly tookMs: number; readonly unfinished: ReadonlyArray<string> }

export type StartOptions = {
  /** Where the JSON log goes (default stdout); tests read it. */
  readonly logDestination?: DestinationStream
}

/** Opens the store, makes sure an admin key exists, and listens. */
/**
 * Idle keep-alive connections stay open longer than clients and proxies keep theirs (Node's fetch 4 s,
 * load balancers 60 s), so the client always closes first: with Node's 5 s default, a request sent on
 * a connection the server was closing at that moment is reset, most often when the event loop lags.
 */
const keepAlive = { keepAliveTimeout: 65_000, headersTimeout: 66_000 }

export const startServer = async (config: Config, options: StartOptions = {}): Promise<RunningServer> => {
  const settings = operationsOf(config)
  const logger = createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    ...(options.logDestination === undefined ? {} : { destination: options.logDestination }),
  })
  let server: ServerType | undefined
  let runner: ProjectionRunner | undefined
  let retention: { readonly stop: () => void } | undefined
  const metrics = createMetrics({
    projectionLag: () =>
      runner === undefined ? Promise.reject(new Error("the projection runner has not started")) : runner.lag(),
  })
  const operations: AppOperations = { logger, metrics, draining: createDraining(), settings }
  const runtime = ManagedRuntime.make(EventStore.layer(config.store, { onGroup: metrics.observeGroup }))
  try {
    const store = await runtime.runPromise(
      Effect.gen(function* () {
        return yield* EventStore
      }),
    )
    const firstAdminKey = await ensureAdminKey(store.sql, config)
    retention = await startRawPayloadRetention(store.sql, {
      days: config.rawPayloadRetentionDays ?? defaultRawPayloadRetentionDays,
      onError: (error) => logger.warn({ err: error }, "could not delete the vendor payloads past their retention"),
    })
    runner = await startProjectionRunner(store.sql, {
      onError: (error) =>
        logger.error(
          { err: error, component: "projection-runner" },
          "the projection runner failed; it retries in a second",
        ),
    })
    const deliveries = deliveryTally(store.sql, {
      onError: (error) =>
        logger.warn(
          { err: error },
          "could not count deliveries in the ingestion status; they are kept for the next try",
        ),
    })
    const app = buildApp({
      runtime,
      sql: store.sql,
      runner,
      deliveries,
      bodyLimitBytes: config.bodyLimitBytes,
      version: packageJson.version,
      operations,
      ...(config.webhooks === undefined ? {} : { webhooks: config.webhooks }),
    })
    const address = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: keepAlive }, (info) =>
        resolve(info),
      )
      server.once("error", reject)
    })
    const url = urlOf(config.host, address.port)
    logger.info({ url, version: packageJson.version }, "listening")
    warnOfUnsignedDialpad(config, logger)
    const dataDir = "dataDir" in config.store ? config.store.dataDir : undefined
    // `ledger keys` finds the server by this note (src/runningServer.ts), and goes through it.
    if (dataDir !== undefined)
      await writeRunningServer(dataDir, {
        url: urlOf(reachableHost(config.host), address.port),
        pid: process.pid,
        startedAt: new Date().toISOString(),
      })
    const graceful = gracefulStop({ server: server as ServerType, runner, deliveries, runtime, operations, dataDir })
    const stop: typeof graceful = (options) => {
      retention?.stop()
      return graceful(options)
    }
    return {
      url,
      sql: store.sql,
      ...(dataDir === undefined ? {} : { adminKeyFile: path.resolve(dataDir, adminKeyFileName) }),
      scorecardsCaughtUp: (timeoutMs) => (runner as ProjectionRunner).waitUntilCaughtUp({ timeoutMs }),
      lag: () => (runner as ProjectionRunner).lag(),
      ...(firstAdminKey === undefined ? {} : { firstAdminKey }),
      shutdown: stop,
      close: async () => {
        await stop({ timeoutMs: Number.POSITIVE_INFINITY })
      },
    }
  } catch (error) {
    retention?.stop()
    server?.close()
    await runner?.stop()
    await runtime.dispose()
    throw error
  }
}

/**
 * The graceful stop of a running server, started on the first call; each call answers at its own
 * time bound with what was done or left.
 */
const gracefulStop = ({
  server,
  runner,
  deliveries,
  runtime,
  operations,
  dataDir,
}: {
  readonly server: ServerType
  readonly runner: ProjectionRunner
  readonly deliveries: DeliveryTally
  readonly runtime: { dispose(): Promise<void> }
  readonly operations: AppOperations
  readonly dataDir: string | undefined
}): RunningServer["shutdown"] => {
  const { draining, logger } = operations
  let stopping: Promise<void> | undefined
  let startedAt = 0
  let step = ""
  const run = async () => {
    startedAt = performance.now()
    logger.info("shutting down: refusing new requests, finishing those in flight")
    step = "finishing the requests in flight"
    draining.start()
    const http = server as ServerType & { closeIdleConnections?: () => void; closeAllConnections?: () => void }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    await draining.idle()
    // Each answer given while draining said `Connection: close`; a keep-alive socket idle since
    // before SIGTERM is closed here, and anything still open a second later (a client that
    // connected and sent nothing) is cut.
    http.closeIdleConnections?.()
    const lingering = setTimeout(() => http.closeAllConnections?.(), 1_000)
    await closed
    clearTimeout(lingering)
    step = "writing the ingestion status's last counts"
    await deliveries
      .close()
      .catch((error: unknown) => logger.warn({ err: error }, "the last delivery counts could not be written"))
    step = "stopping the projection runner"
    await runner.stop()
    step = "closing the store (its last commit group, then its data directory)"
    if (dataDir !== undefined) await removeRunningServer(dataDir)
    await runtime.dispose()
    step = "done"
    logger.info({ tookMs: Math.round(performance.now() - startedAt) }, "stopped")
  }
  return async ({ timeoutMs }) => {
    stopping ??= run()
    let timer: NodeJS.Timeout | undefined
    const timedOut = Number.isFinite(timeoutMs)
      ? new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), timeoutMs)
        })
      : new Promise<never>(() => {})
    const outcome = await Promise.race([stopping.then(() => "done" as const), timedOut])
    clearTimeout(timer)
    const tookMs = Math.round(performance.now() - startedAt)
    if (outcome === "done") return { complete: true, tookMs }
    const inFlight = draining
      .inFlight()
      .map((r) => `${r.method} ${r.path} (request ${r.requestId}, for ${Date.now() - r.sinceMs} ms)`)
    const unfinished = [
      `was ${step}`,
      ...(inFlight.length > 0 ? [`requests still in flight: ${inFlight.join("; ")}`] : []),
    ]
    logger.error({ tookMs, unfinished }, "shutdown timed out")
    return { complete: false, tookMs, unfinished }
  }
}

/** LEDGER_DIALPAD_ALLOW_UNSIGNED is an explicit choice to take anyone's data: said at every start. */
const warnOfUnsignedDialpad = (config: Config, logger: AppOperations["logger"]): void => {
  if (config.webhooks?.dialpadAllowUnsigned !== true) return
  if (config.webhooks.dialpadSecret !== undefined) {
    logger.warn(
      "LEDGER_DIALPAD_ALLOW_UNSIGNED=true is ignored: LEDGER_DIALPAD_SECRET is set, so every Dialpad delivery must be a JWT signed with it",
    )
    return
  }
  logger.warn(
    { route: "POST /v1/webhooks/dialpad" },
    "LEDGER_DIALPAD_ALLOW_UNSIGNED=true: Dialpad deliveries are accepted without any proof, so anyone who finds the URL can add calls to reps' scorecards; create the Dialpad webhook with a secret and set LEDGER_DIALPAD_SECRET instead",
  )
}

const urlOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`

/** The address a command on this machine reaches a server at: loopback for a server on every interface. */
const reachableHost = (host: string): string => (host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host)

/**
 * On a store with no active key, creates an admin key. On the embedded store it is also written to
 * `<data dir>/admin-key.txt` (serverNotes.ts) so that scripts and `ledger keys` can read it.
 */
const ensureAdminKey = async (sql: EventStore["Service"]["sql"], config: Config): Promise<string | undefined> => {
  if ((await countActiveApiKeys(sql)) > 0) return undefined
  const { token } = await createApiKey(sql, { name: "first admin", scopes: ["admin"] })
  if ("dataDir" in config.store) await writeAdminKeyFile(config.store.dataDir, token)
  return token
}
