/**
 * @module `consistency=strong` against a listening server on PostgreSQL, while another transaction
 * is open on the same server (another client, another test, a long report; transaction ids and
 * snapshots are server-wide, so it may even be in another database).
 *
 * The route promises that `strong` "waits until the read model has applied every event appended
 * before this request". An append answered 201 is in the log; a strong read that follows must count
 * it, or say it could not catch up in time (503) — never answer 200 without it.
 */
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { postgresUrl } from "./support/postgres.js"
import { events, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const postgres = serverBackends.find((backend) => backend.name === "postgres")

describe.runIf(postgres !== undefined)("consistency=strong on postgres while another transaction is open", () => {
  let server: TestServer
  beforeAll(async () => {
    if (postgres === undefined) return
    server = await startTestServer(postgres)
    const answer = await server.append(events.repJoined("ana"))
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  it("does not answer 200 without a call appended (201) before the read", async () => {
    const before = await server.request("/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&consistency=strong")
    expect(before.body.metrics.dials).toBe(0)

    // Another client's transaction, begun before the append and still open during the read.
    const other = new pg.Client({ connectionString: postgresUrl })
    await other.connect()
    try {
      await other.query("begin")
      await other.query("select pg_current_xact_id()")

      // events.callLogged: ana's outbound call on 2026-11-02
      expect((await server.append(events.callLogged("during-other-transaction"))).status).toBe(201)
      const answer = await server.request("/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&consistency=strong")

      // Either caught up (the call counted) or honest about not having caught up in time.
      expect(
        answer.status === 200 ? { status: 200, dials: answer.body.metrics.dials } : { status: answer.status },
      ).toBeOneOf([{ status: 200, dials: 1 }, { status: 503 }])
    } finally {
      await other.query("rollback").catch(() => undefined)
      await other.end()
    }
  })
})
