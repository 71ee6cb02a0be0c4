/**
 * @module RFC 9457 problem details: the one shape every error answer takes, and the one mapper
 * from the ledger's typed errors to HTTP statuses.
 */

import { z } from "@hono/zod-openapi"
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { AppendError } from "../store/errors.js"

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

/** The one mapping of the store's typed errors to problems. */
export const problemOfError = (error: AppendError): ProblemBody => {
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
  }
}
