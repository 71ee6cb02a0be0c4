/**
 * `POST /v1/admin/rebuild` against a listening server, requested many times at once and again and
 * again: one rebuild starts, the others are told one is running (409), none fails. Before, two
 * requests could both register a generation under the same next number (a 500 on the registry's
 * primary key) and both build at once; the decision now runs under one lock (src/runtime/projectionRunner.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { events, expectProblem, serverBackends, startTestServer, type TestServer } from "./support/server.js"

describe.each(serverBackends)("POST /v1/admin/rebuild under concurrent requests on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const seeded = await server.append({
      events: [events.repJoined("ana"), ...Array.from({ length: 3_000 }, (_, i) => events.callLogged(`rebuild-${i}`))],
    })
    if (seeded.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(seeded.body)}`)
  })
  afterAll(() => server?.close())

  const generations = async () =>
    (await server.request("/v1/admin/read-models")).body.generations as ReadonlyArray<{
      generation: number
      status: string
    }>

  // A rebuild of a short log may finish between two requests (PGlite runs them one after another),
  // so the burst may start more than one in turn; what must hold is no failure, and one at a time.
  it("answers each of five rebuilds sent at once 202 or 409, never fails, and never builds two generations at once", async () => {
    for (let round = 1; round <= 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => server.request("/v1/admin/rebuild", { method: "POST" })),
      )

      expect(answers.filter((a) => a.status !== 202 && a.status !== 409)).toEqual([])
      const started = answers.filter((a) => a.status === 202).map((a) => a.body.generation as number)
      expect(started.length).toBeGreaterThanOrEqual(1)
      expect(new Set(started).size).toBe(started.length)
      for (const refused of answers.filter((a) => a.status === 409))
        expectProblem(refused, 409, [/generation \d+ is being built/])
      expect((await generations()).filter((g) => g.status === "building").length).toBeLessThanOrEqual(1)
      const last = Math.max(...started)
      await expect
        .poll(async () => (await generations()).map((g) => `${g.generation} ${g.status}`), { timeout: 15_000 })
        .toEqual([`${last} active`])
    }
  })
})
