/**
 * @module The `ledger` command line: every subcommand, parsed by Effect's CLI module.
 *
 * Failures are one line on stderr and a non-zero exit: a wrong flag or argument names itself and the
 * command's `--help`; a command that fails says why (src/cli/failure.ts). Help and `--version` go to stdout.
 */
// Subpath imports: the package index also loads undici 8, which declares Node 22; these two do not.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect } from "effect"
import { CliOutput, Command } from "effect/cli"
import packageJson from "../../package.json" with { type: "json" }
import { demoCommand } from "./demo.js"
import { eventsCommand } from "./events.js"
import { reasonOf } from "./failure.js"
import { importCommand } from "./import.js"
import { keys } from "./keys.js"
import { migrate } from "./migrate.js"
import { repsCommand } from "./reps.js"
import { serve } from "./serve.js"
import { storeCommand } from "./store.js"
import { whatIfCommand } from "./whatIf.js"

const ledger = Command.make("ledger").pipe(
  Command.withDescription("Outcome Ledger: sales activity and outcomes, as an event log"),
  Command.withSubcommands([
    serve,
    demoCommand,
    migrate,
    keys,
    eventsCommand,
    importCommand,
    whatIfCommand,
    storeCommand,
    repsCommand,
  ]),
)

/** An invalid invocation as one line (instead of the command's whole help followed by the errors). */
const oneLineInvocationErrors = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Console.error(
          `${event.commandPath.join(" ")}: ${event.errors.map((error) => error.message).join("; ")} ` +
            `(see \`${event.commandPath.join(" ")} --help\`)`,
        )
      : CliOutput.defaultPresenter.present(event),
})

ledger.pipe(
  Command.run({ version: packageJson.version }),
  Effect.tapError((error) =>
    // Parse errors were presented above (their tag is ShowHelp); everything else is a command's failure.
    typeof error === "object" && error !== null && "_tag" in error && error._tag === "ShowHelp"
      ? Effect.void
      : Console.error(`ledger: ${reasonOf(error)}`),
  ),
  Effect.scoped,
  Effect.provide([NodeServices.layer, oneLineInvocationErrors]),
  NodeRuntime.runMain,
)
