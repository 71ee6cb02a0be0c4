/**
 * @module Linking a vendor identity to a rep: one `RepIdentityLinked`, appended once. The HTTP route
 * (`POST /v1/reps/{repId}/identities`) and the CLI (`ledger reps link`) both go through here.
 *
 * - The rep must have joined (a `RepJoined` in `rep-<repId>`): a typo must not invent a rep.
 * - Linking twice appends nothing: the same link already in the rep's stream is answered as is.
 * - An identity is linked once: the link's idempotency key is the identity's (`identity-link:<alias>`),
 *   so a link of the same identity to another rep is refused with the stored one, even when two
 *   requests race. (The folds agree: the first link wins. A link sent as a raw event through
 *   `POST /v1/events` bypasses this check; the folds still ignore it if it comes second.)
 *
 * @example
 * const outcome = yield* linkIdentity({ repId: "ana", source: "aircall", externalId: "123" }, { occurredAt, provenance })
 */
import { Data, Effect } from "effect"
import { type EventIssue, identityAlias, parseEvent } from "../../events/index.js"
import { EventStore } from "../store/EventStore.js"
import type { RecordedEvent } from "../store/eventLog.js"
import { appendEvents, type Provenance } from "./appendEvents.js"

/** What a link names: the rep, and the identity as the vendor knows it. */
export type IdentityLink = { readonly repId: string; readonly source: string; readonly externalId: string }

/** The idempotency key of an identity's link: one per identity, whichever rep it names. */
export const identityLinkKey = (source: string, externalId: string): string =>
  `identity-link:${identityAlias(source, externalId)}`

/** `linked`: appended now; `already_linked`: the same link was stored before, nothing appended. */
export type LinkOutcome = { readonly status: "linked" | "already_linked"; readonly event: RecordedEvent }

/** The link is not a valid `RepIdentityLinked` (each issue names its field: `repId`, `source`, `externalId`). */
export class InvalidIdentityLink extends Data.TaggedError("InvalidIdentityLink")<{
  readonly issues: ReadonlyArray<EventIssue>
}> {}

/** The rep never joined: there is no `RepJoined` in its stream. */
export class RepNotJoined extends Data.TaggedError("RepNotJoined")<{ readonly repId: string }> {}

/** The identity is already linked to another rep: the stored link, which stays in force. */
export class IdentityLinkedElsewhere extends Data.TaggedError("IdentityLinkedElsewhere")<{
  readonly alias: string
  readonly linkedTo: string
  readonly storedAs: RecordedEvent
}> {}

const repIdOf = (event: RecordedEvent): unknown => (event.data as { repId?: unknown } | null)?.repId

const isSameLink = (event: RecordedEvent, link: IdentityLink) => {
  const data = event.data as Partial<IdentityLink> | null
  return event.type === "RepIdentityLinked" && data?.source === link.source && data.externalId === link.externalId
}

/** Appends the link unless it is stored already; refuses an invalid link, an unknown rep, an identity linked elsewhere. */
export const linkIdentity = Effect.fn("linkIdentity")(function* (
  link: IdentityLink,
  options: { readonly occurredAt: string; readonly provenance: Provenance },
) {
  const parsed = parseEvent({
    type: "RepIdentityLinked",
    occurredAt: options.occurredAt,
    idempotencyKey: identityLinkKey(link.source, link.externalId),
    data: { repId: link.repId, source: link.source, externalId: link.externalId },
  })
  const issues = parsed.ok ? [] : parsed.issues.map((issue) => ({ ...issue, path: issue.path.replace(/^data\./, "") }))
  // The alias is `<source>:<externalId>` and is read back at the first colon (parseIdentityAlias).
  if (link.source.includes(":"))
    issues.push({
      path: "source",
      message: `must not contain ":" (got "${link.source}"): name the vendor, e.g. aircall`,
    })
  if (!parsed.ok || issues.length > 0) return yield* new InvalidIdentityLink({ issues })
  const store = yield* EventStore
  const history = yield* store.readStream(`rep-${link.repId}`)
  if (!history.some((event) => event.type === "RepJoined")) return yield* new RepNotJoined({ repId: link.repId })
  const stored = history.find((event) => isSameLink(event, link))
  if (stored !== undefined) {
    const outcome: LinkOutcome = { status: "already_linked", event: stored }
    return outcome
  }

  return yield* appendEvents([parsed.event], options.provenance).pipe(
    Effect.map(
      (result): LinkOutcome => ({
        status: result.appended > 0 ? "linked" : "already_linked",
        event: result.events[0] as RecordedEvent,
      }),
    ),
    Effect.catchTag("IdempotencyKeyReused", (reused) =>
      repIdOf(reused.storedAs) === link.repId
        ? Effect.succeed<LinkOutcome>({ status: "already_linked", event: reused.storedAs })
        : Effect.fail(
            new IdentityLinkedElsewhere({
              alias: identityAlias(link.source, link.externalId),
              linkedTo: String(repIdOf(reused.storedAs)),
              storedAs: reused.storedAs,
            }),
          ),
    ),
  )
})
