/**
 * @module What a what-if coverage replay is asked: the one schema of the request, shared by
 * `POST /v1/what-if/coverage` and `ledger what-if coverage`, with messages that say what to send.
 */
import { z } from "zod"
import { CalendarDate, Instant } from "../../events/fields.js"
import { daysBetween, isCalendarDay, maxWindowDays } from "../../projections/index.js"

const day = CalendarDate

/** The request, as sent. */
export const WhatIfCoverageRequest = z
  .object({
    coverageTarget: z
      .number({ message: "must be a number, e.g. 3 for a 3x mandate" })
      .min(
        1,
        "must be at least 1: a target below 1x plans to lose nothing (its impliedLossRate would be null); send e.g. 3 for a 3x mandate",
      )
      .max(100, "must be at most 100 (a 100x mandate already plans to lose 99% of the pipeline)")
      .describe("The flat coverage mandate to test, e.g. 3 (pipeline = 3 × the quota left). At least 1"),
    from: day.describe(
      "First day of the window (team time zone); every period with a day in [from, to] is replayed whole",
    ),
    to: day.describe("Last day of the window (inclusive)"),
    period: z
      .enum(["month", "quarter"], { message: 'must be "month" or "quarter"' })
      .describe("The periods measured: calendar months, or (fiscal) quarters"),
    team: z
      .string()
      .min(1, "must be a non-empty team name")
      .optional()
      .describe("Only the reps of this team (RepJoined.team)"),
    rules: z
      .object({
        qualifiedOnly: z
          .boolean()
          .optional()
          .describe(
            "Count only qualified pipeline (deals whose account had a second meeting in the cycle) toward the mandate",
          ),
        excludeBadgering: z
          .boolean()
          .optional()
          .describe("Leave badgering activities out of the activity rates a gap is priced at (activities − badgering)"),
      })
      .strict()
      .optional(),
    asOf: z
      .union(
        [
          z.enum(["occurred", "recorded"]),
          z
            .object({
              occurred: Instant.optional().describe(
                "Replay only the events that had happened by this instant (occurredAt ≤ it)",
              ),
              recorded: Instant.optional().describe(
                "Replay only the events the ledger had recorded by this instant (recordedAt ≤ it)",
              ),
            })
            .strict()
            .refine((bound) => (bound.occurred === undefined) !== (bound.recorded === undefined), {
              message: "give exactly one of `occurred` or `recorded`",
            }),
        ],
        {
          message:
            'must be "occurred" or "recorded" (the clock a period\'s start is known by), or an object with exactly one of `occurred` or `recorded` (an instant)',
        },
      )
      .optional()
      .describe(
        'The clock by which the log is read "as it stood": each period\'s start is measured on the events that had happened by it ("occurred", the default) or that the ledger had recorded by it ("recorded"). As an object, the same clock also bounds the whole replay at an instant: what had happened, or had been recorded, by then',
      ),
  })
  .strict()
  .refine((request) => request.from <= request.to, { message: "must be on or before `to`", path: ["from"] })
  // A date that does not parse has its own error, and no span.
  .refine(
    (request) =>
      !isCalendarDay(request.from) ||
      !isCalendarDay(request.to) ||
      daysBetween(request.from, request.to) <= maxWindowDays,
    {
      message: `the window may span at most ${maxWindowDays} days (10 years); narrow \`from\`–\`to\``,
      path: ["to"],
    },
  )

/** The request with its defaults filled in and its instants in the store's canonical form. */
export type WhatIfCoverage = {
  readonly coverageTarget: number
  readonly from: string
  readonly to: string
  readonly period: "month" | "quarter"
  readonly team: string | null
  readonly rules: { readonly qualifiedOnly: boolean; readonly excludeBadgering: boolean }
  /** The bound of the whole replay, if any. */
  readonly asOf: { readonly occurred: string } | { readonly recorded: string } | null
  /** The clock a period's start is known by: the events occurred, or recorded, by that instant. */
  readonly periodStartsKnownBy: "occurred" | "recorded"
}

/** One invalid field: where (`asOf.occurred`) and what to change. */
export type FieldIssue = { readonly path: string; readonly message: string }

export type ParsedWhatIf =
  | { readonly ok: true; readonly request: WhatIfCoverage }
  | { readonly ok: false; readonly issues: ReadonlyArray<FieldIssue> }

/** Validates a request; issues name each field at fault (`coverageTarget`, `asOf.recorded`). */
export const parseWhatIfCoverage = (input: unknown): ParsedWhatIf => {
  const parsed = WhatIfCoverageRequest.safeParse(input)
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.flatMap((issue): Array<FieldIssue> => {
        const at = issue.path.map(String)
        // A misspelt field is named itself, not its parent object.
        if (issue.code === "unrecognized_keys")
          return issue.keys.map((key) => ({
            path: [...at, key].join("."),
            message: "is not a field of this request; check its spelling",
          }))
        return [{ path: at.join(".") || "(body)", message: issue.message }]
      }),
    }
  }
  const { coverageTarget, from, to, period, team, rules, asOf } = parsed.data
  const canonical = (instant: string) => new Date(instant).toISOString()
  return {
    ok: true,
    request: {
      coverageTarget,
      from,
      to,
      period,
      team: team ?? null,
      rules: { qualifiedOnly: rules?.qualifiedOnly ?? false, excludeBadgering: rules?.excludeBadgering ?? false },
      asOf:
        asOf === undefined || typeof asOf === "string"
          ? null
          : asOf.occurred !== undefined
            ? { occurred: canonical(asOf.occurred) }
            : { recorded: canonical(asOf.recorded as string) },
      periodStartsKnownBy:
        asOf === undefined
          ? "occurred"
          : typeof asOf === "string"
            ? asOf
            : "recorded" in asOf && asOf.recorded !== undefined
              ? "recorded"
              : "occurred",
    },
  }
}
