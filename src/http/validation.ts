/**
 * @module The answer to a query or path parameter that fails its schema: a 400 problem naming it.
 */
import type { Hook } from "@hono/zod-openapi"
import { problem } from "./problem.js"

// biome-ignore lint: the hook is shared by routes of every shape
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return
  const errors = result.error.issues.map((issue) => ({
    path: [result.target, ...issue.path.map(String)].join("."),
    message: issue.message,
  }))
  return problem(c, {
    title: "Invalid request",
    status: 400,
    detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
    errors,
  })
}
