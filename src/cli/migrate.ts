/**
 * @module `ledger migrate`: bring the configured store's schema up to date, saying what was applied.
 * (Every command, and `ledger serve`, also migrates on open; this one reports it, for deployments that
 * migrate as a step of their own.)
 */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { migrate as applyMigrations, migrations } from "../store/migrations.js"
import { withConfiguredDatabase } from "./configuredStore.js"
import { attempt } from "./failure.js"

export const migrate = Command.make(
  "migrate",
  {},
  Effect.fn("migrate")(function* () {
    const { applied, location } = yield* withConfiguredDatabase((db) =>
      attempt(async () => ({ applied: await applyMigrations(db), location: db.location })),
    )
    const latest = migrations.at(-1)?.version ?? 0
    if (applied.length === 0)
      return yield* Console.log(`The store at ${location} is up to date (schema version ${latest}).`)
    for (const version of applied) {
      yield* Console.log(`Applied migration ${version}: ${migrations.find((m) => m.version === version)?.name ?? "?"}`)
    }
    yield* Console.log(`The store at ${location} is now at schema version ${latest}.`)
  }),
).pipe(Command.withDescription("Apply the store's pending schema migrations and list them (or say it is up to date)"))
