/**
 * The OpenAPI document at `/openapi.json` is a contract: every operation named and secured, the
 * main read answers described exactly as the server sends them (a real scorecard, rep list and
 * what-if parsed by the documented schemas lose nothing), and a TypeScript client generated from
 * it (openapi-typescript) types those answers, so that a client's code is checked against them.
 * Redocly's recommended rules are run over the same document by `npm run lint`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import openapiTS, { astToString } from "openapi-typescript"
import ts from "typescript"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { RepList, RepScorecard } from "../src/http/answers.js"
import { TeamComparison, TeamRollup } from "../src/http/teamAnswers.js"
import { WhatIfCoverageAnswer } from "../src/http/whatIfAnswers.js"
import { type OutgoingEvent, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const history: ReadonlyArray<OutgoingEvent> = [
  {
    type: "RepJoined",
    occurredAt: "2026-06-01T09:00:00Z",
    data: { repId: "zoe", name: "Zoe", role: "AE", team: "south" },
  },
  { type: "QuotaSet", occurredAt: "2026-06-15T09:00:00Z", data: { repId: "zoe", period: "2026-Q3", amount: 200_000 } },
  {
    type: "CallLogged",
    occurredAt: "2026-07-02T09:00:00Z",
    data: { callId: "c1", repId: "zoe", direction: "outbound", disposition: "connected", durationSeconds: 95 },
  },
  {
    type: "DealOpened",
    occurredAt: "2026-07-03T09:00:00Z",
    data: { dealId: "d1", repId: "zoe", accountId: "acme", amount: 50_000, source: "outbound" },
  },
  { type: "DealWon", occurredAt: "2026-08-10T09:00:00Z", data: { dealId: "d1" } },
]

// One backend: the document and the answers' shapes do not depend on the store.
const [backend] = serverBackends

describe(`the OpenAPI document as a contract on ${backend?.name}`, () => {
  let server: TestServer
  let document: Record<string, any>
  beforeAll(async () => {
    server = await startTestServer(backend as NonNullable<typeof backend>)
    expect((await server.append({ events: history })).status).toBe(201)
    document = (await server.request("/openapi.json", { key: null })).body
  })
  afterAll(() => server?.close())

  it("names and secures every operation, and says where the server is", () => {
    expect(document.servers).toEqual([{ url: "/", description: expect.any(String) }])
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([route, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${route}`, op })),
    )
    expect(operations.length).toBeGreaterThan(20)
    const ids = operations.map(({ op }) => op.operationId)
    expect(ids.filter((id) => typeof id !== "string")).toEqual([])
    expect(new Set(ids).size).toBe(ids.length)
    for (const { route, op } of operations) {
      expect(op.security, route).toBeInstanceOf(Array)
      for (const requirement of op.security)
        for (const scheme of Object.keys(requirement))
          expect(document.components.securitySchemes[scheme], `${route}: ${scheme}`).toBeDefined()
    }
    // A webhook is proven by its vendor's header, not by an API key.
    expect(document.components.securitySchemes.twilioWebhook).toEqual(
      expect.objectContaining({ type: "apiKey", in: "header", name: "X-Twilio-Signature" }),
    )
    expect(document.paths["/v1/webhooks/twilio"].post.security).toEqual([{ twilioWebhook: [] }])
  })

  it("describes the scorecard, the reps and the what-if exactly as they are answered", async () => {
    const scorecard = await server.request(
      "/v1/reps/zoe/scorecard?from=2026-07-01&to=2026-09-30&bucket=month&consistency=strong",
    )
    expect(scorecard.status).toBe(200)
    // Parsing keeps only the documented fields: equal, the answer holds nothing undocumented.
    expect(RepScorecard.parse(scorecard.body)).toEqual(scorecard.body)
    expect(scorecard.body.metrics).toMatchObject({ dials: 1, dealsWon: 1, wonValue: 50_000 })

    const reps = await server.request("/v1/reps")
    expect(reps.status).toBe(200)
    expect(RepList.parse(reps.body)).toEqual(reps.body)

    const whatIf = await server.request("/v1/what-if/coverage", {
      json: { coverageTarget: 3, from: "2026-07-01", to: "2026-09-30", period: "quarter" },
    })
    expect(whatIf.status).toBe(200)
    expect(WhatIfCoverageAnswer.parse(whatIf.body)).toEqual(whatIf.body)
    expect(whatIf.body.periods[0].reps[0]).toMatchObject({ repId: "zoe", remainingQuota: 200_000 })

    const comparison = await server.request(
      "/v1/team/comparison?from=2026-07-01&to=2026-09-30&minActivities=1&minClosedDeals=1&compareTo=previous",
    )
    expect(comparison.status).toBe(200)
    expect(TeamComparison.parse(comparison.body)).toEqual(comparison.body)
    expect(comparison.body.reps[0]).toMatchObject({ repId: "zoe", eligible: true, rank: 1 })
    const rollup = await server.request("/v1/team/rollup?from=2026-07-01&to=2026-09-30&compareTo=previous")
    expect(rollup.status).toBe(200)
    expect(TeamRollup.parse(rollup.body)).toEqual(rollup.body)
    expect(rollup.body.groups[0]).toMatchObject({ group: "south", attainment: { sellers: 1, reached: 0 } })

    const scorecardSchema = document.components.schemas.RepScorecard
    expect(
      document.paths["/v1/reps/{repId}/scorecard"].get.responses["200"].content["application/json"].schema,
    ).toEqual({ $ref: "#/components/schemas/RepScorecard" })
    expect(scorecardSchema.properties.metrics).toEqual({ $ref: "#/components/schemas/RepMetrics" })
  })

  // Generating and compiling take seconds of CPU: more than the default bound on a busy machine.
  it("generates a typed client whose answers are checked by the compiler", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ledger-client-"))
    try {
      await writeFile(path.join(dir, "api.ts"), astToString(await openapiTS(document as never)))
      const usage = `import type { paths } from "./api.js"
type Json<R> = R extends { content: { "application/json": infer B } } ? B : never
type Unknownish<T> = unknown extends T ? true : false
export type Scorecard = Json<paths["/v1/reps/{repId}/scorecard"]["get"]["responses"][200]>
export type WhatIf = Json<paths["/v1/what-if/coverage"]["post"]["responses"][200]>
export const scorecardIsTyped: Unknownish<Scorecard> = false
export const whatIfIsTyped: Unknownish<WhatIf> = false
export const winRate = (s: Scorecard): number | null => s.metrics.winRate
export const firstBucket = (s: Scorecard): string | undefined => s.series[0]?.bucket
export const gap = (w: WhatIf): number | null | undefined => w.periods[0]?.reps[0]?.mandate.gap
type Problem = paths["/v1/events"]["post"]["responses"][400]["content"]["application/problem+json"]
export const problemDetail = (p: Problem): string => p.detail
`
      await writeFile(path.join(dir, "usage.ts"), usage)
      // And code that misreads an answer does not compile: the types are not `any`.
      await writeFile(
        path.join(dir, "misuse.ts"),
        `import type { Scorecard } from "./usage.js"\nexport const wrong = (s: Scorecard): string => s.metrics.winRate\n`,
      )
      const diagnostics = (file: string) => {
        const program = ts.createProgram([path.join(dir, file)], {
          strict: true,
          noEmit: true,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          target: ts.ScriptTarget.ES2022,
          skipLibCheck: true,
          types: [],
        })
        return ts
          .getPreEmitDiagnostics(program)
          .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`)
      }
      expect(diagnostics("usage.ts")).toEqual([])
      const misuse = diagnostics("misuse.ts")
      expect(misuse).toHaveLength(1)
      expect(misuse[0]).toMatch(/misuse\.ts: Type 'number \| null' is not assignable to type 'string'/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
