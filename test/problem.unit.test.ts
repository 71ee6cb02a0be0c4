/**
 * The one mapper of the ledger's tagged errors: each is recognised as a refusal (not a server
 * failure) and answered with its status; anything else is left to the 500.
 */
import { describe, expect, it } from "vitest"
import { isDomainError, problemOf } from "../src/http/problem.js"
import { InvalidCallSignal } from "../src/ingest/callSignals.js"
import { InvalidIdentityLink, RepNotJoined } from "../src/ingest/linkIdentity.js"
import { ReadModelNotReady } from "../src/readModel/scorecardQueries.js"
import { StoreFailure, WrongExpectedVersion } from "../src/store/errors.js"
import { ReplayCancelled } from "../src/whatif/replayer.js"

describe("problemOf", () => {
  it("answers each tagged error with its status, and names the field of an invalid link where the client sent it", () => {
    expect(problemOf(new WrongExpectedVersion({ streamId: "deal-1", expected: 2, actual: 3 })).status).toBe(409)
    expect(problemOf(new StoreFailure({ operation: "append", cause: new Error("gone") }))).toMatchObject({
      status: 503,
      detail: "append failed: gone; nothing was stored, retry later",
    })
    expect(problemOf(new InvalidCallSignal({ reason: "no call id" })).status).toBe(400)
    expect(problemOf(new RepNotJoined({ repId: "ana" })).status).toBe(404)
    expect(problemOf(new ReadModelNotReady()).status).toBe(503)
    expect(problemOf(new ReplayCancelled()).status).toBe(503)
    expect(
      problemOf(
        new InvalidIdentityLink({
          issues: [
            { path: "repId", message: "must not be empty" },
            { path: "externalId", message: "must not be empty" },
          ],
        }),
      ),
    ).toMatchObject({
      status: 400,
      errors: [
        { path: "params.repId", message: "must not be empty" },
        { path: "body.externalId", message: "must not be empty" },
      ],
    })
  })

  it("knows the ledger's refusals from the server's failures", () => {
    expect(isDomainError(new ReadModelNotReady())).toBe(true)
    expect(isDomainError(new Error("boom"))).toBe(false)
    expect(isDomainError({ _tag: "SomethingElse" })).toBe(false)
    expect(isDomainError(undefined)).toBe(false)
  })
})
