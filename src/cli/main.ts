/**
 * @module The `ledger` command line: every subcommand, parsed by Effect's CLI module.
 *
 * Failures are one line on stderr and a non-zero exit: a wrong flag or argument names itself and the
 * command's `--help`; a command that fails says why (src/cli/failure.ts). Help and `--version` go to stdout.
 */
import { Console, Effect } from "effect"
import { CliConfig, CliOutput, Command, GlobalFlag } from "effect/cli"
import packageJson from "../../package.json" with { type: "json" }
import { demoCommand } from "./demo.js"
import { eventsCommand } from "./events.js"
import { reasonOf } from "./failure.js"
import { storeHelp } from "./help.js"
import { importCommand } from "./import.js"
import { keys } from "./keys.js"
import { migrate } from "./migrate.js"
import { nodeServices, runMain } from "./nodePlatform.js"
import { peopleCommand } from "./people.js"
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
    peopleCommand,
  ]),
  Command.withExamples([
    {
      command: "npm start",
      description:
        "Start the server (`ledger serve`): on a first start it creates the admin key and loads the demo team",
    },
    {
      command: "ledger keys create --name dashboard --scopes read",
      description: "A read-only key for the dashboard (works while the server runs)",
    },
    {
      command: "ledger import deals deals.csv --preset hubspot",
      description: "Import a CRM's deal export (on the embedded store, stop the server first)",
    },
    {
      command: "ledger what-if coverage --target 4 --from 2026-01-01 --to 2026-12-31",
      description: "Replay a year under a 4× coverage mandate",
    },
    { command: "ledger keys --help", description: "Any command's own flags and examples" },
  ]),
)

const defaultFormatter = CliOutput.defaultFormatter({ globalFlags: "summary" })

/**
 * Help as the default formatter writes it, with the global flags on the top page only (a line on
 * every other page points there), and the top page saying where the store is and who may open it.
 */
const helpFormatter = CliOutput.layer({
  ...defaultFormatter,
  formatHelpDoc: (doc) => {
    // The default formatter leaves no blank line between a lone SUBCOMMANDS table and EXAMPLES.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the title may be wrapped in ANSI styles
    const text = defaultFormatter.formatHelpDoc(doc).replace(/(\S)\n((?:\u001b\[[0-9;]*m)*EXAMPLES)/, "$1\n\n$2")
    return (doc.commandPath?.length ?? 1) <= 1 ? `${text.trimEnd()}\n\n${storeHelp()}\n` : text
  },
})

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

// --help, --version and --completions; not effect's --wizard (prompts for each flag) nor --log-level
// (effect's own log, which no command writes: the server's is LEDGER_LOG_LEVEL).
const builtIns = CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions] })

ledger.pipe(
  Command.run({ version: packageJson.version }),
  Effect.tapError((error) =>
    // Parse errors were presented above (their tag is ShowHelp); everything else is a command's failure.
    typeof error === "object" && error !== null && "_tag" in error && error._tag === "ShowHelp"
      ? Effect.void
      : Console.error(`ledger: ${reasonOf(error)}`),
  ),
  Effect.scoped,
  Effect.provide([nodeServices, oneLineInvocationErrors, helpFormatter, builtIns]),
  runMain,
)
