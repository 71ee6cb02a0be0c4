/**
 * @module `/v1/reps/{repId}/identities`: link a vendor identity (a dialer's user id, a calendar's
 * email…) to a rep, and list a rep's identities. A link is one `RepIdentityLinked` appended through
 * src/ingest/linkIdentity.ts; the folds credit the rep with the identity's events, past and future.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import { Effect } from "effect"
import type { Context } from "hono"
import { identityAlias } from "../../events/index.js"
import { type LinkOutcome, linkIdentity } from "../ingest/linkIdentity.js"
import { repIdentities } from "../readModel/scorecardQueries.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { SqlQueryable } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { readJsonBody } from "./body.js"
import { problem, problemResponse } from "./problem.js"
import { type LedgerRuntime, respond } from "./runtime.js"
import { notCaughtUp } from "./scorecardWindow.js"
import { documentedBody, fieldErrors, invalidRequest, validationHook } from "./validation.js"

export type IdentityRoutesDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlQueryable
  readonly runner: ProjectionRunner
  readonly bodyLimitBytes: number
}

const IdentityLinkRequest = z
  .strictObject({
    source: z
      .string()
      .describe("The vendor: aircall, twilio, ringcentral, dialpad, calendly, csv…")
      .openapi({ example: "aircall" }),
    externalId: z
      .string()
      .describe("The vendor's id for the rep: user id, extension, phone number or email")
      .openapi({ example: "123" }),
  })
  .openapi("IdentityLinkRequest")

const IdentityLinkAnswer = z
  .object({
    status: z.enum(["linked", "already_linked"]),
    repId: z.string(),
    identity: z.object({
      source: z.string(),
      externalId: z.string(),
      alias: z.string().describe("The repId its events are recorded under, e.g. aircall:123"),
    }),
    event: z
      .record(z.string(), z.unknown())
      .describe("The stored RepIdentityLinked, as GET /v1/streams/rep-{repId} shows it"),
  })
  .openapi("IdentityLink")

const RepIdentities = z
  .object({
    repId: z.string(),
    identities: z.array(z.object({ source: z.string(), externalId: z.string(), alias: z.string() })),
    readModel: z.object({ generation: z.number().int(), eventsApplied: z.number() }),
  })
  .openapi("RepIdentities")

const repIdParam = z.object({ repId: z.string().min(1).openapi({ example: "ana" }) })

export const identityRoutes = ({ runtime, sql, runner, bodyLimitBytes }: IdentityRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })

  const link = createRoute({
    method: "post",
    operationId: "linkRepIdentity",
    path: "/v1/reps/{repId}/identities",
    summary: "Link a vendor identity to a rep: its events, past and future, count for the rep",
    description:
      "Appends one RepIdentityLinked. Events a connector recorded under the identity's alias (`<source>:<externalId>`, e.g. `aircall:123`) are unattributed until then; once linked, the scorecards credit the rep with them, those before the link included — nothing is re-sent. Linking the same identity to the same rep again appends nothing and answers 200. An identity is linked to one rep: linking it to another is refused (409) with the link in force.",
    security: [{ bearer: [] }],
    middleware: [requireScope(sql, "ingest")] as const,
    request: {
      params: repIdParam,
      body: documentedBody({ "application/json": IdentityLinkRequest }),
    },
    responses: {
      201: { description: "Linked now", content: { "application/json": { schema: IdentityLinkAnswer } } },
      200: {
        description: "Already linked to this rep: nothing appended; the stored link",
        content: { "application/json": { schema: IdentityLinkAnswer } },
      },
      400: problemResponse("Malformed JSON, or a missing or invalid source or externalId; `errors[].path` names it"),
      401: problemResponse("No valid API key"),
      403: problemResponse("The key lacks the ingest scope"),
      404: problemResponse("No rep with this id has joined (no RepJoined)"),
      409: problemResponse("The identity is already linked to another rep; `linkedTo` names it"),
      413: problemResponse("Body over the size limit"),
      415: problemResponse("Not application/json"),
    },
  })

  const linkRepIdentity = async (c: Context, repId: string): Promise<Response> => {
    const body = await readJsonBody(c, bodyLimitBytes)
    if (!body.ok) return body.response
    const request = IdentityLinkRequest.safeParse(body.value)
    if (!request.success) return invalidRequest(c, fieldErrors("body", request.error.issues), "nothing was stored")
    const { source, externalId } = request.data
    const answer = (outcome: LinkOutcome) =>
      c.json(
        {
          status: outcome.status,
          repId,
          identity: { source, externalId, alias: identityAlias(source, externalId) },
          event: outcome.event,
        },
        outcome.status === "linked" ? 201 : 200,
      )
    const program = linkIdentity(
      { repId, source, externalId },
      {
        occurredAt: new Date().toISOString(),
        provenance: { source: "api", correlationId: c.get("requestId" as never) },
      },
    ).pipe(
      Effect.tap((outcome) => Effect.sync(() => (outcome.status === "linked" ? runner.wake() : undefined))),
      Effect.map(answer),
    )
    return respond(c, runtime, program, (response) => response)
  }
  // `as never`: the body reader answers its refusals as plain Responses, which the route types cannot name.
  app.openapi(link, (c) => linkRepIdentity(c, c.req.valid("param").repId) as never)

  app.openapi(
    createRoute({
      method: "get",
      operationId: "listRepIdentities",
      path: "/v1/reps/{repId}/identities",
      summary: "The vendor identities linked to a rep, as the scorecards credit them",
      security: [{ bearer: [] }],
      middleware: [requireScope(sql, "read")] as const,
      request: {
        params: repIdParam,
        query: z.object({
          consistency: z
            .enum(["eventual", "strong"])
            .default("eventual")
            .describe("`strong` waits until the read model has applied every event appended before this request"),
        }),
      },
      responses: {
        200: { description: "The rep's identities", content: { "application/json": { schema: RepIdentities } } },
        401: problemResponse("No valid API key"),
        403: problemResponse("The key lacks the read scope"),
        404: problemResponse("No such rep in the read model"),
        503: problemResponse("The read model is being built, or did not catch up in time for consistency=strong"),
      },
    }),
    async (c) => {
      const { repId } = c.req.valid("param")
      const { consistency } = c.req.valid("query")
      const behind = await notCaughtUp(c, runner, consistency)
      if (behind !== undefined) return behind as never
      const found = await repIdentities(sql, repId)
      if (found === undefined) {
        return problem(c, {
          title: "Rep not found",
          status: 404,
          detail: `no rep "${repId}" in the ledger; GET /v1/reps lists them`,
        }) as never
      }
      return c.json(found, 200)
    },
  )

  return app
}
