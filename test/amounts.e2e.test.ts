/**
 * @module The bound on amounts of money, against a listening server (issue 21, item 9): two won deals
 * of 1e308 summed to Infinity and turned a rep's won value into 0. Every amount the vocabulary
 * holds (DealOpened, DealAmountChanged, DealWon, QuotaSet, a CSV import's amount cells) is at most
 * 10^12; a larger one is a 400 (a 422 for a CSV row) naming the bound, and the bound is in the JSON
 * Schema of each event type and in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { maxAmount } from "../events/fields.js"
import {
  events,
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const over = maxAmount + 1

describe.each(serverBackends)("amounts of money on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const answer = await server.append({
      events: [events.repJoined("ana", "2026-10-01T09:00:00Z"), events.dealOpened("open", 1_000)],
    })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  it("refuses the deal of 1e308 that overflowed a rep's won value", async () => {
    const answer = await expectNothingStored(server, () => server.append(events.dealOpened("huge", 1e308)))

    expectProblem(answer, 400, ["data.amount", "at most 1000000000000"])
  })

  it.each([
    ["DealOpened", events.dealOpened("d-over", over)],
    [
      "DealAmountChanged",
      { type: "DealAmountChanged", occurredAt: "2026-11-04T10:00:00Z", data: { dealId: "open", amount: over } },
    ],
    ["DealWon", { type: "DealWon", occurredAt: "2026-11-04T10:00:00Z", data: { dealId: "open", amount: over } }],
    [
      "QuotaSet",
      { type: "QuotaSet", occurredAt: "2026-10-01T09:00:00Z", data: { repId: "ana", period: "2026-Q4", amount: over } },
    ],
  ])("refuses a %s amount one over 10^12, naming the bound", async (_, event) => {
    const answer = await expectNothingStored(server, () => server.append(event))

    expectProblem(answer, 400, ["data.amount", "at most 1000000000000"])
  })

  it("sums two won deals at the bound exactly: 2 × 10^12", async () => {
    const appended = await server.append({
      events: [
        events.dealOpened("max-1", maxAmount, "2026-11-05T10:00:00Z"),
        events.dealOpened("max-2", maxAmount, "2026-11-05T10:00:00Z"),
        events.dealWon("max-1", "2026-11-20T16:00:00Z"),
        events.dealWon("max-2", "2026-11-21T16:00:00Z"),
      ],
    })
    expect(appended.status).toBe(201)

    const scorecard = await server.request(
      "/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&bucket=month&consistency=strong",
    )
    expect(scorecard.status).toBe(200)
    expect(scorecard.body.metrics.wonValue).toBe(2_000_000_000_000)
  })

  it("refuses a CSV amount cell over 10^12 with a 422 naming the line, the column and the bound", async () => {
    const csv =
      '"Opportunity ID","Opportunity Owner","Account Name","Stage","Created Date","Close Date","Amount","Opportunity Currency"\r\n' +
      '"006Z","ana","Acme","Closed Won","11/2/2026","11/20/2026","1,000,000,000,000.01","USD"\r\n'
    const answer = await expectNothingStored(server, () =>
      server.request("/v1/imports/deals?preset=salesforce", {
        method: "POST",
        body: csv,
        headers: { "content-type": "text/csv" },
      }),
    )

    expectProblem(answer, 422, [/line 2, column "Amount"/, /largest amount the ledger holds, 1000000000000/])
  })

  it("shows the bound in each event type's JSON Schema and in the OpenAPI document", async () => {
    const schemas = (await server.request("/v1/event-types", { key: null })).body
    const document = (await server.request("/openapi.json", { key: null })).body

    // The body of POST /v1/events is documented inline: one event, or a batch of them.
    const [single] = document.paths["/v1/events"].post.requestBody.content["application/json"].schema.anyOf
    const documented = (type: string) =>
      single.oneOf.find((schema: { properties: { type: { const: string } } }) => schema.properties.type.const === type)
    for (const type of ["DealOpened", "DealAmountChanged", "DealWon", "QuotaSet"]) {
      expect(schemas[type].properties.data.properties.amount).toMatchObject({ minimum: 0, maximum: maxAmount })
      expect(documented(type).properties.data.properties.amount).toMatchObject({
        minimum: 0,
        maximum: maxAmount,
      })
    }
  })
})
