/**
 * @module Windows at the end of the calendar, against a listening server (issue 21, item 1): a
 * scorecard of 9999-12-27 by week (9999-W52 ends in the year 10000) blocked the server until it
 * died out of memory, and windows ending 9999-12-31 were measured "as of 0999-11-29". A period
 * reaching past 9999-12-31 is clipped to it; the instant that day ends is exact, in the year 10000.
 *
 * The team works in Los Angeles (UTC−8 in December: 9999-12-31 ends at +010000-01-01T08:00Z) with
 * a fiscal year from February, so that the last quarter of 9999 is fiscal 10000's fourth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { events, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const endOf9999 = "+010000-01-01T08:00:00.000Z"
const lastInstantOf9999 = "+010000-01-01T07:59:59.999Z"

describe.each(serverBackends)("windows at the end of the calendar on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const answer = await server.append({
      events: [
        {
          type: "TeamSettingsChanged",
          occurredAt: "9999-10-01T00:00:00Z",
          data: { timeZone: "America/Los_Angeles", fiscalYearStartMonth: 2 },
        },
        events.repJoined("ana", "9999-11-01T17:00:00Z"),
        {
          type: "QuotaSet",
          occurredAt: "9999-11-01T17:00:00Z",
          data: { repId: "ana", period: "9999-12", amount: 10_000 },
        },
        events.dealOpened("d1", 4_000, "9999-12-01T18:00:00Z"),
        events.callLogged("c1", "9999-12-27T18:00:00Z"), // 10:00 on Monday Dec 27 in Los Angeles
        events.dealWon("d1", "9999-12-31T20:00:00Z"), // noon on Dec 31
        events.callLogged("c2", "9999-12-31T23:30:00Z"), // 15:30 on Dec 31: still 9999 in Los Angeles
      ],
    })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  it("answers a scorecard of 9999-12-27 by week with the one clipped week 9999-W52", async () => {
    const answer = await server.request("/v1/reps/ana/scorecard?from=9999-12-27&to=9999-12-27&consistency=strong")

    expect(answer.status).toBe(200)
    expect(answer.body.window).toMatchObject({ start: "9999-12-27T08:00:00.000Z", end: "9999-12-28T08:00:00.000Z" })
    expect(answer.body.series).toEqual([
      {
        bucket: "9999-W52",
        from: "9999-12-27",
        to: "9999-12-27",
        metrics: expect.objectContaining({ dials: 1 }),
        targetCadence: null, // a monthly figure: a week bucket has none
      },
    ])
  })

  it.each([
    ["day", 31, { bucket: "9999-12-31", from: "9999-12-31", to: "9999-12-31" }],
    ["week", 5, { bucket: "9999-W52", from: "9999-12-27", to: "9999-12-31" }],
    ["month", 1, { bucket: "9999-12", from: "9999-12-01", to: "9999-12-31" }],
    ["quarter", 1, { bucket: "10000-Q4", from: "9999-12-01", to: "9999-12-31" }],
  ])("measures December 9999 by %s at its last instant, in the year 10000 UTC", async (bucket, buckets, last) => {
    const answer = await server.request(
      `/v1/reps/ana/scorecard?from=9999-12-01&to=9999-12-31&bucket=${bucket}&consistency=strong`,
    )

    expect(answer.status).toBe(200)
    expect(answer.body.window).toEqual({
      from: "9999-12-01",
      to: "9999-12-31",
      start: "9999-12-01T08:00:00.000Z",
      end: endOf9999,
      measuredAt: lastInstantOf9999,
      timeZone: "America/Los_Angeles",
    })
    // Both calls and the win of 4,000 on Dec 31 are in the window; the month's quota is in force at its end.
    expect(answer.body.metrics).toMatchObject({ dials: 2, wonValue: 4_000 })
    expect(answer.body.coverage.quota).toEqual({
      period: "9999-12",
      amount: 10_000,
      start: "9999-12-01T08:00:00.000Z",
      end: endOf9999,
    })
    expect(answer.body.series).toHaveLength(buckets)
    expect(answer.body.series.at(-1)).toMatchObject(last)
  })

  it("compares the team over December 9999 as of its last instant", async () => {
    const answer = await server.request("/v1/team/comparison?from=9999-12-01&to=9999-12-31&consistency=strong")

    expect(answer.status).toBe(200)
    expect(answer.body.window).toMatchObject({ end: endOf9999, measuredAt: lastInstantOf9999 })
    const ana = answer.body.reps.find((rep: { repId: string }) => rep.repId === "ana")
    expect(ana.metrics).toMatchObject({ dials: 2, wonValue: 4_000 })
    expect(ana.coverage.quota).toMatchObject({ period: "9999-12", end: endOf9999 })
  })

  it("replays the what-if over fiscal 10000's last quarter, clipped to 9999-11-01 … 9999-12-31", async () => {
    const answer = await server.request("/v1/what-if/coverage", {
      json: { coverageTarget: 3, from: "9999-12-01", to: "9999-12-31", period: "quarter" },
    })

    expect(answer.status).toBe(200)
    expect(answer.body.periods).toHaveLength(1)
    expect(answer.body.periods[0]).toMatchObject({
      period: "10000-Q4",
      firstDay: "9999-11-01",
      lastDay: "9999-12-31",
      start: "9999-11-01T07:00:00.000Z", // still daylight time on Nov 1 (UTC−7)
      end: endOf9999,
    })
  })

  it("starts a window on 0001-01-01 at Los Angeles' local mean time (UTC−7:52:58)", async () => {
    const answer = await server.request("/v1/reps/ana/scorecard?from=0001-01-01&to=0001-01-10&consistency=strong")

    expect(answer.status).toBe(200)
    expect(answer.body.window).toMatchObject({ start: "0001-01-01T07:52:58.000Z", end: "0001-01-11T07:52:58.000Z" })
    // 0001-01-01 was a Monday: week 1 of the year 1, then three days of week 2.
    expect(answer.body.series.map((b: { bucket: string }) => b.bucket)).toEqual(["0001-W01", "0001-W02"])
  })
})
