/**
 * @module `ledger serve`: the HTTP server on the configured store, until SIGINT or SIGTERM, which
 * stop it gracefully within LEDGER_SHUTDOWN_TIMEOUT_MS (exit 0; exit 1 naming what was unfinished).
 * Every start ends with one line that starts with `Ready:`, naming the dashboard's URL and the key
 * to sign in with; on the embedded store the demo team is loaded (first start) or brought up to
 * today (later ones) before it.
 */
import { existsSync } from "node:fs"
import path from "node:path"
import { Console, Effect, Exit } from "effect"
import { Command, Flag } from "effect/cli"
import packageJson from "../../package.json" with { type: "json" }
import { loadConfig, operationsOf } from "../config.js"
import type { RunningServer } from "../server.js"
import { logStart } from "../store/eventLog.js"
import { committedHead } from "../store/logHead.js"
import { currentDemo, demoOutcome, demoSeed } from "./demo.js"
import { attempt, commandFailed } from "./failure.js"
import { progressOn } from "./progress.js"

export const serve = Command.make(
  "serve",
  {
    port: Flag.Int("port").pipe(Flag.withDescription("Port to listen on (default: PORT, else 8080)"), Flag.optional),
    host: Flag.String("host").pipe(
      Flag.withDescription("Interface to listen on (default: HOST, else 127.0.0.1)"),
      Flag.optional,
    ),
    empty: Flag.Boolean("empty").pipe(
      Flag.withDescription("On a first start of an empty embedded store, do not load the demo team"),
      Flag.withDefault(false),
    ),
  },
  Effect.fn(function* ({ port, host, empty }) {
    const base = yield* Effect.try({ try: () => loadConfig(), catch: commandFailed })
    const config = {
      ...base,
      ...(port._tag === "Some" ? { port: port.value } : {}),
      ...(host._tag === "Some" ? { host: host.value } : {}),
    }
    // Loaded here, not at the top: the other commands need neither the HTTP stack nor its start-up time.
    const { startServer } = yield* attempt(() => import("../server.js"))
    const server = yield* Effect.acquireRelease(
      attempt(() => startServer(config)),
      (running, exit) => Effect.promise(() => stopOnSignal(running, exit, operationsOf(config).shutdownTimeoutMs)),
    )
    const embedded = "dataDir" in config.store
    const where =
      "dataDir" in config.store
        ? `embedded store in ${path.resolve(config.store.dataDir)}`
        : `PostgreSQL at ${config.store.databaseUrl.replace(/:[^:@/]*@/, ":***@")}`
    yield* Console.log(`Outcome Ledger ${packageJson.version} listening on ${server.url} (${where})`)
    if (server.firstAdminKey !== undefined) {
      yield* Console.log(
        `\nFirst start: an admin API key was created. It is shown only this once:\n\n  ${server.firstAdminKey}\n`,
      )
      if (server.adminKeyFile !== undefined)
        yield* Console.log(`(also saved to ${server.adminKeyFile}, readable only by you)\n`)
    }
    // The demo team: loaded on a first start of the embedded store, brought up to today on a later
    // one, while the server already answers (the scorecards fill in as the runner catches up). Never
    // on PostgreSQL: a server database is a team's own (`ledger demo` loads it there on purpose).
    // The log's head, not a count: a restart of a large store would scan every event for it.
    const firstStart = (yield* attempt(() => committedHead(server.sql))).position === logStart.position
    if (!empty && embedded) {
      if (firstStart)
        yield* Console.log(
          "Empty store: loading the demo team, a year ending today, marked as demo data (start with --empty to skip); the server answers meanwhile…",
        )
      const kept = yield* attempt(() =>
        currentDemo(server.sql, { seed: demoSeed, now: Date.now() }, progressOn(process.stdout, { plainLines: true })),
      ).pipe(
        // A start is not refused for its demo: the team's own data and the server matter more.
        Effect.catch((failure) =>
          Console.error(`ledger: the demo team could not be brought up to date: ${failure.reason}`).pipe(
            Effect.as(undefined),
          ),
        ),
      )
      if (kept !== undefined && kept._tag !== "AlreadyCurrent") yield* Console.log(demoOutcome(kept, demoSeed))
    }
    const lag = yield* attempt(() => server.lag())
    if (lag.events > 0) {
      yield* Console.log(`Folding ${lag.events.toLocaleString("en-US")} events into the scorecards…`)
      // Until the runner has caught up, strong reads would wait (and time out): say when they will not.
      yield* attempt(() => server.scorecardsCaughtUp(15 * 60_000))
    }
    yield* Console.log(readyLine(server))
    yield* Effect.never
  }),
).pipe(Command.withDescription("Run the HTTP server on the embedded store (or on DATABASE_URL)"))

/**
 * The line every start ends with: where the dashboard is, and the key to sign in with. Printed once
 * the scorecards have caught up with the log, so that what the dashboard shows is complete.
 */
export const readyLine = (server: Pick<RunningServer, "url" | "adminKeyFile">): string => {
  const readKey = "or a read-only key from `ledger keys create --name dashboard --scopes read`"
  const adminKey =
    server.adminKeyFile === undefined
      ? "an admin key (the first start printed one; `ledger keys list` names them)"
      : existsSync(server.adminKeyFile)
        ? `the admin key in ${server.adminKeyFile}`
        : `an admin key (${server.adminKeyFile} is gone: stop the server and run \`ledger keys create --name admin --scopes admin\`)`
  return `Ready: the dashboard is at ${server.url}/ — sign in with ${adminKey}, ${readKey}. API reference: ${server.url}/docs`
}

/**
 * Stops the server gracefully. On a signal (the serve command's only way to end well) it exits
 * itself: 0 when everything finished, 1 at the time bound — the runtime would report the
 * interruption as a failure (130). A second signal while stopping exits at once.
 */
const stopOnSignal = async (
  running: RunningServer,
  exit: Exit.Exit<unknown, unknown>,
  timeoutMs: number,
): Promise<void> => {
  const bySignal = Exit.isFailure(exit) && Exit.hasInterrupts(exit)
  const impatient = () => {
    process.stderr.write("ledger: a second signal: exiting before the shutdown finished\n")
    process.exit(1)
  }
  process.once("SIGINT", impatient).once("SIGTERM", impatient)
  const report = await running.shutdown({ timeoutMs })
  if (!report.complete) {
    process.stderr.write(
      `ledger: shutdown unfinished after ${report.tookMs} ms (LEDGER_SHUTDOWN_TIMEOUT_MS=${timeoutMs}): ${report.unfinished.join("; ")}\n`,
    )
    process.exit(1)
  }
  if (bySignal) process.exit(0)
}
