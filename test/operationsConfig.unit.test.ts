import { describe, expect, it } from "vitest"
import { ConfigError, loadConfig, operationsOf } from "../src/config.js"

describe("the operations settings from the environment", () => {
  it("defaults to an info log (text on a terminal), a keyed /metrics, 10 s to shut down and a generous rate limit", () => {
    expect(loadConfig({}).operations).toEqual({
      logLevel: "info",
      logFormat: "auto",
      metricsPublic: false,
      readiness: { maxLagEvents: 10_000, maxLagSeconds: 60 },
      shutdownTimeoutMs: 10_000,
      rateLimit: { perSecond: 10_000, burst: 20_000 },
    })
  })

  it("reads each variable, the burst defaulting to twice the rate", () => {
    const config = loadConfig({
      LEDGER_LOG_LEVEL: "warn",
      LEDGER_LOG_FORMAT: "json",
      LEDGER_METRICS_PUBLIC: "true",
      LEDGER_READY_MAX_LAG_EVENTS: "0",
      LEDGER_READY_MAX_LAG_SECONDS: "2.5",
      LEDGER_SHUTDOWN_TIMEOUT_MS: "30000",
      LEDGER_RATE_LIMIT_PER_SECOND: "20",
    })

    expect(config.operations).toEqual({
      logLevel: "warn",
      logFormat: "json",
      metricsPublic: true,
      readiness: { maxLagEvents: 0, maxLagSeconds: 2.5 },
      shutdownTimeoutMs: 30_000,
      rateLimit: { perSecond: 20, burst: 40 },
    })
    expect(
      loadConfig({ LEDGER_RATE_LIMIT_PER_SECOND: "20", LEDGER_RATE_LIMIT_BURST: "5" }).operations?.rateLimit,
    ).toEqual({ perSecond: 20, burst: 5 })
  })

  it.each([
    ["LEDGER_LOG_LEVEL", "loud"],
    ["LEDGER_LOG_FORMAT", "pretty"],
    ["LEDGER_METRICS_PUBLIC", "yes"],
    ["LEDGER_READY_MAX_LAG_EVENTS", "-1"],
    ["LEDGER_SHUTDOWN_TIMEOUT_MS", "0"],
    ["LEDGER_RATE_LIMIT_PER_SECOND", "fast"],
    ["LEDGER_RATE_LIMIT_BURST", "0"],
  ])("refuses %s=%s, naming the variable", (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^environment variable ${variable}: `))
  })

  it("gives a server started from code the defaults with a silent log", () => {
    const fromCode = operationsOf({ port: 0, host: "127.0.0.1", store: { dataDir: "/tmp/x" }, bodyLimitBytes: 1 })
    expect(fromCode.logLevel).toBe("silent")
    expect(fromCode.rateLimit).toEqual({ perSecond: 10_000, burst: 20_000 })
    expect(
      operationsOf({
        port: 0,
        host: "127.0.0.1",
        store: { dataDir: "/tmp/x" },
        bodyLimitBytes: 1,
        operations: { logLevel: "debug" },
      }).logLevel,
    ).toBe("debug")
  })
})
