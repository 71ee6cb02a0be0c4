/**
 * @module Draining: what the server does between SIGTERM and its exit. It keeps count of the
 * requests in flight, and once draining has started it refuses new ones (`503`, `Connection:
 * close`) and closes each connection after its answer, so that the listener can close cleanly.
 * Liveness and readiness probes are still answered (readiness says `draining`).
 *
 * @example
 * const draining = createDraining()
 * app.use(draining.middleware)
 * // on SIGTERM:
 * draining.start(); await draining.idle()
 */
import type { MiddlewareHandler } from "hono"
import { problem } from "./problem.js"

export type InFlightRequest = {
  readonly method: string
  readonly path: string
  readonly requestId: string
  readonly sinceMs: number
}

export type Draining = {
  readonly middleware: MiddlewareHandler
  /** From now on, new requests are refused. */
  start(): void
  isDraining(): boolean
  /** The requests being answered now. */
  inFlight(): ReadonlyArray<InFlightRequest>
  /** Resolves once no request is in flight. */
  idle(): Promise<void>
}

const probes = new Set(["/healthz", "/readyz"])

export const createDraining = (): Draining => {
  let draining = false
  const inFlight = new Set<InFlightRequest>()
  let waiters: Array<() => void> = []
  const settle = () => {
    if (inFlight.size > 0) return
    for (const resolve of waiters) resolve()
    waiters = []
  }
  return {
    middleware: async (c, next) => {
      if (draining && !probes.has(c.req.path)) {
        return problem(
          c,
          {
            title: "Shutting down",
            status: 503,
            detail:
              "this server is shutting down and takes no new requests; nothing was stored: retry (another instance, or this one once restarted)",
          },
          { connection: "close", "retry-after": "1" },
        )
      }
      const request: InFlightRequest = {
        method: c.req.method,
        path: c.req.path,
        requestId: c.get("requestId" as never),
        sinceMs: Date.now(),
      }
      inFlight.add(request)
      try {
        await next()
      } finally {
        inFlight.delete(request)
        // Answered after SIGTERM: the connection closes with it, rather than idling until the keep-alive timeout.
        if (draining) c.header("connection", "close")
        settle()
      }
    },
    start: () => {
      draining = true
      settle()
    },
    isDraining: () => draining,
    inFlight: () => [...inFlight],
    idle: () => (inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  }
}
