/**
 * @module Operating the read models (admin scope): `GET /v1/admin/read-models` shows each
 * generation, where it stands in the log, and whether this instance is the one folding;
 * `POST /v1/admin/rebuild` starts a new generation built from the start of the log, blue-green:
 * the active one keeps answering until the new one has caught up and takes over. The API keys'
 * routes (`/v1/keys`, keys.ts) are mounted with them.
 *
 * @example
 * curl -X POST -H "authorization: Bearer $ADMIN_KEY" http://127.0.0.1:8080/v1/admin/rebuild
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import { type Generation, liveGenerations } from "../readModel/registry.js"
import { scorecardModel } from "../readModel/scorecardTables.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import { formatCheckpoint } from "../store/eventLog.js"
import type { SqlDatabase } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { keyRoutes } from "./keys.js"
import { problemResponse } from "./problem.js"
import { validationHook } from "./validation.js"

export type AdminRoutesDeps = { readonly sql: SqlDatabase; readonly runner: ProjectionRunner }

const GenerationView = z
  .object({
    readModel: z.string(),
    generation: z.number().int(),
    foldVersion: z.number().int().describe("The version of the folds it was built with"),
    status: z
      .enum(["building", "active", "retired"])
      .describe("`building` fills up from the log start; `active` answers the reads"),
    checkpoint: z.string().describe("The last log position applied, as a `/v1/events` cursor"),
    eventsApplied: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi("ReadModelGeneration")

const toView = (generation: Generation) => ({
  readModel: generation.name,
  generation: generation.generation,
  foldVersion: generation.foldVersion,
  status: generation.status,
  checkpoint: formatCheckpoint(generation.checkpoint),
  eventsApplied: generation.eventsApplied,
  updatedAt: generation.updatedAt,
})

const refusals = { 401: problemResponse("No valid API key"), 403: problemResponse("The key lacks the admin scope") }

export const adminRoutes = ({ sql, runner }: AdminRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const admin = requireScope(sql, "admin")
  app.route("/", keyRoutes({ sql }))

  app.openapi(
    createRoute({
      method: "get",
      operationId: "listReadModels",
      path: "/v1/admin/read-models",
      summary: "The read models' live generations, and whether this instance holds the projection lease",
      description:
        "Several instances on one PostgreSQL share the read models; exactly one of them (the lease holder, `projectionRunner.leader`) folds the log into them at a time.",
      security: [{ bearer: [] }],
      middleware: [admin] as const,
      responses: {
        200: {
          description: "This instance's runner and every building or active generation, oldest first",
          content: {
            "application/json": {
              schema: z.object({
                projectionRunner: z.object({ leader: z.boolean() }),
                generations: z.array(GenerationView),
              }),
            },
          },
        },
        ...refusals,
      },
    }),
    async (c) =>
      c.json(
        {
          projectionRunner: { leader: runner.isLeader() },
          generations: (await liveGenerations(sql, scorecardModel)).map(toView),
        },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: "post",
      operationId: "rebuildReadModels",
      path: "/v1/admin/rebuild",
      summary: "Rebuild the scorecards from the start of the log, while the current generation keeps answering",
      description:
        "Answers at once with the new generation (`building`); it takes over once it has caught up with the log (watch `GET /v1/admin/read-models`). A crash or restart meanwhile resumes it from its own checkpoint.",
      security: [{ bearer: [] }],
      middleware: [admin] as const,
      responses: {
        202: { description: "The rebuild started", content: { "application/json": { schema: GenerationView } } },
        409: problemResponse("A rebuild is already running; it is named in the problem"),
        ...refusals,
      },
    }),
    async (c) => {
      // Decided under the runner's lock: of rebuilds requested at once, one starts and the others
      // are told (RebuildAlreadyRunning, a 409 by the one mapper).
      return c.json(toView(await runner.rebuild()), 202)
    },
  )

  return app
}
