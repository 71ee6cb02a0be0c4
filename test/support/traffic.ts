/**
 * @module Clients ingesting over HTTP as a team's dialers and syncs do, recording what became of
 * every request: acknowledged (a 2xx answer), refused (a 4xx answer), failed (5xx) or lost (no
 * answer: the server died under it). Single events come from several concurrent connections,
 * batches of varying size from others, and deal clients race to close the same deals, so that the
 * deal rule (opened once, then won or lost once) is exercised while the server is killed.
 *
 * Every event carries an idempotency key unique to the run, so a request can be retried as is.
 *
 * @example
 * const traffic = startTraffic([{ url, key }], { seed: "42:pglite:3", tag: "r3", singleClients: 4, batchClients: 2 })
 * await sleep(800); traffic.stop(); await server.kill(); const sent = await traffic.settled
 */
import { isDeepStrictEqual } from "node:util"
import { type Random, seededRandom } from "../../src/demo/random.js"
import type { StoredEvent } from "./server.js"

/** An event as the clients send it: always with its own idempotency key. */
export type SentEvent = {
  readonly type: string
  readonly occurredAt: string
  readonly idempotencyKey: string
  readonly data: Record<string, unknown>
}

export type Outcome =
  | { readonly kind: "acked"; readonly status: number; readonly stored: ReadonlyArray<StoredEvent> }
  | { readonly kind: "refused"; readonly status: number; readonly detail: string }
  | { readonly kind: "failed"; readonly status: number; readonly detail: string }
  | { readonly kind: "lost"; readonly error: string }

/** One request and what became of it; a lost one may later be retried, as is. */
export type Sent = {
  readonly id: string
  readonly shape: "single" | "batch"
  readonly events: ReadonlyArray<SentEvent>
  outcome: Outcome
  /** Set when the request was lost and then sent again: the first outcome. */
  lostFirst?: { readonly storedBeforeRetry: "all" | "none" }
}

/** A server to talk to, and the key to talk with. */
export type Target = { readonly url: string; readonly key: string }

/** Sends one request: a single event as is, a batch as `{ events }`. */
export const post = async (
  target: Target,
  shape: Sent["shape"],
  events: ReadonlyArray<SentEvent>,
): Promise<Outcome> => {
  let response: Response
  let text: string
  try {
    response = await fetch(`${target.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${target.key}`, "content-type": "application/json" },
      body: JSON.stringify(shape === "single" ? events[0] : { events }),
    })
    text = await response.text()
  } catch (error) {
    return { kind: "lost", error: String((error as { cause?: unknown }).cause ?? error) }
  }
  if (response.status === 200 || response.status === 201)
    return { kind: "acked", status: response.status, stored: JSON.parse(text).events }
  const detail = text.slice(0, 300)
  return response.status >= 500
    ? { kind: "failed", status: response.status, detail }
    : { kind: "refused", status: response.status, detail }
}

export type TrafficOptions = {
  /** Seeds every client's choices (each client draws from its own stream). */
  readonly seed: string
  /** Unique to the round: makes every id and idempotency key of the run distinct. */
  readonly tag: string
  readonly singleClients: number
  readonly batchClients: number
  /** Reps the events credit (they joined beforehand). */
  readonly reps: ReadonlyArray<string>
}

export type Traffic = {
  /** Every request sent so far (the outcomes of those in flight are filled in when they end). */
  readonly sent: ReadonlyArray<Sent>
  /** No new request after this one (those in flight go on). */
  stop(): void
  /** Resolves with every request once each client has ended (stopped, or its server is gone). */
  readonly settled: Promise<ReadonlyArray<Sent>>
}

/** The month the traffic's events occur in (UTC); the read-model checks read this window. */
export const trafficWindow = { from: "2026-03-01", to: "2026-03-31" } as const

const instant = (random: Random, day = random.int(2, 26)) =>
  `2026-03-${String(day).padStart(2, "0")}T${String(random.int(9, 17)).padStart(2, "0")}:${String(random.int(0, 59)).padStart(2, "0")}:00.000Z`

/** A call (mostly outbound) or an email by one of `reps`, on a working hour of the traffic's month. */
const activity = (random: Random, reps: ReadonlyArray<string>, key: string): SentEvent => {
  const repId = random.pick(reps)
  return random.chance(0.6)
    ? {
        type: "CallLogged",
        occurredAt: instant(random),
        idempotencyKey: key,
        data: {
          callId: key,
          repId,
          direction: random.chance(0.8) ? "outbound" : "inbound",
          disposition: random.pick(["connected", "no_answer", "voicemail"]),
          durationSeconds: random.int(0, 600),
        },
      }
    : {
        type: "EmailSent",
        occurredAt: instant(random),
        idempotencyKey: key,
        data: { emailId: key, repId, kind: random.pick(["first_touch", "follow_up", "reply"]) },
      }
}

/**
 * A history to start from, in batches of `batchSize`: enough events that a rebuild takes several of
 * the runner's transactions (2,000 events each), so that a kill can land in the middle of one.
 */
export const history = (options: {
  readonly seed: string
  readonly reps: ReadonlyArray<string>
  readonly events: number
  readonly batchSize: number
}): SentEvent[][] => {
  const random = seededRandom(`${options.seed}:history`)
  const events = Array.from({ length: options.events }, (_, i) => activity(random, options.reps, `history-${i + 1}`))
  return Array.from({ length: Math.ceil(events.length / options.batchSize) }, (_, i) =>
    events.slice(i * options.batchSize, (i + 1) * options.batchSize),
  )
}

