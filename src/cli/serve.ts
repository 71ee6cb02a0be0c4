/**
 * @module `ledger serve`: the HTTP server on the configured store, until SIGINT or SIGTERM, which
 * stop it gracefully within LEDGER_SHUTDOWN_TIMEOUT_MS (exit 0; exit 1 naming what was unfinished).
 */
import { Console, Effect, Exit } from "effect"
import { Command, Flag } from "effect/cli"
import { loadConfig, operationsOf } from "../config.js"
import type { RunningServer } from "../server.js"
import { countEvents } from "../store/logHead.js"
import { demoSeed, seedDemo } from "./demo.js"
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
    const where =
      "dataDir" in config.store
        ? `embedded store in ${config.store.dataDir}`
        : `PostgreSQL at ${config.store.databaseUrl.replace(/:[^:@/]*@/, ":***@")}`
    yield* Console.log(`Outcome Ledger listening on ${server.url} (${where})`)
    yield* Console.log(`API reference: ${server.url}/docs`)
    if (server.firstAdminKey !== undefined) {
      yield* Console.log(
        `\nFirst start: an admin API key was created. It is shown only this once:\n\n  ${server.firstAdminKey}\n`,
      )
      if ("dataDir" in config.store)
        yield* Console.log(`(also saved to ${config.store.dataDir}/admin-key.txt, readable only by you)`)
    }
    // A first start of the embedded store shows the product on a demo team, loaded while the server
    // already answers (the scorecards fill in as the runner catches up). Never on PostgreSQL: a
    // server database is a team's own.
    if (!empty && "dataDir" in config.store && (yield* attempt(() => countEvents(server.sql))) === 0) {
      yield* Console.log(`Empty store: loading the demo team (marked as demo data; start with --empty to skip)…`)
      const loaded = yield* attempt(() =>
        seedDemo(server.sql, { seed: demoSeed }, progressOn(process.stdout, { plainLines: true })),
      )
      yield* Console.log(
        `Demo team loaded: ${loaded.toLocaleString("en-US")} events; folding them into the scorecards…`,
      )
      // Until the runner has caught up, strong reads would wait (and time out): say when they will not.
      yield* attempt(() => server.scorecardsCaughtUp(15 * 60_000))
      yield* Console.log(`Scorecards ready. Dashboard: ${server.url}/`)
    }
    yield* Effect.never
  }),
).pipe(Command.withDescription("Run the HTTP server on the embedded store (or on DATABASE_URL)"))

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
