/**
 * @module `/v1/people` (admin scope): erase a person (`POST /v1/people/erasures`, GDPR Art. 17) and
 * list every event field that holds their data (`GET /v1/people/{identifier}`, Art. 15, as JSON or
 * CSV). README "Personal data" says what an erasure guarantees.
 *
 * @example
 * curl -X POST -H "authorization: Bearer $ADMIN_KEY" -H 'content-type: application/json' \
 *   -d '{"identifier":"ana@example.com"}' http://127.0.0.1:8080/v1/people/erasures
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import type { Context } from "hono"
import { erasePerson } from "../ingest/erasePerson.js"
import { type PersonalDataItem, personalDataCsv, personalDataOf } from "../store/erasure.js"
import type { SqlQueryable } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { readJsonBody } from "./body.js"
import { problemResponse } from "./problem.js"
import { type LedgerRuntime, respond } from "./runtime.js"
import { documentedBody, fieldErrors, invalidRequest, validationHook } from "./validation.js"

export type PeopleRoutesDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlQueryable
  readonly bodyLimitBytes: number
  readonly onAppended?: () => void
}

/** One schema for the identifier, the body's and the path's: the CLI reads it the same way. */
export const PersonIdentifier = z
  .string()
  .trim()
  .min(1, "must name a person: a contact id, an email address, a phone number or a rep id")
  .max(200, "must be at most 200 characters (an id, an email address or a phone number)")

const ErasureRequest = z
  .strictObject({
    identifier: PersonIdentifier.describe("A contact id, an email address, a phone number or a rep id").openapi({
      example: "ana@example.com",
    }),
  })
  .openapi("ErasureRequest")

const ErasureAnswer = z
  .object({
    subject: z.string().describe("The person's subject key: a keyed hash, never the identifier"),
    valuesErased: z.number().int().describe("Kept values deleted: fields' values and vendor payloads"),
    event: z.record(z.string(), z.unknown()).describe("The stored PersonErased"),
  })
  .openapi("Erasure")

const PersonalDataItemView = z
  .object({
    position: z.number().int(),
    streamId: z.string(),
    type: z.string(),
    occurredAt: z.string(),
    field: z.string().describe("Where in the event: `data.contactId`, `metadata.raw`…"),
    value: z.unknown().describe("What it holds (a vendor payload as the object it was)"),
  })
  .openapi("PersonalDataItem")

const PersonalData = z.object({ identifier: z.string(), items: z.array(PersonalDataItemView) }).openapi("PersonalData")

const refusals = { 401: problemResponse("No valid API key"), 403: problemResponse("The key lacks the admin scope") }

export const peopleRoutes = ({ runtime, sql, bodyLimitBytes, onAppended }: PeopleRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const admin = requireScope(sql, "admin")

  app.openapi(
    createRoute({
      method: "post",
      operationId: "erasePerson",
      path: "/v1/people/erasures",
      summary: "Erase a person's personal data; every count stays as it was",
      description:
        "Deletes every value kept for the person (README \"Personal data\"): from then on their fields read as `erased:<12 hex digits>` in every answer, export and archive, while the log's events, positions and every figure stay the same. Appends one `PersonErased`, which holds only the person's keyed hash.",
      security: [{ bearer: [] }],
      middleware: [admin] as const,
      request: { body: documentedBody({ "application/json": ErasureRequest }) },
      responses: {
        201: { description: "Erased", content: { "application/json": { schema: ErasureAnswer } } },
        400: problemResponse("Malformed JSON, or no identifier; `errors[].path` names it"),
        413: problemResponse("Body over the size limit"),
        415: problemResponse("Not application/json"),
        ...refusals,
      },
    }),
    (c) => erase(c) as never,
  )

  const erase = async (c: Context): Promise<Response> => {
    const body = await readJsonBody(c, bodyLimitBytes)
    if (!body.ok) return body.response
    const request = ErasureRequest.safeParse(body.value)
    if (!request.success) return invalidRequest(c, fieldErrors("body", request.error.issues))
    const program = erasePerson(request.data.identifier, {
      occurredAt: new Date().toISOString(),
      provenance: { source: "api", correlationId: c.get("requestId" as never) },
    })
    return respond(c, runtime, program, (erasure) => {
      onAppended?.()
      return c.json(erasure, 201)
    })
  }

  app.openapi(
    createRoute({
      method: "get",
      operationId: "getPersonalData",
      path: "/v1/people/{identifier}",
      summary: "Every event field that holds a person's data (a subject access request)",
      description:
        "The identifier is a contact id, an email address, a phone number or a rep id, matched as an erasure matches it (an email address in any case, a phone number by its digits). `Accept: text/csv` answers CSV, one row per field.",
      security: [{ bearer: [] }],
      middleware: [admin] as const,
      request: {
        params: z.object({ identifier: PersonIdentifier.openapi({ example: "ana@example.com" }) }),
        query: z.strictObject({}),
      },
      responses: {
        200: {
          description: "The fields, in log order (none for a person the ledger does not hold, or erased)",
          content: {
            "application/json": { schema: PersonalData },
            "text/csv": { schema: z.string().describe("position,streamId,type,occurredAt,field,value") },
          },
        },
        400: problemResponse("An unknown query parameter, or an empty identifier"),
        ...refusals,
      },
    }),
    async (c) => {
      const { identifier } = c.req.valid("param")
      const { items } = await personalDataOf(sql, identifier)
      if ((c.req.header("accept") ?? "").includes("text/csv"))
        return c.body(personalDataCsv(items), 200, { "content-type": "text/csv; charset=utf-8" }) as never
      return c.json({ identifier, items: items as Array<PersonalDataItem & { value: unknown }> }, 200)
    },
  )

  return app
}
