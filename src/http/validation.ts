/**
 * @module How a route's input is checked: query and path parameters by the schemas of its
 * `createRoute` (a 400 problem naming the parameter), and a body by `documentedBody`.
 */
import { type Hook, z } from "@hono/zod-openapi"
import type { Context } from "hono"
import { problem } from "./problem.js"
import { unknownQueryMessage } from "./query.js"

// biome-ignore lint: the hook is shared by routes of every shape
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return
  // A strict schema's unknown keys (z.strictObject): one error per key, named in its path.
  const errors = result.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({
          path: [result.target, ...issue.path.map(String), key].join("."),
          message: result.target === "query" ? unknownQueryMessage(key) : "unknown field: leave it out",
        }))
      : [{ path: [result.target, ...issue.path.map(String)].join("."), message: issue.message }],
  )
  return invalidRequest(c, errors)
}

/** A field of a request that was refused: where (`body.repId`, `query.from`) and why. */
export type FieldError = { readonly path: string; readonly message: string }

/**
 * The 400 problem of a request refused field by field, each named where the client sent it;
 * `consequence` says what was not done (`"nothing was stored"`).
 */
export const invalidRequest = (c: Context, errors: ReadonlyArray<FieldError>, consequence?: string): Response =>
  problem(c, {
    title: "Invalid request",
    status: 400,
    detail: `${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}${consequence === undefined ? "" : `; ${consequence}`}`,
    errors,
  })

/** A zod schema's issues as the fields of `target` (`body`, `query`) they name. */
export const fieldErrors = (
  target: string,
  issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>,
): Array<FieldError> =>
  issues.map((issue) => ({ path: [target, ...issue.path.map(String)].join("."), message: issue.message }))

/**
 * A route's request body, declared by its one zod schema written out as JSON Schema: the OpenAPI
 * document shows that schema, and the handler parses the body with it after the strict reader of
 * body.ts (size, media type and charset, UTF-8, nesting), whose refusals and field names are the
 * API's. The zod schema itself placed in the route would make the framework read and check the body
 * a second time, with its own reader and its own messages, before the handler's.
 *
 * @example
 * request: { body: documentedBody({ "application/json": KeyRequest }) }
 */
export const documentedBody = (content: Readonly<Record<string, z.ZodType>>) => ({
  required: true,
  content: Object.fromEntries(
    Object.entries(content).map(([mediaType, schema]) => {
      const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })
      // A plain JSON Schema object: what the route types call a SchemaObject, which zod's own type is not.
      return [mediaType, { schema: jsonSchema as never }]
    }),
  ),
})
