/**
 * @module `POST /v1/webhooks/<source>`, one route per connector (src/ingest/webhooks/index.ts). No API
 * key: the vendor's signature or token is the authentication, checked by the connector before
 * anything is parsed. Every delivery is counted in the ingestion status (`GET /v1/sources`):
 * accepted, duplicate (a retry: nothing appended), ignored (an event the ledger does not map), or
 * rejected with the ledger's own words for why (never text from the request, which nobody
 * authenticated). A handshake (RingCentral's `Validation-Token`) is no delivery: it is answered and
 * not counted, so that anyone sending one cannot make a dead subscription look alive.
 *
 * @example
 * app.route("/", webhookRoutes({ runtime, sql, bodyLimitBytes, webhooks: { aircallToken: "…", calendlyToleranceSeconds: 180 } }))
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import { Effect } from "effect"
import type { Context } from "hono"
import { type WebhooksConfig, webhookDefaults } from "../config.js"
import { appendEvents } from "../ingest/appendEvents.js"
import { type InvalidCallSignal, recordCallSignal } from "../ingest/callSignals.js"
import type { ConnectorSource } from "../ingest/webhooks/connector.js"
import { type Connector, connectors, type Delivery, type LedgerLookup } from "../ingest/webhooks/index.js"
import type { EventStore } from "../store/EventStore.js"
import type { AppendError } from "../store/errors.js"
import { readByIdempotencyKey } from "../store/readByIdempotencyKey.js"
import { readStream } from "../store/readStream.js"
import type { DeliveryOutcome, DeliveryTally } from "../store/sources.js"
import type { SqlQueryable } from "../store/sql.js"
import { readTextBody } from "./body.js"
import { type ProblemBody, problem, problemOf, problemResponse } from "./problem.js"
import type { LedgerRuntime } from "./runtime.js"

export type WebhookRoutesDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlQueryable
  readonly bodyLimitBytes: number
  /** Where each delivery is counted (GET /v1/sources). */
  readonly deliveries: DeliveryTally
  /** The connectors' secrets; absent, every connector answers 503 naming its variable. */
  readonly webhooks?: WebhooksConfig
  /** Told after every delivery that stored something (the projection runner wakes up). */
  readonly onAppended?: () => void
}

const WebhookAnswer = z
  .object({
    status: z.enum(["accepted", "duplicate", "ignored"]),
    appended: z.number().int().describe("Events this delivery added to the log (0 for a retry or an ignored event)"),
    callId: z.string().optional().describe("The ledger's call id, `<vendor>-<vendor call id>` (dialers)"),
    callLogged: z.boolean().optional().describe("Whether the call's CallLogged is in the log now (dialers)"),
    reason: z.string().optional().describe("Why an authentic delivery was ignored"),
  })
  .openapi("WebhookAnswer")

/**
 * The URL the vendor posted to: the request's own, or, behind a proxy, the same path and query on
 * the public origin (LEDGER_PUBLIC_URL, which may carry a path prefix).
 */
export const publicUrlOf = (requestUrl: string, publicUrl: string | undefined): string => {
  if (publicUrl === undefined) return requestUrl
  const url = new URL(requestUrl)
  return `${publicUrl.replace(/\/+$/, "")}${url.pathname}${url.search}`
}

/**
 * How each vendor proves a delivery, as the OpenAPI document declares it: a header (an `apiKey`
 * security scheme, the only kind OpenAPI has for a vendor's own header), or the body itself, which
 * no security scheme can name (Aircall's `token` field, Dialpad's JWT): those say so and declare none.
 */
const vendorProofs: Record<ConnectorSource, { readonly header: string; readonly description: string } | undefined> = {
  aircall: undefined,
  twilio: {
    header: "X-Twilio-Signature",
    description: "Twilio's signature of the URL and parameters, keyed by LEDGER_TWILIO_AUTH_TOKEN",
  },
  ringcentral: {
    header: "Verification-Token",
    description: "The subscription's verification token, LEDGER_RINGCENTRAL_VERIFICATION_TOKEN",
  },
  dialpad: undefined,
  calendly: {
    header: "Calendly-Webhook-Signature",
    description: "`t=<seconds>,v1=<HMAC-SHA256>` over the body, keyed by LEDGER_CALENDLY_SIGNING_KEY",
  },
}
const proofInBody: Partial<Record<ConnectorSource, string>> = {
  aircall: "Aircall signs nothing: the webhook's `token` travels in the body, checked against LEDGER_AIRCALL_TOKEN.",
  dialpad: "The body is a JWT signed HS256 with LEDGER_DIALPAD_SECRET: the signature is the proof.",
}