/**
 * Starts the clients; client `i` talks to `targets[i % targets.length]` (several instances behind
 * a load balancer). A client ends at `stop()` or on its first lost request.
 */
export const startTraffic = (targets: ReadonlyArray<Target>, options: TrafficOptions): Traffic => {
  const sent: Sent[] = []
  let stopped = false
  let serial = 0
  // Deals opened and acknowledged, newest last: deal clients race to close the same recent ones.
  const openDeals: Array<{ readonly dealId: string; readonly day: number }> = []

  const nextKey = (client: string) => `${options.tag}-${client}-${++serial}`

  /** A new deal: opened, and perhaps re-priced in the same batch (the deal rule judges the pair together). */
  const newDeal = (random: Random, key: string): SentEvent[] => {
    const day = random.int(2, 20)
    const opened: SentEvent = {
      type: "DealOpened",
      occurredAt: instant(random, day),
      idempotencyKey: key,
      data: {
        dealId: key,
        repId: random.pick(options.reps),
        accountId: `acct-${random.int(1, 30)}`,
        amount: random.int(1, 60) * 1_000,
        source: "outbound",
      },
    }
    return random.chance(0.3)
      ? [
          opened,
          {
            type: "DealAmountChanged",
            occurredAt: instant(random, day + 1),
            idempotencyKey: `${key}-repriced`,
            data: { dealId: key, amount: random.int(1, 60) * 1_000 },
          },
        ]
      : [opened]
  }

  const record = async (target: Target, shape: Sent["shape"], events: ReadonlyArray<SentEvent>): Promise<Sent> => {
    const request: Sent = {
      id: events[0]?.idempotencyKey as string,
      shape,
      events,
      outcome: { kind: "lost", error: "in flight" },
    }
    sent.push(request)
    request.outcome = await post(target, shape, events)
    return request
  }

  const singleClient = async (index: number) => {
    const random = seededRandom(`${options.seed}:single:${index}`)
    const target = targets[index % targets.length] as Target
    const client = `s${index}`
    while (!stopped) {
      let events: ReadonlyArray<SentEvent>
      const recent = openDeals.slice(-3)
      if (recent.length > 0 && random.chance(0.25)) {
        // Close (or re-price) one of the latest deals: another client may be closing it too.
        const deal = random.pick(recent)
        const key = nextKey(client)
        const closing = random.pick(["DealWon", "DealWon", "DealLost", "DealAmountChanged"])
        const data =
          closing === "DealAmountChanged"
            ? { dealId: deal.dealId, amount: random.int(1, 60) * 1_000 }
            : { dealId: deal.dealId }
        events = [{ type: closing, occurredAt: instant(random, deal.day + 2), idempotencyKey: key, data }]
      } else if (random.chance(0.1)) {
        events = newDeal(random, nextKey(client)).slice(0, 1)
      } else {
        events = [activity(random, options.reps, nextKey(client))]
      }
      const request = await record(target, "single", events)
      if (request.outcome.kind === "lost") return
      const first = events[0] as SentEvent
      if (request.outcome.kind === "acked" && first.type === "DealOpened") {
        openDeals.push({ dealId: first.data.dealId as string, day: Number(first.occurredAt.slice(8, 10)) })
      }
    }
  }

  const batchClient = async (index: number) => {
    const random = seededRandom(`${options.seed}:batch:${index}`)
    const target = targets[(options.singleClients + index) % targets.length] as Target
    const client = `b${index}`
    while (!stopped) {
      const size = random.int(1, random.chance(0.2) ? 400 : 40)
      const events: SentEvent[] = []
      while (events.length < size)
        events.push(
          ...(random.chance(0.05)
            ? newDeal(random, nextKey(client))
            : [activity(random, options.reps, nextKey(client))]),
        )
      const request = await record(target, "batch", events)
      if (request.outcome.kind === "lost") return
      if (request.outcome.kind === "acked") {
        for (const event of events)
          if (event.type === "DealOpened")
            openDeals.push({ dealId: event.data.dealId as string, day: Number(event.occurredAt.slice(8, 10)) })
      }
    }
  }

  const clients = [
    ...Array.from({ length: options.singleClients }, (_, i) => singleClient(i)),
    ...Array.from({ length: options.batchClients }, (_, i) => batchClient(i)),
  ]
  return {
    sent,
    stop: () => {
      stopped = true
    },
    settled: Promise.all(clients).then(() => sent),
  }
}

/**
 * Sends every lost request again, as is (same idempotency keys), to `target`. Before that, `present`
 * tells whether each was stored (all of it) or not at all; what the retry answers is checked by the
 * audit against it: a stored request must answer 200 with the same stored events.
 */
export const retryLost = async (
  target: Target,
  requests: ReadonlyArray<Sent>,
  present: (key: string) => boolean,
): Promise<number> => {
  let retried = 0
  for (const request of requests) {
    if (request.outcome.kind !== "lost") continue
    const stored = request.events.filter((e) => present(e.idempotencyKey)).length
    // A partly stored batch is the audit's to report; it is not retried (that would hide it).
    if (stored !== 0 && stored !== request.events.length) continue
    request.lostFirst = { storedBeforeRetry: stored === 0 ? "none" : "all" }
    request.outcome = await post(target, request.shape, request.events)
    retried++
  }
  return retried
}

/** Whether a stored event is the one that was sent (jsonb reorders keys: compared as values). */
export const storedAsSent = (stored: StoredEvent, sent: SentEvent): boolean =>
  stored.type === sent.type &&
  Date.parse(stored.occurredAt) === Date.parse(sent.occurredAt) &&
  isDeepStrictEqual(stored.data, sent.data)
