/**
 * @module What must hold after a crash, checked from outside: the log as `GET /v1/events` serves it
 * against what the clients were told (`traffic.ts`), the deal rule over every deal stream, and the
 * read model against the log (a tally of the log through the API, and the stored rows against the
 * pure fold of the log).
 *
 * The promises: an acknowledged event (a 2xx answer) is stored exactly once, where its answer said;
 * a batch is stored whole or not at all; a request whose answer was lost is stored whole or not at
 * all, and a retry with the same keys answers what it finds (200 and the stored events when it was
 * stored) and never stores a second copy; a refused request stores nothing; nothing else is stored.
 */
import { isEventType, type LedgerEvent, upcast } from "../../events/index.js"
import { foldAll, type LedgerState } from "../../projections/index.js"
import { seededRandom } from "../../src/demo/random.js"
import { activeGeneration } from "../../src/readModel/registry.js"
import { loadState } from "../../src/readModel/scorecardState.js"
import { scorecardModel } from "../../src/readModel/scorecardTables.js"
import { keepEventApart, personalKeyOf } from "../../src/store/personalValues.js"
import type { SqlQueryable } from "../../src/store/sql.js"
import type { StoredEvent } from "./server.js"
import { post, type Sent, type SentEvent, storedAsSent, type Target, trafficWindow } from "./traffic.js"

/**
 * A read of the harness's own (never a request under test). Sent again after a network error: on a
 * loaded machine a kept-alive connection the server is closing can be reset under a new request.
 */
const get = async (target: Target, pathAndQuery: string, attempt = 1): Promise<{ status: number; body: any }> => {
  try {
    const response = await fetch(`${target.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${target.key}` } })
    const text = await response.text()
    return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text }
  } catch (error) {
    if (attempt >= 3)
      throw new Error(
        `GET ${target.url}${pathAndQuery} failed ${attempt} times: ${String((error as { cause?: unknown }).cause ?? error)}`,
      )
    await new Promise((resolve) => setTimeout(resolve, 200))
    return get(target, pathAndQuery, attempt + 1)
  }
}

/** The log from `after` (a `next` cursor) to its visible end, paged through `GET /v1/events`; and the cursor to read on from. */
export const readLogOver = async (
  target: Target,
  after?: string,
): Promise<{ events: StoredEvent[]; next: string | undefined }> => {
  const events: StoredEvent[] = []
  let cursor = after
  for (;;) {
    const page = await get(target, `/v1/events?limit=5000${cursor === undefined ? "" : `&after=${cursor}`}`)
    if (page.status !== 200) throw new Error(`GET /v1/events answered ${page.status}: ${JSON.stringify(page.body)}`)
    if (page.body.events.length === 0) return { events, next: cursor }
    events.push(...page.body.events)
    cursor = page.body.next
  }
}

let marks = 0

/**
 * Reads the whole log from `after` once it holds everything committed before this call. `GET
 * /v1/events` shows only transactions older than every one still in flight on the store's database
 * (so that a reader never skips an event committed late) — on PostgreSQL that includes a killed
 * server's session that is still finishing. So a mark is appended, and
 * the log is read until the mark shows: every transaction that could still commit has ended by then.
 * The mark is an acknowledged request like any other (an `AccountTargeted` of an account no
 * traffic touches), added to `requests`.
 */
