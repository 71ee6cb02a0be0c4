/**
 * @module The filters of `GET /v1/events` (a figure's drill-down to the events behind it): a rep's
 * events (the identities linked to them included), event types, and when they happened; as query
 * parameters, and as the store's `LogFilter`.
 */
import { z } from "@hono/zod-openapi"
import { Instant } from "../../events/fields.js"
import { eventTypes } from "../../events/index.js"
import { ReadModelNotReady, repIdentities } from "../readModel/scorecardQueries.js"
import type { LogFilter } from "../store/readLog.js"
import type { SqlQueryable } from "../store/sql.js"

const EventTypeName = z.enum(eventTypes as [string, ...string[]])

/** The query parameters of the filters. */
export const eventFilterQuery = {
  repId: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Only the rep's events: those naming the rep (or an identity linked to them) as repId, ownerRepId or originatorRepId, and every event of a deal or meeting they do",
    ),
  type: z
    .union([EventTypeName, z.array(EventTypeName)])
    .optional()
    .describe("Only events of this type; repeat the parameter for several"),
  occurredFrom: Instant.optional().describe("Only events that happened at or after this instant"),
  occurredTo: Instant.optional().describe("Only events that happened before this instant (excluded)"),
}

type FilterQuery = {
  readonly repId?: string | undefined
  readonly type?: string | ReadonlyArray<string> | undefined
  readonly occurredFrom?: string | undefined
  readonly occurredTo?: string | undefined
}

/**
 * The store's filter for the query: a rep's ids are the rep's own and the aliases of the identities
 * the read model credits to them (`aircall:123`); before the read model is built, the rep's own only.
 */
export const logFilterOf = async (sql: SqlQueryable, query: FilterQuery): Promise<LogFilter> => {
  const ids = async (repId: string) => {
    try {
      return [repId, ...((await repIdentities(sql, repId))?.identities.map((identity) => identity.alias) ?? [])]
    } catch (error) {
      if (error instanceof ReadModelNotReady) return [repId]
      throw error
    }
  }
  return {
    ...(query.repId === undefined ? {} : { repIds: await ids(query.repId) }),
    ...(query.type === undefined ? {} : { types: [query.type].flat() }),
    ...(query.occurredFrom === undefined ? {} : { occurredFrom: query.occurredFrom }),
    ...(query.occurredTo === undefined ? {} : { occurredTo: query.occurredTo }),
  }
}
