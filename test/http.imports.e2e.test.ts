/**
 * `POST /v1/imports/{kind}` over a listening server, on PGlite always and on PostgreSQL whenever
 * TEST_DATABASE_URL is set: a CRM's CSV export sent as text/csv, imported as `ledger import` does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const slow = { timeout: 60_000 }

// A Salesforce Opportunities report: every field quoted, US dates, a stage of this org's own (Verbal) on line 5.
const header =
  '"Opportunity ID","Opportunity Owner","Account Name","Stage","Created Date","Close Date","Amount","Opportunity Currency"\r\n'
const deals =
  `\uFEFF${header}` +
  '"006A","ana","Acme, Inc.","Closed Won","11/2/2026","11/20/2026","12,000.00","USD"\r\n' +
  '"006B","bo","Globex","Negotiation/Review","11/5/2026","12/15/2026","5,000.00","USD"\r\n' +
  '"006C","bo","Multi\r\nLine Corp","Closed Lost","11/7/2026","11/12/2026","3,000.00","USD"\r\n' +
  '"006D","cy","Umbrella","Verbal","11/9/2026","12/1/2026","8,000.00","USD"\r\n'

describe.each(serverBackends)("POST /v1/imports/{kind} on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
  }, 180_000)
  afterAll(() => server.close())

  const post = (pathAndQuery: string, body: BodyInit, options: { key?: string | null; contentType?: string } = {}) =>
    server.request(pathAndQuery, {
      method: "POST",
      body,
      headers: { "content-type": options.contentType ?? "text/csv; charset=utf-8" },
      ...(options.key === undefined ? {} : { key: options.key }),
    })

  it(
    "refuses a body that is not text/csv, a caller without a key or without the ingest scope, and an unknown kind",
    slow,
    async () => {
      await expectNothingStored(server, async () => {
        expectProblem(
          await post("/v1/imports/deals?preset=salesforce", deals, { contentType: "application/json" }),
          415,
          [/text\/csv/],
        )
        expectProblem(await post("/v1/imports/deals?preset=salesforce", deals, { key: null }), 401)
        expectProblem(
          await post("/v1/imports/deals?preset=salesforce", deals, { key: await server.keyWith(["read"]) }),
          403,
        )
        const unknown = await post("/v1/imports/contacts", deals)
        expectProblem(unknown, 404, [/import one of deals, activities, reps/])
        return unknown
      })
    },
  )

  it("refuses an invalid option, naming the query parameter", slow, async () => {
    expectProblem(await post("/v1/imports/deals?preset=zoho", deals), 400, [/query\.preset/])
    expectProblem(await post("/v1/imports/deals?preset=salesforce&stages=Verbal%3Dmaybe", deals), 400, [
      /query\.stages: "Verbal=maybe": "maybe" is not one of open, won, lost/,
    ])
  })

  it(
    "a dry run answers as the import would: 422 with the counts for an invalid row, and stores nothing",
    slow,
    async () => {
      const refused = await expectNothingStored(server, () =>
        post("/v1/imports/deals?preset=salesforce&dryRun=true", deals),
      )
      expectProblem(refused, 422, [/line 6, column "Stage": unknown stage "Verbal"/, /a dry run: nothing was stored/])
      // The caller's language: query parameters, not the CLI's flags.
      expect(refused.body.detail).toContain("import the valid rows with skipInvalid=true")
      expect(refused.body.detail).not.toMatch(/--[a-z]/)
      expect(refused.body).toMatchObject({
        dryRun: true,
        rows: 4,
        rejected: 1,
        appended: 0,
        eventsByType: { DealOpened: 3, DealWon: 1, DealLost: 1 },
      })
      const answer = await expectNothingStored(server, () =>
        post("/v1/imports/deals?preset=salesforce&dryRun=true&skipInvalid=true", deals),
      )
      expect(answer.status).toBe(200)
      expect(answer.body).toEqual({
        kind: "deals",
        dryRun: true,
        openingsKept: 0,
        rows: 4,
        rowsWithoutEvents: 0,
        notes: 0,
        // A: opened + won; B: opened; C: opened + lost (its quoted account spans lines 4 and 5); D, line 6, is invalid.
        eventsByType: { DealOpened: 3, DealWon: 1, DealLost: 1 },
        appended: 0,
        alreadyStored: 0,
        rejected: 1,
        rejections: [{ line: 6, column: "Stage", reason: expect.stringContaining('unknown stage "Verbal"') }],
        rejects: expect.stringContaining("Accept: text/csv"),
      })
    },
  )

  it(
    "refuses the whole file for one invalid row (422, line and column named), streamed or not, and stores nothing",
    slow,
    async () => {
      const refusal = await expectNothingStored(server, () => post("/v1/imports/deals?preset=salesforce", deals))
      expectProblem(refusal, 422, [/line 6, column "Stage": unknown stage "Verbal"/, /nothing was imported/])
      expect(refusal.body.errors).toEqual([
        { path: "line 6, column Stage", message: expect.stringContaining("say what it means with stages=Verbal=open") },
      ])
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = new TextEncoder().encode(deals)
          for (let at = 0; at < bytes.length; at += 50) controller.enqueue(bytes.slice(at, at + 50))
          controller.close()
        },
      })
      expectProblem(
        await expectNothingStored(server, () => post("/v1/imports/deals?preset=salesforce", streamed)),
        422,
        [/line 6/],
      )
    },
  )

  it(
    "skipInvalid imports the valid rows (201) and lists the rejected one; the same file again appends nothing (200)",
    slow,
    async () => {
      const imported = await post("/v1/imports/deals?preset=salesforce&skipInvalid=true", deals)
      expect(imported.status).toBe(201)
      expect(imported.body).toMatchObject({
        dryRun: false,
        appended: 5,
        alreadyStored: 0,
        rejected: 1,
        rejections: [{ line: 6, column: "Stage" }],
      })
      // The log shows a transaction once every older one has ended: on a PostgreSQL server shared with other work, a moment later.
      await expect
        .poll(async () => (await server.log()).map((e) => e.idempotencyKey), { timeout: 15_000, interval: 100 })
        .toEqual([
          "csv:deals:006A:opened",
          "csv:deals:006A:won",
          "csv:deals:006B:opened",
          "csv:deals:006C:opened",
          "csv:deals:006C:lost",
        ])
      const log = await server.log()
      expect(log[3]).toMatchObject({
        type: "DealOpened",
        data: { accountId: "Multi\r\nLine Corp", amount: 3000 },
        metadata: { source: "csv", import: "deals" },
      })

      const again = await expectNothingStored(server, () =>
        post("/v1/imports/deals?preset=salesforce&skipInvalid=true", deals),
      )
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ appended: 0, alreadyStored: 5, rejected: 1 })
    },
  )

  it("a deal the ledger holds as won at another amount is a 409 naming the row", slow, async () => {
    const changed = `${header}"006A","ana","Acme, Inc.","Closed Won","11/2/2026","11/20/2026","15,000.00","USD"\r\n`
    const answer = await expectNothingStored(server, () => post("/v1/imports/deals?preset=salesforce", changed))
    // Its opening is kept as first imported; its win, at another amount, is not the win the ledger holds.
    expectProblem(answer, 409, [
      /line 2: the ledger already holds this row's DealWon \(csv:deals:006A:won\) with other details/,
    ])
    expect(answer.body.appended).toBe(0)
  })

  it("a roster's reps appear in the team comparison even with no activity at all", slow, async () => {
    const roster =
      "repId,name,role,team,manager\r\nmia,Mia Ross,manager,East,\r\nana,Ana Lopez,AE,East,mia\r\ndee,Dee Park,BDR,East,mia\r\n"
    const imported = await post("/v1/imports/reps", roster)
    expect(imported.status).toBe(201)
    expect(imported.body.eventsByType).toEqual({ RepJoined: 3 })
    const calls =
      "Activity ID,Assigned,Type,Date,Account,Call Type,Call Duration,Call Result\r\nc1,ana,Call,11/3/2026,Acme,Outbound,95,\r\nc2,ana,Call,11/4/2026,Acme,Outbound,0,\r\n"
    expect((await post("/v1/imports/activities?preset=salesforce", calls)).status).toBe(201)

    // Each role is its own cohort; every rep of it is listed, eligible or not.
    const cohort = async (role: string) => {
      const comparison = await server.request(
        `/v1/team/comparison?from=2026-11-01&to=2026-11-30&team=East&role=${role}&consistency=strong`,
      )
      expect(comparison.status).toBe(200)
      return comparison.body.reps as Array<Record<string, any>>
    }
    const [aes, bdrs, managers] = [await cohort("AE"), await cohort("BDR"), await cohort("manager")]
    // Ana made the two calls; Dee and Mia did nothing, and are listed all the same: Mia as her
    // group's rollup (herself, Ana and Dee), whose activities are Ana's two.
    expect(aes.map((rep) => [rep.repId, rep.metrics.activities])).toEqual([["ana", 2]])
    expect(bdrs.map((rep) => [rep.repId, rep.metrics.activities])).toEqual([["dee", 0]])
    expect(managers.map((rep) => [rep.repId, rep.members, rep.metrics.activities])).toEqual([
      ["mia", ["mia", "ana", "dee"], 2],
    ])
    expect(bdrs[0]).toMatchObject({
      name: "Dee Park",
      role: "BDR",
      team: "East",
      managerRepId: "mia",
      known: true,
      eligible: false,
    })
  })

  it("is documented in the OpenAPI document", slow, async () => {
    const doc = await server.request("/openapi.json")
    const route = doc.body.paths?.["/v1/imports/{kind}"]?.post
    expect(route).toBeDefined()
    expect(Object.keys(route.requestBody.content)).toEqual(["text/csv"])
    expect(route.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["kind", "preset", "columns", "stages", "dryRun", "skipInvalid"]),
    )
  })
})
