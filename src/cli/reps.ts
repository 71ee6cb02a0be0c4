/**
 * @module `ledger reps link`: tie a vendor identity (a dialer's user id, a calendar's email…) to a rep
 * on the configured store, through the same append as `POST /v1/reps/{repId}/identities`.
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { identityAlias } from "../../events/index.js"
import { linkIdentity } from "../ingest/linkIdentity.js"
import { withConfiguredStore } from "./configuredStore.js"
import { CommandFailed } from "./failure.js"

const link = Command.make(
  "link",
  {
    repId: Argument.String("repId").pipe(
      Argument.withDescription("The rep, as RepJoined named them (`GET /v1/reps` lists them)"),
    ),
    source: Flag.String("source").pipe(
      Flag.withDescription("The vendor: aircall, twilio, ringcentral, dialpad, calendly, csv…"),
    ),
    externalId: Flag.String("external-id").pipe(
      Flag.withDescription("The vendor's id for the rep: user id, extension, phone number or email"),
    ),
  },
  Effect.fn("reps.link")(function* ({ repId, source, externalId }) {
    const alias = identityAlias(source, externalId)
    const outcome = yield* withConfiguredStore(
      linkIdentity(
        { repId, source, externalId },
        { occurredAt: new Date().toISOString(), provenance: { source: "cli" } },
      ).pipe(
        Effect.catchTags({
          InvalidIdentityLink: (error) =>
            Effect.fail(
              new CommandFailed({
                reason: `invalid link: ${error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`).join("; ")}`,
              }),
            ),
          RepNotJoined: () =>
            Effect.fail(
              new CommandFailed({
                reason: `no rep "${repId}" has joined (no RepJoined in stream rep-${repId}); append its RepJoined first, or check the id`,
              }),
            ),
          IdentityLinkedElsewhere: (error) =>
            Effect.fail(
              new CommandFailed({
                reason: `${alias} is already linked to rep "${error.linkedTo}" (since ${error.storedAs.occurredAt}); an identity counts for one rep, and its first link stays in force`,
              }),
            ),
        }),
      ),
    )
    if (outcome.status === "already_linked") {
      return yield* Console.log(
        `${alias} was already linked to ${repId} (since ${outcome.event.occurredAt}): nothing appended.`,
      )
    }
    yield* Console.log(
      `Linked ${alias} to ${repId}: the scorecards credit ${repId} with its events, those recorded before the link included.`,
    )
  }),
).pipe(
  Command.withDescription(
    "Link a vendor identity to a rep: the events recorded under it, past and future, count for the rep",
  ),
  Command.withExamples([
    { command: "ledger reps link ana --source aircall --external-id 123", description: "ana is Aircall user 123" },
    {
      command: "ledger reps link bo --source calendly --external-id bo@example.com",
      description: "bo's Calendly bookings",
    },
  ]),
)

/** Where a link's field came from on the command line. */
const flagOf = (path: string) => (path === "source" ? "--source" : path === "externalId" ? "--external-id" : path)

export const repsCommand = Command.make("reps").pipe(
  Command.withDescription("Manage who is who: the vendor identities of the reps"),
  Command.withSubcommands([link]),
)
