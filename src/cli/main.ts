/**
 * @module The `ledger` command line: every subcommand, parsed by Effect's CLI module.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import packageJson from "../../package.json" with { type: "json" }
import { serve } from "./serve.js"

const ledger = Command.make("ledger").pipe(
  Command.withDescription("Outcome Ledger: sales activity and outcomes, as an event log"),
  Command.withSubcommands([serve]),
)

ledger.pipe(
  Command.run({ version: packageJson.version }),
  Effect.scoped,
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain,
)
