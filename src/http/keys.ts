/**
 * @module `/v1/keys` (admin scope): the API keys of the ledger, managed over HTTP — list them (never
 * their secrets), create one (its token is in the answer, and nowhere else, ever), revoke one. What
 * `ledger keys` does when a server runs, and what the dashboard's Keys view does for an admin.
 *
 * @example
 * curl -H "authorization: Bearer $ADMIN_KEY" -H "content-type: application/json" \
 *   -d '{"name":"dashboard","scopes":["read"]}' http://127.0.0.1:8080/v1/keys
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import type { Context } from "hono"
import type { Logger } from "../observability/log.js"
import { type ApiKey, createApiKey, listApiKeys, revokeApiKey, scopes } from "../store/apiKeys.js"
import type { SqlDatabase } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { readJsonBody } from "./body.js"
import { problem, problemResponse } from "./problem.js"
import { documentedBody, fieldErrors, invalidRequest, validationHook } from "./validation.js"

export type KeyRoutesDeps = { readonly sql: SqlDatabase }

const ApiKeyView = z
  .object({
    keyId: z.string().openapi({ example: "3f9a0c2b7d41" }),
    name: z.string().openapi({ example: "dashboard" }),
    scopes: z.array(z.enum(scopes)),
    createdAt: z.string(),
    revokedAt: z.string().nullable().describe("When it was revoked; null while it works"),
  })
  .openapi("ApiKey")

/** One schema for the body, from which the OpenAPI document and the messages come. */
export const KeyRequest = z
  .strictObject({
    name: z
      .string('a name saying who or what will use the key, e.g. "dashboard"')
      .trim()
      .min(1, 'a name saying who or what will use the key, e.g. "dashboard" (it is empty)')
      .max(200, "at most 200 characters")
      .openapi({ example: "dashboard" }),
    scopes: z
      .array(z.enum(scopes, `one of ${scopes.join(", ")}`), `a list of scopes: ${scopes.join(", ")}`)
      .min(1, `at least one scope: ${scopes.join(", ")}`)
      .describe("`read` reads, `ingest` appends events, `admin` does everything (keys, rebuilds)")
      .openapi({ example: ["read"] }),
  })
  .openapi("KeyRequest")

const CreatedKey = z
  .object({
    key: ApiKeyView,
    token: z.string().describe("The key itself (`olk_…`): shown in this answer only, never again"),
  })
  .openapi("CreatedKey")

const refusals = { 401: problemResponse("No valid API key"), 403: problemResponse("The key lacks the admin scope") }

const keyIdParam = z.object({
  keyId: z
    .string()
    .regex(/^[0-9a-f]{12}$/, "an API key's id is 12 lowercase hexadecimal digits, as GET /v1/keys lists them")
    .openapi({ example: "3f9a0c2b7d41" }),
})

/** A key as the answers show it. */
const viewOf = (key: ApiKey) => ({ ...key, scopes: [...key.scopes] })

/** Who did it, for the log: the key that asked (a dashboard session names its key too). */
const actorOf = (key: ApiKey) => ({ byKeyId: key.keyId, byKeyName: key.name })

const logOf = (c: Context): Logger | undefined => c.get("log" as never)

export const keyRoutes = ({ sql }: KeyRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const admin = requireScope(sql, "admin")

  app.openapi(
    createRoute({
      method: "get",
      operationId: "listKeys",
      path: "/v1/keys",
      summary: "The API keys, revoked ones included (never their secrets)",
      security: [{ bearer: [] }],
      middleware: [admin] as const,
      responses: {
        200: {
          description: "Every key, oldest first",
          content: { "application/json": { schema: z.object({ keys: z.array(ApiKeyView) }) } },
        },
        ...refusals,
      },
    }),
    async (c) => c.json({ keys: (await listApiKeys(sql)).map(viewOf) }, 200),
  )

  const create = createRoute({
    method: "post",
    operationId: "createKey",
    path: "/v1/keys",
    summary: "Create an API key: its token is in this answer only",
    description:
      "Only a SHA-256 of the secret is stored: the `token` of the answer cannot be shown again. Keep it, or revoke the key and create another.",
    security: [{ bearer: [] }],
    middleware: [admin] as const,
    request: { body: documentedBody({ "application/json": KeyRequest }) },
    responses: {
      201: { description: "The key, and its token", content: { "application/json": { schema: CreatedKey } } },
      400: problemResponse("Malformed JSON, or a missing or invalid name or scope; `errors[].path` names it"),
      ...refusals,
      413: problemResponse("Body over the size limit"),
      415: problemResponse("Not application/json"),
    },
  })

  const createKey = async (c: Context<{ Variables: AuthVariables }>): Promise<Response> => {
    const body = await readJsonBody(c, 4 * 1024)
    if (!body.ok) return body.response
    const request = KeyRequest.safeParse(body.value)
    if (!request.success) return invalidRequest(c, fieldErrors("body", request.error.issues), "no key was created")
    const created = await createApiKey(sql, request.data)
    logOf(c)?.info(
      { keyId: created.key.keyId, scopes: created.key.scopes, ...actorOf(c.get("apiKey")) },
      "API key created",
    )
    c.header("cache-control", "no-store")
    return c.json(created, 201)
  }
  // `as never`: the body reader answers its refusals as plain Responses, which the route types cannot name.
  app.openapi(create, (c) => createKey(c) as never)

  app.openapi(
    createRoute({
      method: "delete",
      operationId: "revokeKey",
      path: "/v1/keys/{keyId}",
      summary: "Revoke an API key: its token stops working at once",
      description:
        "The key stays listed, with `revokedAt`. The last active admin key cannot be revoked (409): create another admin key first.",
      security: [{ bearer: [] }],
      middleware: [admin] as const,
      request: { params: keyIdParam },
      responses: {
        200: { description: "Revoked now", content: { "application/json": { schema: ApiKeyView } } },
        404: problemResponse("No key has this id"),
        409: problemResponse("Already revoked, or the last active admin key"),
        ...refusals,
      },
    }),
    async (c) => {
      const { keyId } = c.req.valid("param")
      const revocation = await revokeApiKey(sql, keyId)
      switch (revocation._tag) {
        case "Revoked":
          logOf(c)?.info({ keyId, ...actorOf(c.get("apiKey")) }, "API key revoked")
          return c.json(viewOf(revocation.key), 200)
        case "UnknownKey":
          return problem(c, {
            title: "Key not found",
            status: 404,
            detail: `no API key has the id ${keyId}; GET /v1/keys lists them`,
          }) as never
        case "AlreadyRevoked":
          return problem(c, {
            title: "Already revoked",
            status: 409,
            detail: `API key ${keyId} ("${revocation.key.name}") was revoked at ${revocation.key.revokedAt}`,
          }) as never
        case "LastAdminKey":
          return problem(c, {
            title: "Last admin key",
            status: 409,
            detail: `API key ${keyId} ("${revocation.key.name}") is the last active admin key: create another admin key first (POST /v1/keys with scopes ["admin"]), then revoke this one`,
          }) as never
        default:
          return assertNever(revocation)
      }
    },
  )

  return app
}

function assertNever(value: never): never {
  throw new Error(`unhandled revocation ${JSON.stringify(value)}`)
}
