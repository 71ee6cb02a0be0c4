/**
 * @module `ledger demo`: loads the demo team (src/demo, deterministic from a seed) into the
 * configured store, its year ending today, with progress; or, when the store holds that demo
 * already, carries it on to today. `ledger serve` does the same on every start of the embedded store.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { demoDefaults, type KeepCurrentOptions, type KeptCurrent, keepDemoCurrent } from "../demo/index.js"
import type { Progress } from "../observability/progress.js"
import { EventStore } from "../store/EventStore.js"
import type { SqlDatabase } from "../store/sql.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt } from "./failure.js"
import { progressOn } from "./progress.js"

/** The demo's seed when none is given: the same team on every machine. */
export const demoSeed = 7

/** Makes the demo current (src/demo/currentDemo.ts), showing progress against the expected volume. */
export const currentDemo = async (
  db: SqlDatabase,
  options: Omit<KeepCurrentOptions, "onProgress">,
  progress: Progress,
): Promise<KeptCurrent> => {
  try {
    return await keepDemoCurrent(db, {
      ...options,
      onProgress: (loaded, expected) =>
        progress.update(`demo team: ${loaded.toLocaleString("en-US")} events`, {
          value: Math.min(loaded, expected),
          total: expected,
        }),
    })
  } finally {
    progress.done()
  }
}

/** What a demo run did, in one sentence. */
export const demoOutcome = (kept: KeptCurrent, seed: number): string => {
  const n = (events: number) => events.toLocaleString("en-US")
  switch (kept._tag) {
    case "Loaded":
      return `Loaded the demo team (seed ${seed}): ${n(kept.events)} events from ${kept.firstDay} to today, ${kept.lastDay}.`
    case "CarriedOn":
      return `Brought the demo team (seed ${seed}) up to today: ${n(kept.events)} events after ${kept.fromDay}.`
    case "AlreadyCurrent":
      return `The demo team (seed ${seed}) is up to date: its history reaches today, ${kept.lastDay}.`
    case "CannotCarryOn":
      return (
        `The demo team (seed ${seed}) stops on ${kept.throughDay} and cannot be brought up to date: an earlier ` +
        "version loaded it. For a current demo, start on a new data directory (LEDGER_DATA_DIR)."
      )
    default:
      return assertNever(kept)
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled demo outcome ${JSON.stringify(value)}`)
}

export const demoCommand = Command.make(
  "demo",
  {
    seed: Flag.Int("seed").pipe(
      Flag.withDescription("The seed: the same seed gives the same team"),
      Flag.withDefault(demoSeed),
    ),
    reps: Flag.Int("reps").pipe(
      Flag.withDescription("Sellers (AEs and BDRs) of a new demo; managers come on top"),
      Flag.withDefault(demoDefaults.reps),
    ),
    months: Flag.Int("months").pipe(
      Flag.withDescription("Months of history of a new demo, up to today"),
      Flag.withDefault(demoDefaults.months),
    ),
  },
  Effect.fn(function* ({ seed, reps, months }) {
    const kept = yield* withConfiguredStore(
      EventStore.use((store) =>
        attempt(() =>
          currentDemo(
            store.sql,
            { seed, reps, months, now: Date.now() },
            progressOn(process.stdout, { plainLines: true }),
          ),
        ),
      ),
    )
    yield* Console.log(demoOutcome(kept, seed))
  }),
).pipe(
  Command.withDescription(
    "Load the demo team (deterministic from a seed), its year ending today, or bring the one loaded up to today; " +
      "its events are marked as demo data and no other event is touched",
  ),
  Command.withShortDescription("Load the demo team, or bring it up to today"),
  Command.withExamples([
    { command: "ledger demo", description: "The demo a first start loads (seed 7), or the same brought up to today" },
    { command: "ledger demo --seed 3 --reps 60 --months 6", description: "Another team: 60 sellers, six months" },
  ]),
)
