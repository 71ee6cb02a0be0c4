/**
 * The read-model admin routes: who may call them, what they show, and a rebuild that takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { events, expectProblem, serverBackends, startTestServer, type TestServer } from "./support/server.js"

describe.each(serverBackends)("the read-model admin routes on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    expect(
      (await server.append({ events: [events.repJoined("ana"), events.callLogged("c1"), events.callLogged("c2")] }))
        .status,
    ).toBe(201)
  })
  afterAll(() => server?.close())

  it("need the admin scope", async () => {
    const readKey = await server.keyWith(["read"])
    expectProblem(await server.request("/v1/admin/read-models", { key: readKey }), 403, ['needs "admin"'])
    expectProblem(await server.request("/v1/admin/rebuild", { method: "POST", key: readKey }), 403, ['needs "admin"'])
    expectProblem(await server.request("/v1/admin/rebuild", { method: "POST", key: null }), 401)
  })

  it("show the active generation and this instance leading; a rebuild builds a new one that takes over with the same figures", async () => {
    const scorecard = "/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&consistency=strong"
    const before = await server.request(scorecard)
    expect(before.body.metrics.dials).toBe(2)
    const status = await server.request("/v1/admin/read-models")
    expect(status.body).toMatchObject({
      projectionRunner: { leader: true },
      generations: [{ readModel: "scorecards", status: "active", eventsApplied: 3 }],
    })
    const active = status.body.generations[0].generation

    const rebuild = await server.request("/v1/admin/rebuild", { method: "POST" })
    expect(rebuild.status).toBe(202)
    expect(rebuild.body).toMatchObject({
      readModel: "scorecards",
      generation: active + 1,
      status: "building",
      eventsApplied: 0,
    })
    await expect
      .poll(
        async () =>
          (await server.request("/v1/admin/read-models")).body.generations.map(
            (g: { generation: number; status: string }) => `${g.generation}:${g.status}`,
          ),
        { timeout: 10_000 },
      )
      .toEqual([`${active + 1}:active`])
    const after = await server.request(scorecard)
    expect({ generation: after.body.readModel.generation, metrics: after.body.metrics }).toEqual({
      generation: active + 1,
      metrics: before.body.metrics,
    })
  })
})
