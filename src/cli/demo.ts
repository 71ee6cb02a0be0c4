/**
 * @module `ledger demo`: loads the demo team (src/demo, deterministic from a seed) into the
 * configured store, with progress. `ledger serve` uses the same loader on a first start.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { type DemoTeamOptions, demoDefaults, loadDemoTeam } from "../demo/index.js"
import { eventsPerRepMonth } from "../demo/options.js"
import type { Progress } from "../observability/progress.js"
import { EventStore } from "../store/EventStore.js"
import type { SqlDatabase } from "../store/sql.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt } from "./failure.js"
import { progressOn } from "./progress.js"

/** The demo's seed when none is given: the same team on every machine. */
export const demoSeed = 7

/** Loads the demo team, showing progress against the generator's expected volume; answers the events sent. */
export const seedDemo = async (db: SqlDatabase, options: DemoTeamOptions, progress: Progress): Promise<number> => {
  const reps = options.reps ?? demoDefaults.reps
  const months = options.months ?? demoDefaults.months
  const expected = eventsPerRepMonth * reps * months * (options.scale ?? demoDefaults.scale)
  try {
    return await loadDemoTeam(db, {
      ...options,
      onProgress: (loaded) =>
        progress.update(`demo team: ${loaded.toLocaleString("en-US")} events`, {
          value: Math.min(loaded, expected),
          total: expected,
        }),
    })
  } finally {
    progress.done()
  }
}

export const demoCommand = Command.make(
  "demo",
  {
    seed: Flag.Int("seed").pipe(
      Flag.withDescription("The seed: the same seed gives the same team"),
      Flag.withDefault(demoSeed),
    ),
    reps: Flag.Int("reps").pipe(
      Flag.withDescription("Sellers (AEs and BDRs); managers come on top"),
      Flag.withDefault(demoDefaults.reps),
    ),
    months: Flag.Int("months").pipe(
      Flag.withDescription("Months of history, up to the demo's end date"),
      Flag.withDefault(demoDefaults.months),
    ),
  },
  Effect.fn(function* ({ seed, reps, months }) {
    const loaded = yield* withConfiguredStore(
      EventStore.use((store) =>
        attempt(() => seedDemo(store.sql, { seed, reps, months }, progressOn(process.stdout, { plainLines: true }))),
      ),
    )
    yield* Console.log(
      `Loaded the demo team (seed ${seed}, ${reps} reps, ${months} months): ${loaded.toLocaleString("en-US")} events; a second load appends nothing.`,
    )
  }),
).pipe(
  Command.withDescription(
    "Load the demo team (deterministic from a seed) into the store; its events are marked as demo data",
  ),
)