export const readWholeLog = async (
  target: Target,
  requests: Sent[],
  after?: string,
  timeoutMs = 60_000,
): Promise<{ events: StoredEvent[]; next: string | undefined }> => {
  const mark: SentEvent = {
    type: "AccountTargeted",
    occurredAt: "2026-02-01T00:00:00.000Z",
    idempotencyKey: `mark-${process.pid}-${++marks}`,
    data: { accountId: "log-mark", reason: "buys_what_we_sell" },
  }
  const outcome = await post(target, "single", [mark])
  requests.push({ id: mark.idempotencyKey, shape: "single", events: [mark], outcome })
  if (outcome.kind !== "acked") throw new Error(`appending the log mark answered ${JSON.stringify(outcome)}`)
  const deadline = Date.now() + timeoutMs
  const events: StoredEvent[] = []
  let next = after
  for (;;) {
    const page = await readLogOver(target, next)
    events.push(...page.events)
    next = page.next
    if (page.events.some((e) => e.idempotencyKey === mark.idempotencyKey)) return { events, next }
    if (Date.now() > deadline)
      throw new Error(
        `the log did not show the mark ${mark.idempotencyKey} within ${timeoutMs} ms: a transaction is held open on the server`,
      )
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** How the lost requests turned out, for the report of a run. */
export type LostTally = { singlesStored: number; singlesAbsent: number; batchesStored: number; batchesAbsent: number }

/**
 * Everything wrong with `log` given what the clients sent and were told. `stage`: "crashed" reads
 * the log right after a restart (lost requests may be stored or not, whole); "retried" after every
 * lost request was sent again (now each was answered, like any other).
 */
export const auditLog = (
  log: ReadonlyArray<StoredEvent>,
  requests: ReadonlyArray<Sent>,
  stage: "crashed" | "retried",
): string[] => {
  const violations: string[] = []
  const byKey = new Map<string, StoredEvent[]>()
  for (const event of log) byKey.set(event.idempotencyKey, [...(byKey.get(event.idempotencyKey) ?? []), event])
  for (const [key, copies] of byKey)
    if (copies.length > 1)
      violations.push(`${key} is stored ${copies.length} times (positions ${copies.map((e) => e.position).join(", ")})`)

  const sentKeys = new Set<string>()
  for (const request of requests) {
    const stored = request.events.map((e) => byKey.get(e.idempotencyKey)?.[0])
    const present = stored.filter((e) => e !== undefined).length
    for (const e of request.events) sentKeys.add(e.idempotencyKey)
    const what = `${request.shape} ${request.id} (${request.events.length} events)`
    request.events.forEach((sent, i) => {
      const found = stored[i]
      if (found !== undefined && !storedAsSent(found, sent))
        violations.push(`${sent.idempotencyKey} is stored as ${JSON.stringify(found)}, not as sent`)
    })
    const outcome = request.outcome
    switch (outcome.kind) {
      case "acked": {
        if (present !== request.events.length)
          violations.push(
            `${what} was acknowledged (${outcome.status}) but ${request.events.length - present} of its events are missing`,
          )
        outcome.stored.forEach((answered, i) => {
          const found = stored[i]
          if (
            found !== undefined &&
            (found.position !== answered.position || found.transactionId !== answered.transactionId)
          ) {
            violations.push(
              `${what}: its answer put event ${i} at ${answered.transactionId}-${answered.position}, the log has it at ${found.transactionId}-${found.position}`,
            )
          }
        })
        if (request.lostFirst?.storedBeforeRetry === "all" && outcome.status !== 200)
          violations.push(`${what} was stored before its retry, which answered ${outcome.status}, not 200`)
        if (request.lostFirst?.storedBeforeRetry === "none" && outcome.status !== 201)
          violations.push(`${what} was not stored before its retry, which answered ${outcome.status}, not 201`)
        break
      }
      case "refused":
        if (present > 0)
          violations.push(
            `${what} was refused (${outcome.status}: ${outcome.detail}) but ${present} of its events are stored`,
          )
        if (request.lostFirst?.storedBeforeRetry === "all")
          violations.push(`${what} was stored before its retry, which was refused: ${outcome.detail}`)
        break
      case "failed":
        violations.push(`${what} answered ${outcome.status}: ${outcome.detail}`)
        break
      case "lost":
        if (present !== 0 && present !== request.events.length)
          violations.push(`${what} lost its answer and is half stored: ${present} of ${request.events.length} events`)
        if (stage === "retried" && request.lostFirst === undefined && present === 0)
          violations.push(`${what} lost its answer and was not retried`)
        break
    }
  }
  const phantoms = log.filter((e) => !sentKeys.has(e.idempotencyKey))
  if (phantoms.length > 0)
    violations.push(`${phantoms.length} stored events nobody sent, e.g. ${JSON.stringify(phantoms[0])}`)
  return [...violations, ...dealRuleViolations(log)]
}

/** The deal rule over every deal stream of the log: versions 1…n, opened first and once, nothing after won or lost. */
export const dealRuleViolations = (log: ReadonlyArray<StoredEvent>): string[] => {
  const violations: string[] = []
  const streams = new Map<string, StoredEvent[]>()
  for (const event of log)
    if (event.streamId.startsWith("deal-")) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event])
  for (const [streamId, events] of streams) {
    const inOrder = [...events].sort((a, b) => a.streamVersion - b.streamVersion)
    const types = inOrder.map((e) => e.type)
    if (inOrder.some((e, i) => e.streamVersion !== i + 1))
      violations.push(`${streamId} has versions ${inOrder.map((e) => e.streamVersion).join(",")}`)
    if (types[0] !== "DealOpened" || types.lastIndexOf("DealOpened") !== 0)
      violations.push(`${streamId} is not opened first and once: ${types.join(", ")}`)
    const closed = types.findIndex((t) => t === "DealWon" || t === "DealLost")
    if (closed !== -1 && closed !== types.length - 1)
      violations.push(`${streamId} changed after it closed: ${types.join(", ")}`)
  }
  return violations
}

