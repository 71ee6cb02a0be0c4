/**
 * @module What the scorecard routes refuse, against a listening server: a bad window or an unknown
 * parameter value is a 400 problem naming the parameter; an unknown rep is a 404; reading needs a
 * key (401) with the read scope (403).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { events, expectProblem, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const readRoutes = ["/v1/reps", "/v1/reps/ana/scorecard", "/v1/team/comparison", "/v1/accounts/targets"]

describe.each(serverBackends)("the scorecard routes' refusals on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const answer = await server.append({ events: [events.repJoined("ana"), events.callLogged("c1")] })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  describe("400: a bad request names the parameter", () => {
    it.each([
      ["a scorecard", "/v1/reps/ana/scorecard"],
      ["the team comparison", "/v1/team/comparison"],
    ])("refuses a window whose `from` is after `to` on %s, naming `from`", async (_, route) => {
      const answer = await server.request(`${route}?from=2026-12-31&to=2026-10-01`)

      expectProblem(answer, 400, ["query.from", "`to`"])
      expect(answer.body.errors).toEqual([{ path: "query.from", message: expect.stringContaining("on or before") }])
    })

    // One reason per fault: a `from` that is no date is not "after `to`" (2026/10/01 only sorts after
    // 2026-12-31 as a string, '/' > '-').
    it.each(["2026/10/01", "2026-02-30"])(
      "refuses from=%s, not a date as YYYY-MM-DD, with that one reason",
      async (from) => {
        const answer = await server.request(`/v1/reps/ana/scorecard?from=${from}&to=2026-12-31`)

        expectProblem(answer, 400, ["query.from", "YYYY-MM-DD"])
        expect(answer.body.errors).toEqual([{ path: "query.from", message: "must be a date as YYYY-MM-DD" }])
      },
    )

    // Found by test/fuzz.e2e.test.ts: year 0000 was read as 1900; 0001–9999 by week answered 500
    // after 10 s, by day burned minutes of CPU. Each is now a 400 at once.
    describe("the window's bounds: years 0001–9999, 3,660 days, 1,000 buckets", () => {
      it.each([
        ["a year 0000 `from` on the comparison", "/v1/team/comparison?from=0000-01-01", "query.from", "0001 to 9999"],
        [
          "a year 0000 `to` on a scorecard",
          "/v1/reps/ana/scorecard?from=2026-01-01&to=0000-12-31",
          "query.to",
          "0001 to 9999",
        ],
        [
          "a span of 8,000 years",
          "/v1/reps/ana/scorecard?from=0001-01-01&to=9999-12-31&bucket=day",
          "query.to",
          "at most 3660 days",
        ],
        [
          "a span of 11 years on the comparison",
          "/v1/team/comparison?from=2016-01-01&to=2026-12-31",
          "query.to",
          "at most 3660 days",
        ],
        [
          "1,096 daily buckets",
          "/v1/reps/ana/scorecard?from=2024-01-01&to=2026-12-31&bucket=day",
          "query.bucket",
          "1096 buckets",
        ],
      ])("refuses %s, naming the parameter", async (_, url, path, mention) => {
        const started = Date.now()
        const answer = await server.request(url)

        expectProblem(answer, 400, [path, mention])
        expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual([path])
        expect(Date.now() - started).toBeLessThan(2_000)
      })

      it("refuses a `from` whose window to the default `to` (today) spans too long, saying so", async () => {
        const answer = await server.request("/v1/team/comparison?from=0001-01-01")

        expectProblem(answer, 400, ["query.to", "the default `to` is", "at most 3660 days"])
      })

      it("answers the longest window by week, and a year by day", async () => {
        expect(
          (await server.request("/v1/reps/ana/scorecard?from=2016-12-31&to=2026-12-31&consistency=strong")).status,
        ).toBe(200)
        const byDay = await server.request("/v1/reps/ana/scorecard?from=2026-01-01&to=2026-12-31&bucket=day")
        expect(byDay.status).toBe(200)
        expect(byDay.body.series).toHaveLength(365)
      })
    })

    it("refuses an unparseable `to` on the team comparison, naming it", async () => {
      const answer = await server.request("/v1/team/comparison?from=2026-10-01&to=last-friday")

      expectProblem(answer, 400, ["query.to"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["query.to"])
    })

    // Ranking by a raw count of activity is what the product refuses to do.
    it("refuses to sort by a metric that is not an outcome per activity, naming `sort`", async () => {
      const answer = await server.request("/v1/team/comparison?sort=dials")

      expectProblem(answer, 400, ["query.sort"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["query.sort"])
      expect(answer.body.errors[0].message).toContain("winRate")
    })

    it("refuses an unknown bucket, naming `bucket`", async () => {
      const answer = await server.request("/v1/reps/ana/scorecard?from=2026-10-01&to=2026-12-31&bucket=fortnight")

      expectProblem(answer, 400, ["query.bucket"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["query.bucket"])
      expect(answer.body.errors[0].message).toContain("month")
    })
  })

  it("answers 404 for a rep the ledger has never seen, naming the rep", async () => {
    const answer = await server.request("/v1/reps/nobody/scorecard?from=2026-10-01&to=2026-12-31&consistency=strong")

    expectProblem(answer, 404, ["nobody"])
  })

  it.each(readRoutes)("answers 401 to a read of %s without a key", async (route) => {
    const answer = await server.request(route, { key: null })

    expectProblem(answer, 401, ["Authorization"])
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/)
  })

  it.each(readRoutes)(
    "answers 403 to a read of %s with an ingest-only key, naming the scope it needs",
    async (route) => {
      const ingestOnly = await server.keyWith(["ingest"])

      const answer = await server.request(route, { key: ingestOnly })

      expectProblem(answer, 403, ['"read"'])
    },
  )

  it("answers a read key with 200", async () => {
    const readOnly = await server.keyWith(["read"])

    const answer = await server.request("/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&consistency=strong", {
      key: readOnly,
    })

    // events.callLogged: ana's connected outbound call of 95 s on Nov 2 (UTC, the default zone)
    expect(answer.status).toBe(200)
    expect(answer.body.metrics).toMatchObject({ dials: 1, connects: 1, conversations: 1, activities: 1 })
  })
})
