/**
 * A CRM export taken as it comes, over a listening server (PGlite, and PostgreSQL when TEST_DATABASE_URL is
 * set): open deals without an amount, an account or a date; a roster naming managers only in its manager
 * column; an accounts file onto its owner's target list; and `GET /v1/sources` listing the imports.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectProblem, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const slow = { timeout: 60_000 }

// A Salesforce Opportunities report as exported: open deals leave the amount and often the account empty, and
// early ones (Prospecting) carry no date at all.
const deals =
  "Opportunity ID,Opportunity Owner,Account Name,Stage,Created Date,Close Date,Amount\r\n" +
  "006A,ana,Acme,Closed Won,11/2/2026,11/10/2026,12000\r\n" +
  "006B,ana,Globex,Negotiation/Review,11/5/2026,12/15/2026,5000\r\n" +
  "006C,ana,,Qualification,11/6/2026,12/20/2026,\r\n" +
  "006D,ana,,Prospecting,,,\r\n" +
  "006E,ana,Acme,Prospecting,,,\r\n"

describe.each(serverBackends)("a CRM export taken as it comes, on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
  }, 180_000)
  afterAll(() => server.close())

  const post = (pathAndQuery: string, body: string) =>
    server.request(pathAndQuery, { method: "POST", body, headers: { "content-type": "text/csv" } })

  it("open deals without an amount, an account or a date go in whole, dated by openedAtDefault", slow, async () => {
    // Without the fallback, the two rows without a date are refused by name, and nothing is stored.
    const refused = await post("/v1/imports/deals?preset=salesforce", deals)
    expectProblem(refused, 422, [/line 5, column "Created Date"/, /openedAtDefault/])
    expect(refused.body.detail).not.toMatch(/--opened-at-default/)

    const imported = await post("/v1/imports/deals?preset=salesforce&openedAtDefault=2026-11-30", deals)
    expect(imported.status).toBe(201)
    expect(imported.body).toMatchObject({ rows: 5, rejected: 0, eventsByType: { DealOpened: 5, DealWon: 1 } })

    const scorecard = await server.request("/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&consistency=strong")
    expect(scorecard.status).toBe(200)
    // Five deals opened in November, 12k won; open at the window's end: B (5k) and C, D, E without an amount.
    expect(scorecard.body.metrics).toMatchObject({ dealsOpened: 5, dealsWon: 1, wonValue: 12_000 })
    expect(scorecard.body.coverage).toMatchObject({ openPipeline: 5_000, openDealsWithoutAmount: 3 })

    const log = await server.log()
    expect(log.find((e) => e.idempotencyKey === "csv:deals:006D:opened")).toMatchObject({
      occurredAt: "2026-11-30T12:00:00.000Z",
      data: { dealId: "006D", repId: "ana", source: "outbound", stage: "Prospecting" },
    })
  })

  it("a manager named only in the manager column becomes a rep of role manager, once", slow, async () => {
    const roster = "repId,name,role,team,manager\r\nana,Ana Lopez,AE,East,raj\r\nbo,Bo Chen,AE,East,raj\r\n"
    const imported = await post("/v1/imports/reps", roster)
    expect(imported.status).toBe(201)
    expect(imported.body).toMatchObject({ appended: 3, eventsByType: { RepJoined: 3 } })
    const again = await post("/v1/imports/reps", roster)
    expect(again.body).toMatchObject({ appended: 0, alreadyStored: 3 })

    const managers = (await server.log()).filter((e) => e.idempotencyKey === "csv:reps:raj:manager")
    expect(managers).toHaveLength(1)
    expect(managers[0]).toMatchObject({ type: "RepJoined", data: { repId: "raj", name: "raj", role: "manager" } })
    await expect
      .poll(
        async () =>
          (await server.request("/v1/reps?consistency=strong")).body.reps.map((r: { repId: string }) => r.repId),
        {
          timeout: 15_000,
        },
      )
      .toContain("raj")
    const reps = (await server.request("/v1/reps?consistency=strong")).body.reps
    expect(reps.find((r: { repId: string }) => r.repId === "raj")).toMatchObject({ role: "manager" })
    expect(reps.find((r: { repId: string }) => r.repId === "ana")).toMatchObject({ managerRepId: "raj" })
  })

  it(
    "an accounts export puts its customers on their owner's target list; a dry run with a bad row is refused",
    slow,
    async () => {
      // The Account Owner is the Salesforce user's name, linked to ana: her list holds Acme.
      const linked = await server.append({
        type: "RepIdentityLinked",
        occurredAt: "2026-11-01T09:00:00Z",
        data: { repId: "ana", source: "salesforce", externalId: "Ana Lopez" },
      })
      expect(linked.status).toBe(201)
      const accounts =
        "Account Name,Industry,Employees,Type,Account Owner\r\n" +
        "Acme,Manufacturing,1200,Customer - Direct,Ana Lopez\r\n" +
        "Globex,Retail,40,Prospect,Ana Lopez\r\n" +
        ",Software,10,Customer - Channel,Ana Lopez\r\n"
      const options = "preset=salesforce&identitySource=salesforce"
      const refused = await post(`/v1/imports/accounts?${options}&dryRun=true`, accounts)
      expectProblem(refused, 422, [/line 4, column "Account Name": is empty/])
      expect(refused.body).toMatchObject({ dryRun: true, rows: 3, rejected: 1, eventsByType: { AccountTargeted: 1 } })

      const imported = await post(`/v1/imports/accounts?${options}&skipInvalid=true`, accounts)
      expect(imported.status).toBe(201)
      expect(imported.body).toMatchObject({ appended: 1, rowsWithoutEvents: 1, rejected: 1 })
      const targets = await server.request("/v1/accounts/targets?consistency=strong")
      // Acme, a customer; deals 006A (won 12k) and 006E (open, no amount) are Acme's from the deals import.
      expect(targets.body.accounts).toEqual([
        expect.objectContaining({
          accountId: "Acme",
          name: "Acme",
          targetReason: "buys_what_we_sell",
          industry: "Manufacturing",
          size: "1200",
          ownerRepId: "ana",
          dealsOpened: 2,
          dealsWon: 1,
          wonValue: 12_000,
          dealsOpen: 1,
          openPipeline: 0,
        }),
      ])

      // ana's list in November: Acme, on it since --joined-on's default; no activity imported, so untouched
      // (cadence 0 / 1 = 0); its deals: 006E open without an amount, 006A won at 12k.
      const list = await server.request("/v1/reps/ana/targets?month=2026-11&consistency=strong")
      expect(list.status).toBe(200)
      expect(list.body).toMatchObject({ targetAccounts: 1, touchedAccounts: 0, targetCadence: 0 })
      expect(list.body.accounts).toEqual([
        expect.objectContaining({
          accountId: "Acme",
          ownedSince: "2000-01-01T12:00:00.000Z",
          lastActivityDay: null,
          openDeals: 1,
          openPipeline: 0,
          wonDeals: 1,
          wonValue: 12_000,
          untouchedThisMonth: true,
        }),
      ])
    },
  )

  it("GET /v1/sources lists each kind of CSV import with its last import's rows", slow, async () => {
    const answer = await server.request("/v1/sources")
    expect(answer.status).toBe(200)
    const byKind = Object.fromEntries(
      answer.body.csvImports.map((i: { kind: string; imports: number; lastImport: unknown }) => [
        i.kind,
        [i.imports, i.lastImport],
      ]),
    )
    expect(byKind).toEqual({
      // Refused for two dateless rows, then imported whole: 5 rows, 6 events (5 opened, 1 won).
      deals: [2, { rows: 5, rowsStored: 5, rowsRejected: 0, eventsAppended: 6 }],
      activities: [0, null],
      // The roster twice: the second appended nothing, its two rows already stored.
      reps: [2, { rows: 2, rowsStored: 2, rowsRejected: 0, eventsAppended: 0 }],
      // The dry run is not counted; Acme stored, Globex no one's customer, the row without an id rejected.
      accounts: [1, { rows: 3, rowsStored: 1, rowsRejected: 1, eventsAppended: 1 }],
    })
    const deals = answer.body.csvImports.find((i: { kind: string }) => i.kind === "deals")
    expect(deals).toMatchObject({ route: "POST /v1/imports/deals", lastImportAt: expect.stringMatching(/Z$/) })
  })
})