/** The metrics a tally of the log can tell without the folds, per rep (METRICS.md definitions). */
export type RepTally = {
  dials: number
  connects: number
  emails: number
  dealsOpened: number
  dealsWon: number
  dealsLost: number
  wonValue: number
}

/**
 * Counts, from the log alone, what the comparison must show for the traffic's window: outbound
 * calls (dials; connected ones are connects), outreach emails (first touch or follow-up, not
 * replies), deals opened by their owner, and deals won (at their last amount) or lost.
 */
export const tallyOfLog = (log: ReadonlyArray<StoredEvent>, reps: ReadonlyArray<string>): Record<string, RepTally> => {
  const tally: Record<string, RepTally> = Object.fromEntries(
    reps.map((rep) => [
      rep,
      { dials: 0, connects: 0, emails: 0, dealsOpened: 0, dealsWon: 0, dealsLost: 0, wonValue: 0 },
    ]),
  )
  const deals = new Map<string, { owner: string; amount: number }>()
  for (const { type, data } of log) {
    const d = data as Record<string, any>
    const rep = tally[d.repId as string]
    if (type === "CallLogged" && rep !== undefined && d.direction === "outbound") {
      rep.dials++
      if (d.disposition === "connected") rep.connects++
    } else if (type === "EmailSent" && rep !== undefined && d.kind !== "reply") rep.emails++
    else if (type === "DealOpened") {
      deals.set(d.dealId, { owner: d.repId, amount: d.amount })
      if (rep !== undefined) rep.dealsOpened++
    } else if (type === "DealAmountChanged") {
      const deal = deals.get(d.dealId)
      if (deal !== undefined) deal.amount = d.amount
    } else if (type === "DealWon" || type === "DealLost") {
      const deal = deals.get(d.dealId)
      const owner = deal === undefined ? undefined : tally[deal.owner]
      if (owner === undefined || deal === undefined) continue
      if (type === "DealWon") {
        owner.dealsWon++
        owner.wonValue += d.amount ?? deal.amount
      } else owner.dealsLost++
    }
  }
  return tally
}

/**
 * The same figures as the API's team comparison shows them (read with consistency=strong): every
 * cohort's, since the comparison answers one role at a time and lists each of its reps, eligible or
 * not (a rep credited without ever joining is in the cohort `other`).
 */
export const tallyOfComparison = async (
  target: Target,
  reps: ReadonlyArray<string>,
): Promise<Record<string, RepTally>> => {
  const byRep = new Map<string, any>()
  for (const role of ["AE", "BDR", "manager", "other"])
    for (let attempt = 1; ; attempt++) {
      const answer = await get(
        target,
        `/v1/team/comparison?from=${trafficWindow.from}&to=${trafficWindow.to}&role=${role}&consistency=strong`,
      )
      if (answer.status === 503 && attempt < 6) continue // not caught up within the route's 5 s: a big catch-up after a crash
      if (answer.status !== 200)
        throw new Error(`the comparison answered ${answer.status}: ${JSON.stringify(answer.body)}`)
      for (const r of answer.body.reps) byRep.set(r.repId, r.metrics)
      break
    }
  return Object.fromEntries(
    reps.map((rep) => {
      const m = byRep.get(rep) ?? {}
      return [
        rep,
        {
          dials: m.dials,
          connects: m.connects,
          emails: m.emails,
          dealsOpened: m.dealsOpened,
          dealsWon: m.dealsWon,
          dealsLost: m.dealsLost,
          wonValue: m.wonValue,
        },
      ]
    }),
  )
}

