/**
 * Every rejection available, and conflicts exact, over a listening server: the rejected rows answered as CSV with
 * their reason (`Accept: text/csv`), all of them however many; a row the ledger refuses in a 700-row file keeps
 * every row before it, whatever the batch size, and the answer names the first and last line kept.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const slow = { timeout: 120_000 }
const header = "dealId,owner,account,stage,openedAt,closeDate,amount"
const deal = (n: number, stage = "won", prefix = "D") =>
  `${prefix}${n},ana,Acme ${n},${stage},2026-01-05,2026-02-10,1000`

describe.each(serverBackends)("rejections and conflicts of a CSV import on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
  }, 180_000)
  afterAll(() => server?.close())

  // The file's own words for its stages (no preset): won and lost; "Signed" is not one of them.
  const post = (pathAndQuery: string, body: string, accept = "application/json") =>
    server.request(`${pathAndQuery}${pathAndQuery.includes("?") ? "&" : "?"}stages=won%3Dwon%2Clost%3Dlost`, {
      method: "POST",
      body,
      headers: { "content-type": "text/csv", accept },
    })

  it("answers every rejected row as CSV with its reason, refused (422) or skipped (201)", slow, async () => {
    // 150 rows with an unknown stage among 10 valid ones: more than the 100 the JSON lists.
    const rows = [
      ...Array.from({ length: 150 }, (_, i) => deal(1_000 + i, "Signed")),
      ...Array.from({ length: 10 }, (_, i) => deal(i + 1)),
    ]
    const file = `${[header, ...rows].join("\n")}\n`
    const json = await expectNothingStored(server, () => post("/v1/imports/deals", file))
    expectProblem(json, 422, [/unknown stage "Signed"; say what it means with stages=Signed=won/])
    expect(json.body).toMatchObject({ rows: 160, rejected: 150, rejects: expect.stringContaining("text/csv") })
    const csv = await expectNothingStored(server, () => post("/v1/imports/deals", file, "text/csv"))
    expect(csv.status).toBe(422)
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/)
    const lines = (csv.body as string).trimEnd().split("\r\n")
    expect(lines[0]).toBe(`${header},Rejected because`)
    expect(lines).toHaveLength(151)
    expect(lines[1]).toBe(
      'D1000,ana,Acme 1000,Signed,2026-01-05,2026-02-10,1000,"line 2, column stage: unknown stage ""Signed""; say what it means with stages=Signed=won (or open, lost), or ""*=open"" for every stage not listed"',
    )
    const skipped = await post("/v1/imports/deals?skipInvalid=true", file, "text/csv")
    expect(skipped.status).toBe(201)
    expect((skipped.body as string).trimEnd().split("\r\n")).toHaveLength(151)
  })

  it("keeps every row before a conflict at line 602 of a 700-row file, and says which lines", slow, async () => {
    // The ledger holds deal E601 as lost; the file says won, on line 602 (its 601st row).
    expect((await post("/v1/imports/deals", `${header}\n${deal(601, "lost", "E")}\n`)).status).toBe(201)
    const before = (await server.log()).length
    const file = `${[header, ...Array.from({ length: 700 }, (_, i) => deal(i + 1, "won", "E"))].join("\n")}\n`
    const answer = await post("/v1/imports/deals", file)
    expectProblem(answer, 409, [/line 602/, /lines 2 to 601: 600 rows, 1200 new events/])
    // 600 rows of a won deal: a DealOpened and a DealWon each, all stored; nothing of line 602 and after.
    expect(answer.body).toMatchObject({
      appended: 1_200,
      firstLineKept: 2,
      lastLineKept: 601,
      rowsKept: 600,
      eventsByType: { DealOpened: 600, DealWon: 600 },
    })
    const keys = (await server.log()).map((event) => event.idempotencyKey)
    expect(keys).toHaveLength(before + 1_200)
    expect(keys).toContain("csv:deals:E600:won")
    expect(keys).not.toContain("csv:deals:E601:won")
    expect(keys).not.toContain("csv:deals:E602:opened")
  })
})
