import { describe, expect, it } from "vitest"
import { ingestSourceOf } from "../src/http/ingestSource.js"
import { rejectionReason } from "../src/observability/metrics.js"

describe("the ingest source of a request", () => {
  it.each([
    ["POST", "/v1/events", { source: "api", webhook: false }],
    ["POST", "/v1/imports/activities", { source: "csv", webhook: false }],
    ["POST", "/v1/webhooks/aircall", { source: "aircall", webhook: true }],
    ["POST", "/v1/webhooks/ringcentral/verify", { source: "ringcentral", webhook: true }],
    // A made-up vendor cannot grow the metrics' labels without bound.
    ["POST", "/v1/webhooks/%3Cscript%3E", { source: "unknown", webhook: true }],
    ["POST", `/v1/webhooks/${"x".repeat(40)}`, { source: "unknown", webhook: true }],
  ])("%s %s is ingest", (method, path, route) => {
    expect(ingestSourceOf(method, path)).toEqual(route)
  })

  it.each([
    ["GET", "/v1/events"],
    ["GET", "/v1/imports/activities"],
    ["HEAD", "/v1/webhooks/aircall"],
    ["POST", "/v1/what-if/coverage"],
    ["POST", "/v1/events/extra"],
  ])("%s %s is not", (method, path) => {
    expect(ingestSourceOf(method, path)).toBeUndefined()
  })
})

describe("the reason a refusal is counted under", () => {
  it("names each status a client can fix, and sums the rest by class", () => {
    expect([200, 201, 400, 401, 403, 404, 409, 413, 415, 418, 429, 500, 502, 503].map(rejectionReason)).toEqual([
      undefined,
      undefined,
      "invalid",
      "unauthorized",
      "forbidden",
      "not_found",
      "conflict",
      "too_large",
      "unsupported_media_type",
      "client_error",
      "rate_limited",
      "internal_error",
      "server_error",
      "unavailable",
    ])
  })
})
