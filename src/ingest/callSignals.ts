/**
 * @module From a dialer's call signal to the call's one `CallLogged`. Each vendor event is stored as
 * a `CallEventReceived` in the call's stream `call-<vendor>-<id>` (its delivery key as idempotency
 * key, the vendor's payload in `metadata.raw`); then the stream's signals, in whatever order they
 * came, are merged by the connector, and once they hold the end of the call the `CallLogged` is
 * appended at the stream version just read. A writer that lost the race (two terminal deliveries at
 * once) reads again and finds the CallLogged already there: a call is logged exactly once.
 *
 * @example
 * const recorded = yield* recordCallSignal(aircall, reading.signal)
 */
import { Data, Effect } from "effect"
import { currentSchemaVersion, eventSchemas, unstorableText } from "../../events/index.js"
import { EventStore } from "../store/EventStore.js"
import type { NewEvent, RecordedEvent } from "../store/eventLog.js"
import { type CallFacts, type CallSignal, type Connector, callIdOf, callOutcomeOf } from "./webhooks/connector.js"
import { payloadSubjectsOf } from "./webhooks/keptPayload.js"

/** What one call signal did to the log. */
export type RecordedCallSignal = {
  /** Events this delivery added: its CallEventReceived (unless a retry) and perhaps the CallLogged. */
  readonly appended: number
  /** True when the signal was already stored (a retried delivery). */
  readonly duplicate: boolean
  readonly callId: string
  /** The call's CallLogged, once the call is over (appended now or earlier). */
  readonly callLogged?: RecordedEvent
}

/** The vendor's event does not make a valid ledger event (an id over 200 characters, a negative duration…). */
export class InvalidCallSignal extends Data.TaggedError("InvalidCallSignal")<{ readonly reason: string }> {}

/** How many times the CallLogged decision is re-read after losing a race; each loss means another writer progressed. */
const maxDecisions = 10

/** The idempotency key of a signal: its delivery key, prefixed by the vendor unless it already is. */
export const signalKey = (source: string, deliveryKey: string): string =>
  deliveryKey.startsWith(`${source}:`) ? deliveryKey : `${source}:${deliveryKey}`

/**
 * Stores one call signal, then appends the call's CallLogged if the signals now amount to one.
 * Untraced: it is on every dialer webhook (why: EventStore.append).
 */
export const recordCallSignal = Effect.fnUntraced(function* (connector: Connector, signal: CallSignal) {
  const store = yield* EventStore
  const callId = callIdOf(connector.source, signal.vendorCallId)
  const streamId = `call-${callId}`
  // PostgreSQL's text and jsonb cannot hold a NUL or a lone surrogate, and the payload is stored
  // whole (metadata.raw): refused naming the vendor's field, not a 503 on the append.
  const unstorable = unstorableText(signal.raw) ?? unstorableText(signal.deliveryKey, "the delivery key")
  if (unstorable !== undefined)
    return yield* new InvalidCallSignal({
      reason: `\`${unstorable.path}\` ${unstorable.message}, which the ledger cannot store`,
    })
  // Validated like any event: a vendor id too long for an Id is refused here, not stored half-right.
  const parsed = eventSchemas.CallEventReceived.safeParse({
    callId,
    vendor: connector.source,
    vendorEvent: signal.vendorEvent,
    ...signal.facts,
  })
  if (!parsed.success) return yield* new InvalidCallSignal({ reason: issuesText(parsed.error) })
  const data = parsed.data
  const unstorableFact = unstorableText(data, "data")
  if (unstorableFact !== undefined)
    return yield* new InvalidCallSignal({
      reason: `${unstorableFact.path} ${unstorableFact.message}, which the ledger cannot store`,
    })
  const received: NewEvent = {
    type: "CallEventReceived",
    schemaVersion: currentSchemaVersion.CallEventReceived,
    data,
    metadata: { source: connector.source, raw: signal.raw },
    occurredAt: signal.occurredAt,
    idempotencyKey: signalKey(connector.source, signal.deliveryKey),
    payloadSubjects: payloadSubjectsOf(signal.raw, connector.payload),
  }
  const signalsAppended = yield* store.append([{ streamId, expected: "any", events: [received] }]).pipe(
    Effect.map((result) => result.appended),
    // The same delivery key with other content: the vendor re-sent the event with fields filled in
    // later, or stamped it anew. It is a retry all the same; the first copy stands.
    Effect.catchTag("IdempotencyKeyReused", () => Effect.succeed(0)),
  )
  const duplicate = signalsAppended === 0
  for (let decision = 1; ; decision++) {
    const history = yield* store.readStream(streamId)
    const logged = history.find((event) => event.type === "CallLogged")
    if (logged !== undefined) return { appended: signalsAppended, duplicate, callId, callLogged: logged }
    const outcome = (connector.callOutcome ?? callOutcomeOf)(
      history.filter((e) => e.type === "CallEventReceived").map(signalOf),
    )
    if (outcome === undefined) return { appended: signalsAppended, duplicate, callId }
    const { occurredAt, ...facts } = outcome
    const loggedData = eventSchemas.CallLogged.safeParse({ callId, ...facts })
    if (!loggedData.success)
      return yield* new InvalidCallSignal({
        reason: `the call's CallLogged would be invalid: ${issuesText(loggedData.error)}`,
      })
    const callLogged: NewEvent = {
      type: "CallLogged",
      schemaVersion: currentSchemaVersion.CallLogged,
      data: loggedData.data,
      metadata: { source: connector.source },
      occurredAt,
      idempotencyKey: `${callId}:CallLogged`,
    }
    const version = (history.at(-1) as RecordedEvent).streamVersion
    const appended = yield* store.append([{ streamId, expected: version, events: [callLogged] }]).pipe(
      Effect.map((result) => ({ event: result.events[0] as RecordedEvent, count: result.appended })),
      // Another delivery of this call got in first: read again (it may have logged the call itself).
      Effect.catchTag("WrongExpectedVersion", (error) =>
        decision < maxDecisions ? Effect.succeed(undefined) : Effect.fail(error),
      ),
      // Another writer stored the call's CallLogged from other signals: reading again finds it.
      Effect.catchTag("IdempotencyKeyReused", (error) =>
        decision < maxDecisions ? Effect.succeed(undefined) : Effect.fail(error),
      ),
    )
    if (appended !== undefined)
      return { appended: signalsAppended + appended.count, duplicate, callId, callLogged: appended.event }
  }
})

const issuesText = (error: {
  readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>
}) => error.issues.map((issue) => `${issue.path.map(String).join(".") || "(data)"}: ${issue.message}`).join("; ")

/** A stored CallEventReceived as the signal it was. */
const signalOf = (event: RecordedEvent): CallSignal => {
  const {
    callId: _callId,
    vendor: _vendor,
    vendorEvent,
    ...facts
  } = event.data as { callId: string; vendor: string; vendorEvent: string } & CallFacts
  return {
    vendorCallId: String(_callId).slice(String(_vendor).length + 1),
    vendorEvent,
    occurredAt: event.occurredAt,
    deliveryKey: event.idempotencyKey,
    facts: { ...facts, terminal: facts.terminal ?? false },
    raw: event.metadata.raw,
  }
}
