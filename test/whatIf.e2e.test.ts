/**
 * `POST /v1/what-if/coverage` against a real listening server: the answer for a hand-made history,
 * byte for byte the same when asked twice, every bad request refused with a 400 naming its field, and
 * neither the log nor the read model changed by any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  expectProblem,
  type OutgoingEvent,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const opened = (dealId: string, at: string, amount: number): OutgoingEvent => ({
  type: "DealOpened",
  occurredAt: at,
  data: { dealId, repId: "zoe", accountId: `acct-${dealId}`, amount, source: "outbound" },
})

// Zoe on 2026-Q3 (see test/whatIf.int.test.ts for the figures worked out): 150k left, 150k open,
// requiredCoverage 2.125; a 4x mandate asks 600k: 450k short.
const zoe: ReadonlyArray<OutgoingEvent> = [
  {
    type: "RepJoined",
    occurredAt: "2025-09-01T09:00:00Z",
    data: { repId: "zoe", name: "Zoe", role: "AE", team: "south" },
  },
  opened("z0", "2025-10-01T09:00:00Z", 30_000),
  opened("z4", "2025-10-02T09:00:00Z", 90_000),
  { type: "DealWon", occurredAt: "2025-12-01T09:00:00Z", data: { dealId: "z0" } },
  { type: "DealLost", occurredAt: "2025-12-02T09:00:00Z", data: { dealId: "z4" } },
  opened("z2", "2026-05-01T09:00:00Z", 90_000),
  opened("z3", "2026-06-01T09:00:00Z", 60_000),
  { type: "QuotaSet", occurredAt: "2026-06-15T09:00:00Z", data: { repId: "zoe", period: "2026-Q3", amount: 200_000 } },
  opened("z1", "2026-06-20T09:00:00Z", 50_000),
  { type: "DealWon", occurredAt: "2026-07-01T00:00:00Z", data: { dealId: "z1" } },
  { type: "DealWon", occurredAt: "2026-08-10T09:00:00Z", data: { dealId: "z2" } },
  {
    type: "CallLogged",
    occurredAt: "2026-10-02T09:00:00Z",
    data: { callId: "after-q3", repId: "zoe", direction: "outbound", disposition: "connected", durationSeconds: 30 },
  },
]
const q3 = { coverageTarget: 4, from: "2026-07-01", to: "2026-09-30", period: "quarter" }

describe.each(serverBackends)("POST /v1/what-if/coverage on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    expect((await server.append({ events: zoe })).status).toBe(201)
  })
  afterAll(() => server?.close())

  const whatIf = (body: unknown, key?: string | null) =>
    server.request("/v1/what-if/coverage", { json: body, ...(key === undefined ? {} : { key }) })

  it("answers per rep and period, with the team totals and the back-test", async () => {
    const answer = await whatIf(q3)

    expect(answer.status).toBe(200)
    expect(answer.body.mandate).toEqual({ coverageTarget: 4, impliedLossRate: 0.75 })
    const [period] = answer.body.periods
    expect(period).toMatchObject({
      period: "2026-Q3",
      start: "2026-07-01T00:00:00.000Z",
      end: "2026-10-01T00:00:00.000Z",
      over: true,
    })
    expect(period.reps[0]).toMatchObject({
      repId: "zoe",
      remainingQuota: 150_000,
      openPipeline: 150_000,
      coverage: 1,
      requiredCoverage: 2.125,
      mandate: { met: false, gap: 450_000, extraDeals: 7.03125, expectedLostValue: 450_000 },
      repTarget: { target: 2.125, gap: 168_750 },
      wonByEnd: 140_000,
      hitQuota: false,
    })
    expect(period.totals).toMatchObject({
      reps: 1,
      remainingQuota: 150_000,
      coverage: 1,
      mandate: { met: 0, notMet: 1, gap: 450_000 },
    })
    expect(answer.body.totals.backTest.mandate).toEqual({
      met: { reps: 0, hitQuota: 0, hitRate: null, interval: null },
      // 0 of 1: from 0 to (1.9208 + 1.96 √0.9604) / 4.8415 = 0.7935
      notMet: { reps: 1, hitQuota: 0, hitRate: 0, interval: { low: 0, high: expect.closeTo(0.7935, 4) } },
    })
  })

  it("gives the same bytes for the same request", async () => {
    const raw = async () => {
      const response = await fetch(`${server.url}/v1/what-if/coverage`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json" },
        body: JSON.stringify({ ...q3, rules: { qualifiedOnly: true, excludeBadgering: true } }),
      })
      expect(response.status).toBe(200)
      return response.text()
    }
    expect(await raw()).toBe(await raw())
  })

  it("changes neither the log nor the read model", async () => {
    const comparison = "/v1/team/comparison?from=2026-07-01&to=2026-09-30&consistency=strong"
    const logBefore = await server.log()
    const readModelBefore = await server.request(comparison)
    expect(readModelBefore.status).toBe(200)

    for (const body of [
      q3,
      { ...q3, coverageTarget: 8 },
      { ...q3, asOf: { recorded: new Date().toISOString() } },
      { ...q3, asOf: { occurred: "2026-06-30T00:00:00Z" } },
    ]) {
      expect((await whatIf(body)).status).toBe(200)
    }

    expect(await server.log()).toEqual(logBefore)
    expect((await server.request(comparison)).body).toEqual(readModelBefore.body)
  })

  it.each([
    ["a zero target", { ...q3, coverageTarget: 0 }, ["coverageTarget", "at least 1"]],
    ["a negative target", { ...q3, coverageTarget: -3 }, ["coverageTarget"]],
    ["a target below 1x", { ...q3, coverageTarget: 0.8 }, ["coverageTarget", "impliedLossRate"]],
    ["from after to", { ...q3, from: "2026-10-01" }, ["from", "on or before"]],
    ["a day that is no date", { ...q3, to: "2026-09-31x" }, ["to", "YYYY-MM-DD"]],
    ["an unknown period", { ...q3, period: "week" }, ["period"]],
    ["an unknown field", { ...q3, coverage: 3 }, ["coverage"]],
    ["an unknown team", { ...q3, team: "north" }, ["team", '"north"', "south"]],
    [
      "a window with no events",
      { ...q3, from: "2030-01-01", to: "2030-03-31" },
      ["from", "no event occurred", "2025-09-01"],
    ],
    [
      "an asOf before the first event",
      { ...q3, asOf: { occurred: "2020-01-01T00:00:00Z" } },
      ["asOf.occurred", "before the first event"],
    ],
    [
      "an asOf recorded before the first event",
      { ...q3, asOf: { recorded: "2020-01-01T00:00:00Z" } },
      ["asOf.recorded"],
    ],
    [
      "an asOf with both bounds",
      { ...q3, asOf: { occurred: "2026-01-01T00:00:00Z", recorded: "2026-01-01T00:00:00Z" } },
      ["asOf", "exactly one"],
    ],
    ["an asOf that is no instant", { ...q3, asOf: { occurred: "yesterday" } }, ["asOf.occurred", "ISO 8601"]],
  ])("refuses %s with a 400 naming the field", async (_, body, mentions) => {
    const answer = await whatIf(body)

    expectProblem(answer, 400, mentions)
    expect(answer.body.errors[0].path).toBe(mentions[0])
  })

  it("refuses without a key (401), with a key lacking read (403), and a body that is not JSON (415)", async () => {
    expectProblem(await whatIf(q3, null), 401)
    expectProblem(await whatIf(q3, await server.keyWith(["ingest"])), 403, ["read"])
    expectProblem(
      await server.request("/v1/what-if/coverage", {
        body: "coverageTarget=3",
        headers: { "content-type": "text/plain" },
      }),
      415,
    )
  })

  it("is in the OpenAPI document, with how each figure is computed", async () => {
    const document = await server.request("/openapi.json")
    const operation = document.body.paths["/v1/what-if/coverage"].post
    expect(operation.description).toMatch(/extraActivities/)
    expect(operation.description).toMatch(/impliedLossRate/)
    expect(Object.keys(operation.requestBody.content["application/json"].schema.properties ?? {})).toEqual(
      expect.arrayContaining(["coverageTarget", "from", "to", "period", "team", "rules", "asOf"]),
    )
  })
})
