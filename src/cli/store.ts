/**
 * @module `ledger store copy --from <data dir> --to <postgres url>`: move a ledger off the embedded
 * store (src/store/storeCopy.ts), with a progress bar, and say what was copied and verified.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { type CopyOutcome, type CopyStep, copyStore } from "../store/storeCopy.js"
import { attempt } from "./failure.js"
import { progressOn } from "./progress.js"

const stepLabels: Record<CopyStep, string> = {
  comparing: "comparing with the target's events",
  copying: "copying events",
  verifying: "verifying the target",
}

const copyCommand = Command.make(
  "copy",
  {
    from: Flag.String("from").pipe(
      Flag.withDescription("The embedded store's data directory (LEDGER_DATA_DIR); no server may run on it"),
    ),
    to: Flag.String("to").pipe(
      Flag.withDescription("The PostgreSQL database to copy into (postgres://user@host:port/database)"),
    ),
  },
  Effect.fn("store.copy")(function* ({ from, to }) {
    const progress = progressOn(process.stdout, { plainLines: true })
    const outcome = yield* attempt(() =>
      copyStore({
        from,
        to,
        progress: (step, done, total) =>
          progress.update(`${stepLabels[step]}: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`, {
            value: done,
            total,
          }),
      }).finally(() => progress.done()),
    )
    for (const line of copySummary(outcome, from)) yield* Console.log(line)
  }),
).pipe(
  Command.withDescription(
    "Copy the whole log of an embedded store into PostgreSQL: positions, stream versions, instants, idempotency keys, " +
      "API keys and ingestion status; read models are rebuilt by the target's server. Verified by count and SHA-256; " +
      "run it again to resume an interrupted copy",
  ),
  Command.withExamples([
    {
      command: "ledger store copy --from ./data --to postgres://ledger@db.internal:5432/ledger",
      description: "Move to PostgreSQL (stop `ledger serve` on ./data first), then start the server with DATABASE_URL",
    },
  ]),
)

export const storeCommand = Command.make("store").pipe(
  Command.withDescription("Move the event store: copy an embedded store into PostgreSQL"),
  Command.withSubcommands([copyCommand]),
)

/** What a finished copy says: counts, the checksum both sides agree on, and what happens to the read models. */
export const copySummary = (outcome: CopyOutcome, from: string): ReadonlyArray<string> => {
  const { events } = outcome
  const n = (count: number) => count.toLocaleString("en-US")
  return [
    events.alreadyThere === 0
      ? `Copied ${n(events.copied)} events from ${from}.`
      : events.copied === 0
        ? `Nothing to copy: the target already holds all ${n(events.total)} events of ${from} (checked equal to the source's).`
        : `Copied ${n(events.copied)} events from ${from}, after the ${n(events.alreadyThere)} an earlier copy had stored (checked equal to the source's).`,
    `Verified: ${n(events.total)} events on both sides, SHA-256 of the log in order ${events.sha256} on both sides; ` +
      `${n(outcome.streams)} streams with the same versions.`,
    `Copied ${count(outcome.apiKeys, "API key")}${outcome.apiKeys === 0 ? "" : " (their tokens work on the target)"}` +
      (outcome.sources === undefined ? "." : ` and the ingestion status of ${count(outcome.sources, "source")}.`),
    "Read models were not copied: start the server with DATABASE_URL set to the target and it rebuilds the scorecards from the log.",
  ]
}

const count = (n: number, noun: string): string => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`
