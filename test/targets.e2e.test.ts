/**
 * @module The sellers' target lists against a listening server, on each backend: a seller's list
 * for a month (untouched longest first, the cadence, the cap warning), the cadence grid, the rep
 * scorecard's monthly cadence and proactive figures, and the refusals (a bad month, an unknown
 * parameter).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectProblem, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const at = (occurredAt: string, type: string, data: Record<string, unknown>) => ({ type, occurredAt, data })
const targeted = (accountId: string, incumbent?: string) =>
  at("2026-02-10T09:00:00Z", "AccountTargeted", {
    accountId,
    reason: incumbent === undefined ? "dream_client" : "displacement",
    ownerRepId: "ana",
    ...(incumbent === undefined ? {} : { incumbent }),
  })
const call = (callId: string, accountId: string, occurredAt: string) =>
  at(occurredAt, "CallLogged", {
    callId,
    repId: "ana",
    accountId,
    direction: "outbound",
    disposition: "no_answer",
    durationSeconds: 0,
  })

// ana (cap 3) owns acme, globex, initech and umbrella. March: calls on acme (2), globex and
// initech → 3 of 4, 0.75. April: a call on umbrella → 1 of 4, 0.25. An outbound deal on acme
// opened March 20th after her March calls (created, 30k) and an inbound one on globex (found, 10k):
// proactiveShare 30 / 40 = 0.75 in March. umbrella buys from Initrode: a displacement campaign,
// first touched April 6th (1 touch), not won yet.
const history = [
  at("2026-01-05T09:00:00Z", "RepJoined", { repId: "ana", name: "Ana", role: "AE" }),
  at("2026-01-05T09:00:00Z", "TeamSettingsChanged", { targetListCap: 3 }),
  targeted("acme"),
  targeted("globex"),
  targeted("initech"),
  targeted("umbrella", "Initrode"),
  call("c1", "acme", "2026-03-02T10:00:00Z"),
  call("c2", "acme", "2026-03-03T10:00:00Z"),
  call("c3", "globex", "2026-03-04T10:00:00Z"),
  call("c4", "initech", "2026-03-05T10:00:00Z"),
  call("c5", "umbrella", "2026-04-06T10:00:00Z"),
  at("2026-03-20T10:00:00Z", "DealOpened", {
    dealId: "d1",
    repId: "ana",
    accountId: "acme",
    amount: 30_000,
    source: "outbound",
  }),
  at("2026-03-21T10:00:00Z", "DealOpened", {
    dealId: "d2",
    repId: "ana",
    accountId: "globex",
    amount: 10_000,
    source: "inbound",
  }),
]

describe.each(serverBackends)("the sellers' target lists on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const answer = await server.append({ events: history })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  it("lists a seller's accounts for a month, untouched longest first, with the cadence and the cap warning", async () => {
    const answer = await server.request("/v1/reps/ana/targets?month=2026-04&consistency=strong")

    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      repId: "ana",
      month: "2026-04",
      targetCadence: 0.25,
      targetAccounts: 4,
      touchedAccounts: 1,
      untouchedAccounts: 3,
      cap: { targetListCap: 3, accountsNow: 4, warning: expect.stringContaining("over the team's cap of 3") },
    })
    // Untouched: acme (last Mar 3rd) globex (Mar 4th) initech (Mar 5th); acme untouched longest.
    expect(
      answer.body.accounts.map((a: Record<string, unknown>) => [a.accountId, a.untouchedThisMonth, a.lastActivityDay]),
    ).toEqual([
      ["acme", true, "2026-03-03"],
      ["globex", true, "2026-03-04"],
      ["initech", true, "2026-03-05"],
      ["umbrella", false, "2026-04-06"],
    ])
    expect(answer.body.accounts[0]).toMatchObject({ openDeals: 1, openPipeline: 30_000, activitiesThisMonth: 0 })
    expect(answer.body.displacement).toEqual({
      campaigns: [
        {
          accountId: "umbrella",
          incumbent: "Initrode",
          won: false,
          firstTouchDay: "2026-04-06",
          daysToWin: null,
          touchesToWin: 1,
        },
      ],
      wonFromIncumbent: 0,
    })
  })

  it("gives the cadence grid, and the scorecard's cadence by month and proactive share", async () => {
    const grid = await server.request("/v1/targets/cadence?from=2026-03&to=2026-04")
    expect(grid.status).toBe(200)
    expect(grid.body.sellers).toEqual([
      {
        repId: "ana",
        name: "Ana",
        team: null,
        months: [
          { month: "2026-03", targetAccounts: 4, touchedAccounts: 3, targetCadence: 0.75 },
          { month: "2026-04", targetAccounts: 4, touchedAccounts: 1, targetCadence: 0.25 },
        ],
        averageCadence: 0.5,
      },
    ])
    expect(grid.body.capWarnings).toEqual([{ repId: "ana", accounts: 4, cap: 3 }])

    const scorecard = await server.request("/v1/reps/ana/scorecard?from=2026-03-01&to=2026-04-30&bucket=month")
    expect(scorecard.status).toBe(200)
    expect(scorecard.body.series.map((b: { targetCadence: number | null }) => b.targetCadence)).toEqual([0.75, 0.25])
    expect(scorecard.body.targets.averageCadence).toBe(0.5)
    expect(scorecard.body.proactive).toMatchObject({
      created: { dealsOpened: 1, openedValue: 30_000 },
      found: { dealsOpened: 1, openedValue: 10_000 },
      proactiveShare: 0.75,
    })
  })

  it("refuses a bad month and unknown parameters, naming them; an unknown rep is a 404", async () => {
    expectProblem(await server.request("/v1/reps/ana/targets?month=2026-13"), 400, ["query.month", "YYYY-MM"])
    expectProblem(await server.request("/v1/reps/ana/targets?month=2026-04&sort=name&page=2"), 400, ["sort", "page"])
    expectProblem(await server.request("/v1/targets/cadence?from=2026-05&to=2026-04"), 400, ["query.from"])
    expectProblem(await server.request("/v1/targets/cadence?from=2020-01&to=2026-04"), 400, ["at most 36 months"])
    expectProblem(await server.request("/v1/reps/nobody/targets?month=2026-04"), 404, ["nobody"])
  })
})
