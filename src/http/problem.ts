/**
 * @module RFC 9457 problem details: the one shape every error answer takes, and the one mapper
 * from the ledger's typed errors to HTTP statuses.
 */

import { z } from "@hono/zod-openapi"
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { InvalidCallSignal } from "../ingest/callSignals.js"
import type { IdentityLinkedElsewhere, InvalidIdentityLink, RepNotJoined } from "../ingest/linkIdentity.js"
import type { ReadModelNotReady } from "../readModel/scorecardQueries.js"
import type { RebuildAlreadyRunning } from "../runtime/projectionRunner.js"
import type { AppendError } from "../store/errors.js"
import type { ReplayCancelled } from "../whatif/replayer.js"

export const Problem = z
  .object({
    type: z.string().describe("A URI naming the kind of problem"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What was wrong, where, and what to do"),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe("Each invalid field: where (`events[3].data.repId`) and why"),
  })
  .passthrough()
  .openapi("Problem")

/**
 * A refusal as a route declares it: its description, and the problem document it answers.
 *
 * @example
 * responses: { 200: …, 404: problemResponse("No such rep") }
 */
export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
})

export type ProblemBody = {
  readonly type?: string
  readonly title: string
  readonly status: ContentfulStatusCode
  readonly detail: string
  readonly [extra: string]: unknown
}

/** A problem answer, `application/problem+json`. */
export const problem = (c: Context, body: ProblemBody, headers: Record<string, string> = {}): Response =>
  c.body(
    JSON.stringify({ type: body.type ?? `https://outcome-ledger.dev/problems/${slug(body.title)}`, ...body }),
    body.status,
    {
      "content-type": "application/problem+json",
      ...headers,
    },
  )

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")

/**
 * Every refusal the ledger's own code names with a tagged error. A route lets them go (thrown, or as
 * an Effect's failure) and they are answered here, the same way wherever they arise.
 */
export type DomainError =
  | AppendError
  | InvalidCallSignal
  | InvalidIdentityLink
  | RepNotJoined
  | IdentityLinkedElsewhere
  | ReadModelNotReady
  | RebuildAlreadyRunning
  | ReplayCancelled

const domainTags: ReadonlySet<string> = new Set<DomainError["_tag"]>([
  "WrongExpectedVersion",
  "StreamRuleViolation",
  "IdempotencyKeyReused",
  "StoreFailure",
  "InvalidCallSignal",
  "InvalidIdentityLink",
  "RepNotJoined",
  "IdentityLinkedElsewhere",
  "ReadModelNotReady",
  "RebuildAlreadyRunning",
  "ReplayCancelled",
])

/** Whether `error` is one of the ledger's tagged errors (answered by {@link problemOf}), not a failure of the server. */
export const isDomainError = (error: unknown): error is DomainError =>
  typeof error === "object" && error !== null && domainTags.has((error as { _tag?: unknown })._tag as string)

/** The one mapping of the ledger's tagged errors to problems. */
export const problemOf = (error: DomainError): ProblemBody => {
  switch (error._tag) {
    case "WrongExpectedVersion":
      return {
        title: "Wrong expected version",
        status: 409,
        detail: `stream ${error.streamId} is at version ${error.actual}, not ${String(error.expected)}; read the stream and retry`,
        streamId: error.streamId,
        expected: error.expected,
        actual: error.actual,
      }
    case "StreamRuleViolation":
      return {
        title: "Conflict with the stream's state",
        status: 409,
        detail: error.reason,
        streamId: error.streamId,
        currentState: error.state,
      }
    case "IdempotencyKeyReused":
      return {
        title: "Idempotency key reused",
        status: 409,
        detail: `idempotency key "${error.idempotencyKey}" already names a different event (${error.storedAs.type} in ${error.storedAs.streamId}); use a new key for a new event`,
        storedEvent: error.storedAs,
      }
    case "StoreFailure":
      return {
        title: "Store unavailable",
        status: 503,
        detail: `${error.message}; nothing was stored, retry later`,
      }
    case "InvalidCallSignal":
      return { title: "Malformed webhook", status: 400, detail: `${error.reason}; nothing was stored` }
    case "InvalidIdentityLink": {
      // The link's rep is the route's path parameter; its other fields come in the body.
      const errors = error.issues.map((issue) => ({
        ...issue,
        path: issue.path === "repId" ? "params.repId" : `body.${issue.path}`,
      }))
      return {
        title: "Invalid request",
        status: 400,
        detail: `${errors.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}; nothing was stored`,
        errors,
      }
    }
    case "RepNotJoined":
      return {
        title: "Rep not found",
        status: 404,
        detail: `no rep "${error.repId}" has joined (no RepJoined in stream rep-${error.repId}); append its RepJoined first, or link to a rep GET /v1/reps lists`,
      }
    case "IdentityLinkedElsewhere":
      return {
        title: "Identity linked to another rep",
        status: 409,
        detail: `${error.alias} is already linked to rep "${error.linkedTo}" (since ${error.storedAs.occurredAt}); an identity counts for one rep, and its first link stays in force`,
        linkedTo: error.linkedTo,
        storedEvent: error.storedAs,
      }
    case "ReadModelNotReady":
      return { title: "Not ready", status: 503, detail: error.message }
    case "RebuildAlreadyRunning":
      return {
        title: "Rebuild already running",
        status: 409,
        detail: `${error.message}; it takes over when caught up, see GET /v1/admin/read-models`,
        generation: error.generation.generation,
      }
    case "ReplayCancelled":
      return { title: "Cancelled", status: 503, detail: error.message }
  }
}

/** Seconds after which a refusal may be retried, for the errors that pass. */
const retryAfter: Partial<Record<DomainError["_tag"], string>> = { ReadModelNotReady: "2" }

/** The problem answer of a tagged error. */
export const answerProblem = (c: Context, error: DomainError): Response => {
  const seconds = retryAfter[error._tag]
  return problem(c, problemOf(error), seconds === undefined ? {} : { "retry-after": seconds })
}
