/**
 * @module Erasing a person (README "Personal data"): their kept values are deleted, then one
 * `PersonErased` records it, holding only the person's subject key. The HTTP route
 * (`POST /v1/people/erasures`) and the CLI (`ledger people erase`) both go through here.
 *
 * @example
 * const erased = yield* erasePerson("ana@example.com", { occurredAt, provenance })
 */
import { Effect } from "effect"
import { EventStore } from "../store/EventStore.js"
import { eraseSubject, identifierKindOf } from "../store/erasure.js"
import { StoreFailure } from "../store/errors.js"
import type { RecordedEvent } from "../store/eventLog.js"
import { appendEvents, type Provenance } from "./appendEvents.js"

/** What an erasure did: the person's subject key, how many kept values it deleted, the event that records it. */
export type Erasure = { readonly subject: string; readonly valuesErased: number; readonly event: RecordedEvent }

/**
 * Deletes every value kept for `identifier` (a contact id, an email address, a phone number or a rep
 * id), then appends the `PersonErased`. Erasing again deletes what came since (a new delivery) and
 * records another erasure.
 */
export const erasePerson = Effect.fn("People.erase")(function* (
  identifier: string,
  context: { readonly occurredAt: string; readonly provenance: Provenance },
) {
  const store = yield* EventStore
  const { subject, valuesErased } = yield* Effect.tryPromise({
    try: () => eraseSubject(store.sql, identifier),
    catch: (cause) => new StoreFailure({ operation: "erase a person", cause }),
  })
  const stored = yield* appendEvents(
    [
      {
        type: "PersonErased",
        occurredAt: context.occurredAt,
        idempotencyKey: `person-erased:${subject}:${context.occurredAt}:${valuesErased}`,
        data: { subject, identifierKind: identifierKindOf(identifier), valuesErased },
      },
    ],
    context.provenance,
  )
  return { subject, valuesErased, event: stored.events[0] as RecordedEvent } satisfies Erasure
})
