/**
 * @module What a what-if coverage replay is asked: the one schema of the request, shared by
 * `POST /v1/what-if/coverage` and `ledger what-if coverage`, with messages that say what to send.
 */
import { z } from "zod"
import { CalendarDate, Instant } from "../../events/fields.js"
import { daysBetween, isCalendarDay, maxWindowDays, type Scenario } from "../../projections/index.js"

const day = CalendarDate

/**
 * The default of `minClosedDeals`: one closed deal is a win rate of 0% or 100%, never a rate; two are
 * the fewest that can be one. A stricter reading sends more (5 is the rankings' minimum).
 */
export const defaultMinClosedDeals = 2

const coverageTarget = z
  .number({ message: "must be a number, e.g. 3 for a 3× mandate" })
  .min(
    1,
    "must be at least 1: a target below 1× plans to lose nothing (its impliedLossRate would be null); send e.g. 3 for a 3× mandate",
  )
  .max(100, "must be at most 100 (a 100× mandate already plans to lose 99% of the pipeline)")

/** One scenario: a flat mandate, each rep's own required coverage, or win rates raised by some points. */
export const WhatIfScenario = z
  .object({
    name: z
      .string()
      .min(1, "must be a non-empty name")
      .max(80, "must be at most 80 characters")
      .optional()
      .describe('The column\'s name; default e.g. "3× mandate", "own required coverage", "win rate +5 points"'),
    coverageTarget: coverageTarget
      .optional()
      .describe("A flat coverage mandate (pipeline = coverageTarget × the quota left); not with `policy`"),
    policy: z
      .enum(["own-required-coverage", "effectiveness"], {
        message: 'must be "own-required-coverage" or "effectiveness" (or leave it out and give `coverageTarget`)',
      })
      .optional()
      .describe(
        "own-required-coverage: each rep's own requiredCoverage; effectiveness: each rep's value win rate raised by `winRateDelta` (capped at 1), and the pipeline that rate needs",
      ),
    winRateDelta: z
      .number({ message: "must be a number of points as a fraction, e.g. 0.05 for 5 points" })
      .gt(0, "must be above 0, e.g. 0.05 for 5 points")
      .max(1, "must be at most 1 (100 points)")
      .optional()
      .describe('The points each rep\'s win rate rises by (0.05 = 5 points); with `policy: "effectiveness"` only'),
  })
  .strict()
  .superRefine((scenario, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message })
    if ((scenario.coverageTarget === undefined) === (scenario.policy === undefined))
      problem(
        "coverageTarget",
        'give either `coverageTarget` (a mandate) or `policy` ("own-required-coverage" or "effectiveness"), not both',
      )
    if (scenario.policy === "effectiveness" && scenario.winRateDelta === undefined)
      problem("winRateDelta", "the effectiveness scenario needs it: e.g. 0.05 to raise win rates by 5 points")
    if (scenario.policy !== "effectiveness" && scenario.winRateDelta !== undefined)
      problem("winRateDelta", 'is only for `policy: "effectiveness"`')
  })

/** The request, as sent. */
export const WhatIfCoverageRequest = z
  .object({
    coverageTarget: coverageTarget
      .optional()
      .describe(
        "The flat coverage mandate to test, e.g. 3 (pipeline = 3 × the quota left). At least 1. Alone, one scenario; with `scenarios`, the first",
      ),
    scenarios: z
      .array(WhatIfScenario)
      .min(1, "must hold at least one scenario")
      .max(6, "must hold at most 6 scenarios (columns side by side)")
      .optional()
      .describe("The scenarios to compare side by side, each a column, with the difference of each pair"),
    from: day.describe(
      "First day of the window (team time zone); every period with a day in [from, to] is replayed whole",
    ),
    to: day.describe("Last day of the window (inclusive)"),
    period: z
      .enum(["month", "quarter"], { message: 'must be "month" or "quarter"' })
      .describe("The periods measured: calendar months, or (fiscal) quarters"),
    minClosedDeals: z
      .number({ message: "must be a whole number of closed deals, e.g. 5" })
      .int("must be a whole number of closed deals, e.g. 5")
      .min(1, "must be at least 1")
      .max(1_000, "must be at most 1000")
      .optional()
      .describe(
        `The fewest deals a rep must have closed (won or lost) in the trailing window for their requiredCoverage (and the win rate the scenarios use) to be given; default ${defaultMinClosedDeals}`,
      ),
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
  .refine((request) => request.coverageTarget !== undefined || request.scenarios !== undefined, {
    message: 'give `coverageTarget` (e.g. 3) or `scenarios` (e.g. [{ "coverageTarget": 3 }, { "coverageTarget": 8 }])',
    path: ["scenarios"],
  })
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
  /** The single mandate asked (`coverageTarget`), measured as `mandate`; null when only `scenarios` were. */
  readonly coverageTarget: number | null
  /** Every scenario compared: `coverageTarget` first when given, then `scenarios`. */
  readonly scenarios: ReadonlyArray<Scenario>
  readonly from: string
  readonly to: string
  readonly period: "month" | "quarter"
  readonly minClosedDeals: number
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
  const { coverageTarget, scenarios: asked, from, to, period, team, rules, asOf, minClosedDeals } = parsed.data
  const canonical = (instant: string) => new Date(instant).toISOString()
  const scenarios = [...(coverageTarget === undefined ? [] : [{ coverageTarget }]), ...(asked ?? [])].map(scenarioOf)
  const offset = coverageTarget === undefined ? 0 : 1
  const repeated = scenarios.findIndex(
    (scenario, index) => scenarios.findIndex((s) => s.name === scenario.name) < index,
  )
  if (repeated >= 0)
    return {
      ok: false,
      issues: [
        {
          path: repeated - offset < 0 ? "coverageTarget" : `scenarios.${repeated - offset}.name`,
          message: `"${scenarios[repeated]?.name}" names two scenarios; give each its own \`name\``,
        },
      ],
    }
  return {
    ok: true,
    request: {
      coverageTarget: coverageTarget ?? null,
      scenarios,
      from,
      to,
      period,
      minClosedDeals: minClosedDeals ?? defaultMinClosedDeals,
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

/** "3× mandate": a number as a leader says it (3, 2.5, 0.05 as 5). */
const plain = (n: number) => `${Number(n.toFixed(2))}`

const scenarioOf = (asked: z.infer<typeof WhatIfScenario>): Scenario => {
  if (asked.policy === "own-required-coverage")
    return {
      name: asked.name ?? "own required coverage",
      policy: asked.policy,
      coverageTarget: null,
      winRateDelta: null,
    }
  if (asked.policy === "effectiveness") {
    const delta = asked.winRateDelta as number
    return {
      name: asked.name ?? `win rate +${plain(delta * 100)} points`,
      policy: "effectiveness",
      coverageTarget: null,
      winRateDelta: delta,
    }
  }
  const target = asked.coverageTarget as number
  return {
    name: asked.name ?? `${plain(target)}× mandate`,
    policy: "coverage-target",
    coverageTarget: target,
    winRateDelta: null,
  }
}
