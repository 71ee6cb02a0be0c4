/**
 * The crash harness's judge (test/support/crash.ts), on hand-made logs: it must report each way a
 * crash could betray a client, or the harness could pass a store that loses or doubles events.
 */
import { describe, expect, it } from "vitest"
import { auditLog, dealRuleViolations, tallyOfLog } from "./support/crash.js"
import type { StoredEvent } from "./support/server.js"
import type { Outcome, Sent, SentEvent } from "./support/traffic.js"

const call = (key: string, repId = "r1", extra: Record<string, unknown> = {}): SentEvent => ({
  type: "CallLogged",
  occurredAt: "2026-03-04T10:00:00.000Z",
  idempotencyKey: key,
  data: { callId: key, repId, direction: "outbound", disposition: "connected", durationSeconds: 30, ...extra },
})
const deal = (type: string, dealId: string, data: Record<string, unknown> = {}): SentEvent => ({
  type,
  occurredAt: "2026-03-05T10:00:00.000Z",
  idempotencyKey: `${type}-${dealId}-${JSON.stringify(data)}`,
  data: { dealId, ...data },
})

let position = 0
/** The log as the server would hold `events`, in this order. */
const stored = (...events: SentEvent[]): StoredEvent[] => {
  const versions = new Map<string, number>()
  return events.map((e) => {
    const streamId = e.type.startsWith("Deal") ? `deal-${e.data.dealId}` : `call-${e.data.callId}`
    versions.set(streamId, (versions.get(streamId) ?? 0) + 1)
    return {
      position: ++position,
      transactionId: "700",
      streamId,
      streamVersion: versions.get(streamId) as number,
      type: e.type,
      schemaVersion: 1,
      occurredAt: e.occurredAt,
      recordedAt: "2026-03-05T10:00:00.000Z",
      idempotencyKey: e.idempotencyKey,
      data: e.data,
      metadata: {},
    }
  })
}
const request = (shape: Sent["shape"], events: SentEvent[], outcome: Outcome, lostFirst?: Sent["lostFirst"]): Sent => ({
  id: events[0]?.idempotencyKey as string,
  shape,
  events,
  outcome,
  ...(lostFirst === undefined ? {} : { lostFirst }),
})
const acked = (log: StoredEvent[], status = 201): Outcome => ({ kind: "acked", status, stored: log })
const lost: Outcome = { kind: "lost", error: "other side closed" }

describe("the crash audit", () => {
  it("passes a log holding each acknowledged event once, where its answer said", () => {
    const log = stored(call("a"), call("b"), call("c"))
    const requests = [
      request("single", [call("a")], acked(log.slice(0, 1))),
      request("batch", [call("b"), call("c")], acked(log.slice(1))),
    ]
    expect(auditLog(log, requests, "retried")).toEqual([])
  })

  it("reports an acknowledged event that is missing, or stored elsewhere than answered", () => {
    const log = stored(call("a"), call("b"))
    const answeredElsewhere = { ...(log[1] as StoredEvent), position: 99 }
    const requests = [
      request("single", [call("a")], acked(log.slice(0, 1))),
      request("single", [call("b")], acked([answeredElsewhere])),
      request("single", [call("z")], acked([])),
    ]
    expect(auditLog(log, requests, "crashed")).toEqual([
      expect.stringMatching(/single b .* answer put event 0 at 700-99, the log has it at 700-\d+/),
      "single z (1 events) was acknowledged (201) but 1 of its events are missing",
    ])
  })

  it("reports an event stored twice, a half-stored batch, a refused request stored, and events nobody sent", () => {
    const log = stored(call("a"), call("a"), call("b1"), call("x"), call("phantom"))
    const requests = [
      request("single", [call("a")], lost),
      request("batch", [call("b1"), call("b2")], lost),
      request("single", [call("x")], { kind: "refused", status: 409, detail: "deal closed" }),
    ]
    expect(auditLog(log, requests, "crashed")).toEqual([
      expect.stringMatching(/^a is stored 2 times/),
      "batch b1 (2 events) lost its answer and is half stored: 1 of 2 events",
      "single x (1 events) was refused (409: deal closed) but 1 of its events are stored",
      expect.stringMatching(/^1 stored events nobody sent/),
    ])
  })

  it("reports a retry that answers 201 for what was stored before it, and an event stored unlike it was sent", () => {
    const log = stored(call("a"), call("b", "r2"))
    const requests = [
      request("single", [call("a")], acked(log.slice(0, 1), 201), { storedBeforeRetry: "all" }),
      request("single", [call("b")], acked(log.slice(1), 200), { storedBeforeRetry: "all" }),
    ]
    expect(auditLog(log, requests, "retried")).toEqual([
      "single a (1 events) was stored before its retry, which answered 201, not 200",
      expect.stringMatching(/^b is stored as .*"repId":"r2".*, not as sent$/),
    ])
  })

  it("reports a lost request left unretried once retries are done", () => {
    expect(auditLog([], [request("single", [call("a")], lost)], "crashed")).toEqual([])
    expect(auditLog([], [request("single", [call("a")], lost)], "retried")).toEqual([
      "single a (1 events) lost its answer and was not retried",
    ])
  })

  it("checks the deal rule on every deal stream", () => {
    expect(dealRuleViolations(stored(deal("DealOpened", "d1"), deal("DealWon", "d1")))).toEqual([])
    expect(dealRuleViolations(stored(deal("DealWon", "d2")))).toEqual(["deal-d2 is not opened first and once: DealWon"])
    expect(dealRuleViolations(stored(deal("DealOpened", "d3"), deal("DealLost", "d3"), deal("DealWon", "d3")))).toEqual(
      ["deal-d3 changed after it closed: DealOpened, DealLost, DealWon"],
    )
  })
})

describe("the tally of a log", () => {
  it("counts dials, connects, outreach emails and deals per owner, wins at their last amount", () => {
    const log = stored(
      call("c1"), // r1: a dial, connected
      call("c2", "r1", { disposition: "no_answer" }), // r1: a dial
      call("c3", "r2", { direction: "inbound" }), // inbound: not a dial
      {
        type: "EmailSent",
        occurredAt: "2026-03-04T10:00:00.000Z",
        idempotencyKey: "e1",
        data: { emailId: "e1", repId: "r2", kind: "first_touch" },
      },
      {
        type: "EmailSent",
        occurredAt: "2026-03-04T10:00:00.000Z",
        idempotencyKey: "e2",
        data: { emailId: "e2", repId: "r2", kind: "reply" },
      },
      deal("DealOpened", "d1", { repId: "r1", accountId: "a", amount: 10_000, source: "outbound" }),
      deal("DealAmountChanged", "d1", { amount: 12_000 }),
      deal("DealWon", "d1"), // won at 12,000, credited to r1, the owner
      deal("DealOpened", "d2", { repId: "r2", accountId: "a", amount: 5_000, source: "outbound" }),
      deal("DealLost", "d2"),
    )
    expect(tallyOfLog(log, ["r1", "r2"])).toEqual({
      r1: { dials: 2, connects: 1, emails: 0, dealsOpened: 1, dealsWon: 1, dealsLost: 0, wonValue: 12_000 },
      r2: { dials: 0, connects: 0, emails: 1, dealsOpened: 1, dealsWon: 0, dealsLost: 1, wonValue: 0 },
    })
  })
})
