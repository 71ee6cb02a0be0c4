/**
 * @module `ledger people erase|show`: erase a person's personal data, or list every event field
 * that holds it, on the configured store, as `POST /v1/people/erasures` and `GET /v1/people/{identifier}`
 * do (README "Personal data").
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { erasePerson } from "../ingest/erasePerson.js"
import { EventStore } from "../store/EventStore.js"
import { personalDataCsv, personalDataOf } from "../store/erasure.js"
import { withConfiguredStore } from "./configuredStore.js"
import { CommandFailed } from "./failure.js"

const identifier = Argument.String("identifier").pipe(
  Argument.withDescription("A contact id, an email address, a phone number or a rep id"),
)

/** The identifier as the HTTP routes take it: trimmed, not empty. */
const checked = (text: string) =>
  text.trim() === ""
    ? Effect.fail(
        new CommandFailed({
          reason: "name a person: a contact id, an email address, a phone number or a rep id",
        }),
      )
    : Effect.succeed(text.trim())

const erase = Command.make(
  "erase",
  { identifier },
  Effect.fn("people.erase")(function* ({ identifier }) {
    const person = yield* checked(identifier)
    const erasure = yield* withConfiguredStore(
      erasePerson(person, { occurredAt: new Date().toISOString(), provenance: { source: "cli" } }),
    )
    yield* Console.log(
      `Erased ${erasure.valuesErased} kept value${erasure.valuesErased === 1 ? "" : "s"} of this person ` +
        `(subject ${erasure.subject.slice(0, 14)}…, recorded at position ${erasure.event.position}); ` +
        "their fields now read as erased:…, every count stays as it was.",
    )
  }),
).pipe(
  Command.withDescription("Erase a person's personal data; every count, ratio and amount stays as it was"),
  Command.withExamples([
    { command: "ledger people erase ana@example.com", description: "A prospect, by email address" },
    { command: 'ledger people erase "+33 6 12 34 56 78"', description: "By phone number, in any spelling" },
  ]),
)

const show = Command.make(
  "show",
  {
    identifier,
    format: Flag.Literals("format", ["json", "csv"]).pipe(
      Flag.withDefault("json"),
      Flag.withDescription("json (the answer of GET /v1/people/{identifier}) or csv (one row per field)"),
    ),
  },
  Effect.fn("people.show")(function* ({ identifier, format }) {
    const person = yield* checked(identifier)
    const { items } = yield* withConfiguredStore(
      EventStore.use((store) =>
        Effect.tryPromise({
          try: () => personalDataOf(store.sql, person),
          catch: (cause) => new CommandFailed({ reason: `could not read the store: ${String(cause)}` }),
        }),
      ),
    )
    yield* Console.log(
      format === "csv" ? personalDataCsv(items).trimEnd() : JSON.stringify({ identifier: person, items }, null, 2),
    )
  }),
).pipe(
  Command.withDescription("Every event field that holds a person's data (a subject access request)"),
  Command.withExamples([{ command: "ledger people show ana@example.com --format csv", description: "As CSV" }]),
)

export const peopleCommand = Command.make("people").pipe(
  Command.withDescription("Personal data: erase a person, or show what the ledger holds of them"),
  Command.withSubcommands([erase, show]),
)