/** The read-model generations and this instance's runner, as `GET /v1/admin/read-models` shows them. */
export type ReadModelStatus = {
  readonly projectionRunner: { readonly leader: boolean }
  readonly generations: ReadonlyArray<{
    readonly generation: number
    readonly status: string
    readonly eventsApplied: number
  }>
}

export const readModelStatus = async (target: Target): Promise<ReadModelStatus> => {
  const answer = await get(target, "/v1/admin/read-models")
  if (answer.status !== 200)
    throw new Error(`GET /v1/admin/read-models answered ${answer.status}: ${JSON.stringify(answer.body)}`)
  return answer.body
}

/** Waits until no generation is building (a rebuild took over); answers false at the timeout. */
export const rebuildFinished = async (target: Target, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs
  while ((await readModelStatus(target)).generations.some((g) => g.status === "building")) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

/** A state as comparable data: maps as sorted entries. */
export const comparableState = (state: LedgerState) => ({
  settings: state.settings,
  ...Object.fromEntries(
    (["reps", "repDays", "deals", "meetings", "accounts", "contacts"] as const).map((name) => [
      name,
      [...state[name].entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    ]),
  ),
})

/** The pure fold of a log served over HTTP: what the read model must hold. */
export const foldOfLog = (log: ReadonlyArray<StoredEvent>): LedgerState =>
  foldAll(
    log.flatMap((e): LedgerEvent[] =>
      isEventType(e.type)
        ? [{ type: e.type, occurredAt: e.occurredAt, data: upcast(e.type, e.schemaVersion, e.data) } as LedgerEvent]
        : [],
    ),
  )

/**
 * A log served over HTTP (values) as the store keeps it: personal values as their tokens under the
 * store's key (src/store/personalValues.ts), which is what the read model's folds saw.
 */
export const keptApart = async (db: SqlQueryable, log: ReadonlyArray<StoredEvent>): Promise<StoredEvent[]> => {
  const key = await personalKeyOf(db)
  return log.map((event) => ({
    ...event,
    data: keepEventApart(key, { ...event, metadata: {} }).event.data as Record<string, unknown>,
  }))
}

/** The rows of the active generation, read from the database (the server must be caught up). */
export const activeReadModel = async (db: SqlQueryable): Promise<LedgerState> => {
  const active = await activeGeneration(db, scorecardModel)
  if (active === undefined) throw new Error("no active generation of the scorecards")
  return loadState(db, active.generation)
}

/**
 * One round's plan: when to kill (drawn from the run's seed), whether a rebuild runs then (every
 * third round), and what the embedded store's server killed in that round syncs
 * (`LEDGER_DURABILITY`, one round each: both must survive a kill, in every run).
 */
export type RoundPlan = {
  readonly killAfterMs: number
  /** Set every third round: the rebuild starts this long into the load, and the kill follows its 202 at once. */
  readonly rebuild: { readonly startAfterMs: number } | undefined
  /** `process` in odd rounds, `os` in even ones: with a rebuild every third round, each kind of kill meets both. */
  readonly durability: "process" | "os"
}

export const roundPlan = (seed: string, round: number): RoundPlan => {
  const random = seededRandom(`${seed}:round:${round}`)
  // Every third round kills during a rebuild; the others at any moment of the load.
  const killAfterMs = random.int(200, 1_500)
  const rebuildAfterMs = random.int(100, 800)
  return {
    killAfterMs,
    rebuild: round % 3 === 2 ? { startAfterMs: rebuildAfterMs } : undefined,
    durability: round % 2 === 0 ? "os" : "process",
  }
}
