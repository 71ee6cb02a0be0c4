/**
 * @module From validated ledger events to one atomic append: each event to its stream, deals
 * checked against their own history, a content-hash idempotency key where the sender gave none.
 *
 * @example
 * const stored = yield* appendEvents(events, { source: "api" })
 */
import { Effect } from "effect"
import {
  currentSchemaVersion,
  type DealEvent,
  decideDeal,
  evolveDeal,
  type IncomingEvent,
  initialDealState,
  streamOf,
} from "../../events/index.js"
import { EventStore } from "../store/EventStore.js"
import type { NewEvent, StreamAppend, StreamGuard } from "../store/eventLog.js"
import { contentKey } from "./idempotencyKey.js"

/** Where events came from, kept in each event's metadata. */
export type Provenance = {
  readonly source: string
  readonly correlationId?: string
  readonly extra?: Record<string, unknown>
}

/** A validated event, with metadata of its own (a CloudEvent's context) beside the request's provenance. */
export type EventToAppend = IncomingEvent & { readonly metadata?: Record<string, unknown> }

/**
 * Turns validated events into the store's appends, one per stream in the order first seen, and
 * the idempotency key of each event in the order sent.
 */
export const toStreamAppends = (
  events: ReadonlyArray<EventToAppend>,
  provenance: Provenance,
): { readonly appends: ReadonlyArray<StreamAppend>; readonly keys: ReadonlyArray<string> } => {
  const byStream = new Map<string, NewEvent[]>()
  const keys: string[] = []
  for (const event of events) {
    const streamId = streamOf(event)
    const toStore: NewEvent = {
      type: event.type,
      schemaVersion: currentSchemaVersion[event.type],
      data: event.data,
      metadata: {
        source: provenance.source,
        ...(provenance.correlationId === undefined ? {} : { correlationId: provenance.correlationId }),
        ...provenance.extra,
        ...event.metadata,
      },
      occurredAt: event.occurredAt,
      idempotencyKey: event.idempotencyKey ?? contentKey(event),
    }
    keys.push(toStore.idempotencyKey)
    const list = byStream.get(streamId)
    if (list === undefined) byStream.set(streamId, [toStore])
    else list.push(toStore)
  }
  const appends = [...byStream].map(([streamId, streamEvents]) => ({
    streamId,
    expected: "any" as const,
    events: streamEvents,
    ...(streamId.startsWith("deal-") ? { guard: dealGuard } : {}),
  }))
  return { appends, keys }
}

/** A deal stream accepts an event only if the deal, as its history leaves it, allows it. */
export const dealGuard: StreamGuard = (history, incoming) => {
  let state = history.reduce((s, e) => evolveDeal(s, e as unknown as DealEvent), initialDealState)
  for (const event of incoming) {
    const dealEvent = event as unknown as DealEvent
    const reason = decideDeal(state, dealEvent)
    if (reason !== undefined) return { reason, state }
    state = evolveDeal(state, dealEvent)
  }
  return undefined
}

/**
 * Appends a batch of validated events atomically; answers the stored event for each, in the order
 * sent. Untraced: it is on every ingest request (why: EventStore.append).
 */
export const appendEvents = Effect.fnUntraced(function* (events: ReadonlyArray<EventToAppend>, provenance: Provenance) {
  const store = yield* EventStore
  const { appends, keys } = toStreamAppends(events, provenance)
  const result = yield* store.append(appends)
  const stored = new Map(result.events.map((e) => [e.idempotencyKey, e]))
  return { ...result, events: keys.map((key) => stored.get(key)!) }
})