/** One route per connector. */
export const webhookRoutes = (deps: WebhookRoutesDeps) => {
  const app = new OpenAPIHono()
  for (const connector of connectors) {
    const path = `/v1/webhooks/${connector.source}`
    const proof = vendorProofs[connector.source]
    const scheme = `${connector.source}Webhook`
    if (proof !== undefined)
      app.openAPIRegistry.registerComponent("securitySchemes", scheme, {
        type: "apiKey",
        in: "header",
        name: proof.header,
        description: proof.description,
      })
    const route = createRoute({
      method: "post",
      operationId: `receive${connector.source[0]?.toUpperCase()}${connector.source.slice(1)}Webhook`,
      path,
      // No API key: the vendor's header, or (`[]`) a proof carried in the body.
      security: proof === undefined ? [] : [{ [scheme]: [] }],
      summary: `Receive ${connector.source} webhooks`,
      description: [
        "The vendor posts here as its documentation says (src/ingest/webhooks/README.md); its signature or token is checked against the configured secret.",
        proofInBody[connector.source],
        "A retried delivery appends nothing.",
      ]
        .filter((sentence) => sentence !== undefined)
        .join(" "),
      tags: ["Connectors"],
      responses: {
        200: {
          description: "Accepted, a retry (duplicate) or an event the ledger does not map (ignored)",
          content: { "application/json": { schema: WebhookAnswer } },
        },
        400: problemResponse(
          "Authentic but not the payload the vendor documents, a body that is not UTF-8, or a JSON payload nested deeper than 64 levels; nothing stored",
        ),
        401: problemResponse("Missing or wrong signature/token; nothing stored"),
        413: problemResponse("Body over the size limit"),
        415: problemResponse("A charset other than UTF-8"),
        429: problemResponse("Over the rate limit of this vendor and client network; `Retry-After` says when to retry"),
        503: problemResponse(
          "The connector's secret is not configured (the detail names the variable), or the store is unavailable",
        ),
      },
    })
    // No request schema: the body is the vendor's (JSON, a form or a JWT), read byte-exact by the connector.
    app.openapi(route, (c) => receive(c, connector, deps) as never)
  }
  return app
}

const receive = async (c: Context, connector: Connector, deps: WebhookRoutesDeps): Promise<Response> => {
  const receivedAt = new Date()
  const count = (outcome: DeliveryOutcome) => deps.deliveries.record(connector.source, outcome, receivedAt)
  const body = await readTextBody(c, deps.bodyLimitBytes)
  if (!body.ok) {
    count({ kind: "rejected", status: body.problem.status, reason: body.problem.detail })
    return body.response
  }
  const delivery: Delivery = {
    url: publicUrlOf(c.req.url, deps.webhooks?.publicUrl),
    headers: c.req.raw.headers,
    body: body.text,
    receivedAt,
  }
  const reading = await connector.read(delivery, deps.webhooks ?? webhookDefaults, ledgerLookup(deps.sql))
  switch (reading.kind) {
    case "reply":
      return new Response(reading.body, { status: reading.status, headers: reading.headers })
    case "rejected": {
      const { status, reason, hint } = reading.rejection
      count({ kind: "rejected", status, reason })
      return problem(c, {
        title: status === 401 ? "Not authenticated" : status === 503 ? "Connector not configured" : "Malformed webhook",
        status,
        detail: `${connector.source}: ${reason}${hint === undefined ? "" : ` (${hint})`}; nothing was stored`,
      })
    }
    case "ignored":
      count({ kind: "ignored" })
      return c.json({ status: "ignored", appended: 0, reason: reading.reason }, 200)
    case "call": {
      const recorded = await run(deps.runtime, recordCallSignal(connector, reading.signal))
      if (!recorded.ok) {
        count({ kind: "rejected", status: recorded.problem.status, reason: recorded.problem.detail })
        return problem(c, recorded.problem)
      }
      const { appended, duplicate, callId, callLogged } = recorded.value
      count(duplicate && appended === 0 ? { kind: "duplicate" } : { kind: "accepted", eventsAppended: appended })
      if (appended > 0) deps.onAppended?.()
      return c.json(
        { status: duplicate ? "duplicate" : "accepted", appended, callId, callLogged: callLogged !== undefined },
        200,
      )
    }
    case "events": {
      const stored = await run(
        deps.runtime,
        appendEvents(reading.events, { source: connector.source, correlationId: c.get("requestId" as never) }),
      )
      if (!stored.ok) {
        count({ kind: "rejected", status: stored.problem.status, reason: stored.problem.detail })
        return problem(c, stored.problem)
      }
      const { appended, status } = stored.value
      count(status === "duplicate" ? { kind: "duplicate" } : { kind: "accepted", eventsAppended: appended })
      if (appended > 0) deps.onAppended?.()
      return c.json({ status: status === "duplicate" ? "duplicate" : "accepted", appended }, 200)
    }
  }
}

/** What a connector may look up while reading: a stored event by idempotency key, a stream (Calendly's reschedules). */
const ledgerLookup = (sql: SqlQueryable): LedgerLookup => ({
  storedEvent: (key) => readByIdempotencyKey(sql, key),
  streamEvents: (streamId) => readStream(sql, streamId),
})

type Ran<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problem: ProblemBody }

/** Runs a store program, its typed errors as the one problem mapping (an invalid signal is a 400). */
const run = <A>(
  runtime: LedgerRuntime,
  program: Effect.Effect<A, AppendError | InvalidCallSignal, EventStore>,
): Promise<Ran<A>> =>
  runtime.runPromise(
    program.pipe(
      Effect.map((value): Ran<A> => ({ ok: true, value })),
      Effect.catch((error: AppendError | InvalidCallSignal) =>
        Effect.succeed<Ran<A>>({
          ok: false,
          problem: problemOf(error),
        }),
      ),
    ),
  )
