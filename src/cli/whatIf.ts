/**
 * @module `ledger what-if coverage`: replay the configured store's log under a flat coverage mandate
 * (src/whatif, the same module as `POST /v1/what-if/coverage`) and print a table per period — each
 * rep and the team — and the back-test, or the answer as JSON.
 *
 * A one-off run keeps no copy of the log: an `--as-of-…` replay reads the store with the bound in SQL.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { BackTest } from "../../projections/index.js"
import { EventStore } from "../store/EventStore.js"
import { resolvePersonal } from "../store/resolvePersonal.js"
import {
  type CoverageWhatIfAnswer,
  coverageWhatIf,
  type FieldIssue,
  LogReplayer,
  type PeriodAnswer,
  type ScenarioTotals,
} from "../whatif/index.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt, CommandFailed } from "./failure.js"

/** The flag that sets each field of the request, to name it in an error. */
const flagOf: Record<string, string> = {
  coverageTarget: "--target",
  from: "--from",
  to: "--to",
  period: "--period",
  team: "--team",
  asOf: "--as-of / --as-of-occurred / --as-of-recorded",
  "asOf.occurred": "--as-of-occurred",
  "asOf.recorded": "--as-of-recorded",
}

const issueLine = (issue: FieldIssue) =>
  `${flagOf[issue.path] ?? issue.path}: ${issue.message.replaceAll("`occurred`", "--as-of-occurred").replaceAll("`recorded`", "--as-of-recorded").replaceAll("`to`", "--to").replaceAll("`from`", "--from")}`

const coverageCommand = Command.make(
  "coverage",
  {
    target: Flag.Finite("target").pipe(
      Flag.withDescription("The flat coverage mandate to test, e.g. 3 (pipeline = 3 × the quota left); at least 1"),
    ),
    from: Flag.String("from").pipe(Flag.withDescription("First day of the window, YYYY-MM-DD (team time zone)")),
    to: Flag.String("to").pipe(Flag.withDescription("Last day of the window, YYYY-MM-DD (inclusive)")),
    period: Flag.Literals("period", ["month", "quarter"]).pipe(
      Flag.withDescription("Measure by month or by (fiscal) quarter"),
      Flag.withDefault("quarter" as const),
    ),
    team: Flag.String("team").pipe(Flag.withDescription("Only the reps of this team"), Flag.optional),
    qualifiedOnly: Flag.Boolean("qualified-only").pipe(
      Flag.withDescription("Count only qualified pipeline (second meeting held) toward the mandate"),
      Flag.withDefault(false),
    ),
    excludeBadgering: Flag.Boolean("exclude-badgering").pipe(
      Flag.withDescription("Leave badgering out of the activity rates a gap is priced at"),
      Flag.withDefault(false),
    ),
    asOf: Flag.Literals("as-of", ["occurred", "recorded"]).pipe(
      Flag.withDescription(
        "The clock each period's start is known by: what had occurred by it (default), or what had been recorded by it",
      ),
      Flag.optional,
    ),
    asOfOccurred: Flag.String("as-of-occurred").pipe(
      Flag.withDescription("Replay only what had happened by this instant (ISO 8601)"),
      Flag.optional,
    ),
    asOfRecorded: Flag.String("as-of-recorded").pipe(
      Flag.withDescription("Replay only what had been recorded by this instant (ISO 8601)"),
      Flag.optional,
    ),
    json: Flag.Boolean("json").pipe(
      Flag.withDescription("Print the answer as JSON (the body of POST /v1/what-if/coverage)"),
      Flag.withDefault(false),
    ),
  },
  Effect.fn("whatIf.coverage")(function* (flags) {
    const occurred = Option.getOrUndefined(flags.asOfOccurred)
    const recorded = Option.getOrUndefined(flags.asOfRecorded)
    const request = {
      coverageTarget: flags.target,
      from: flags.from,
      to: flags.to,
      period: flags.period,
      ...(Option.isSome(flags.team) ? { team: flags.team.value } : {}),
      rules: { qualifiedOnly: flags.qualifiedOnly, excludeBadgering: flags.excludeBadgering },
      ...(occurred === undefined && recorded === undefined
        ? Option.isSome(flags.asOf)
          ? { asOf: flags.asOf.value }
          : {}
        : {
            asOf: { ...(occurred === undefined ? {} : { occurred }), ...(recorded === undefined ? {} : { recorded }) },
          }),
    }
    const outcome = yield* withConfiguredStore(
      EventStore.use((store) =>
        // The replay folds tokens; the answer reads personal values as kept (resolvePersonal.ts).
        attempt(async () => {
          const outcome = await coverageWhatIf(new LogReplayer(store.sql, { maxCopiedEvents: 0 }), request)
          return outcome.ok ? { ...outcome, answer: await resolvePersonal(store.sql, outcome.answer) } : outcome
        }),
      ),
    )
    if (!outcome.ok)
      return yield* new CommandFailed({ reason: `what-if coverage: ${outcome.issues.map(issueLine).join("; ")}` })
    yield* Console.log(flags.json ? JSON.stringify(outcome.answer, null, 2) : whatIfReport(outcome.answer))
  }),
).pipe(
  Command.withDescription(
    "Replay the log under a flat coverage mandate: per rep and period, coverage at the start, the gap to the mandate and what closing it costs, " +
      "the losses it plans, and whether reps who met it hit quota more often (side by side with each rep's requiredCoverage)",
  ),
  Command.withExamples([
    {
      command: "ledger what-if coverage --target 3 --from 2026-01-01 --to 2026-12-31 --period quarter",
      description: "A 3x mandate over 2026, by quarter",
    },
    {
      command: "ledger what-if coverage --target 8 --from 2026-01-01 --to 2026-06-30 --qualified-only --json",
      description: "8x on qualified pipeline, as JSON",
    },
  ]),
)

export const whatIfCommand = Command.make("what-if").pipe(
  Command.withDescription("Replay history under other rules (read-only)"),
  Command.withSubcommands([coverageCommand]),
)

// ---------------------------------------------------------------------------------------------
// The readable report.

const dash = "—"
const grouped = (n: number) =>
  Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",")
const money = (n: number | null) => (n === null ? dash : grouped(n))
const times = (n: number | null) => (n === null ? dash : `${n.toFixed(2)}x`)
const count = (n: number | null) => {
  if (n === null) return dash
  const [whole, tenths] = n.toFixed(1).split(".")
  return `${(whole ?? "").replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${tenths}`
}
/** A share to one decimal, as the dashboard shows it: "87.5%". */
export const percent = (n: number | null) => (n === null ? dash : `${(100 * n).toFixed(1)}%`)
/** "a 3× mandate", "an 8× mandate", "an 11× mandate": the article a number is read with. */
export const mandateWords = (target: number) => {
  const spoken = `${Number(target.toFixed(2))}`
  const vowel = /^8/.test(spoken) || /^1[18](\.|$)/.test(spoken)
  return `${vowel ? "an" : "a"} ${spoken}× mandate`
}
const interval = (hits: BackTest["met"]) =>
  hits.interval === null ? "" : ` (${percent(hits.interval.low)}–${percent(hits.interval.high)})`
const yesNo = (b: boolean | null) => (b === null ? dash : b ? "yes" : "no")

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)))
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join("  "),
    )
    .join("\n")
}

const header = [
  "REP",
  "QUOTA LEFT",
  "PIPELINE",
  "COVERAGE",
  "QUALIFIED",
  "REQUIRED",
  "GAP",
  "+DEALS",
  "+MEETINGS",
  "+ACTIVITIES",
  "EXPECTED LOSS",
  "MET",
  "HIT QUOTA",
]

const periodTable = (period: PeriodAnswer): string => {
  const rows = period.reps.map((rep) => [
    rep.repId,
    money(rep.remainingQuota),
    money(rep.pipelineCounted),
    times(rep.coverage),
    times(rep.qualifiedCoverage),
    times(rep.requiredCoverage),
    money(rep.mandate.gap),
    count(rep.mandate.extraDeals),
    count(rep.mandate.extraMeetings),
    count(rep.mandate.extraActivities),
    money(rep.mandate.expectedLostValue),
    yesNo(rep.mandate.met),
    yesNo(rep.hitQuota),
  ])
  const t = period.totals
  rows.push([
    `TEAM (${t.reps} reps)`,
    money(t.remainingQuota),
    money(t.pipelineCounted),
    times(t.coverage),
    times(t.qualifiedCoverage),
    dash,
    money(t.mandate.gap),
    `${count(t.mandate.extraDeals)}${t.mandate.unpriced > 0 ? "*" : ""}`,
    `${count(t.mandate.extraMeetings)}${t.mandate.unpriced > 0 ? "*" : ""}`,
    `${count(t.mandate.extraActivities)}${t.mandate.unpriced > 0 ? "*" : ""}`,
    money(t.mandate.expectedLostValue),
    `${t.mandate.met}/${t.mandate.met + t.mandate.notMet}`,
    dash,
  ])
  const title = `${period.period} (${period.firstDay} to ${period.lastDay}${period.over ? "" : ", not over: quota hits not judged"})`
  const note =
    t.mandate.unpriced === 0
      ? ""
      : `\n* without ${t.mandate.unpriced} rep${t.mandate.unpriced === 1 ? "" : "s"} with quota left who opened no deal in the trailing year: their gap has no price`
  return `${title}\n${table([header, ...rows])}${note}`
}

const backTestRows = (label: string, test: BackTest) => [
  [
    `${label}: met at start`,
    `${test.met.reps}`,
    `${test.met.hitQuota}`,
    `${percent(test.met.hitRate)}${interval(test.met)}`,
  ],
  [
    `${label}: not met`,
    `${test.notMet.reps}`,
    `${test.notMet.hitQuota}`,
    `${percent(test.notMet.hitRate)}${interval(test.notMet)}`,
  ],
]

/** The scenarios over the window, one column each, then the difference of each pair and each verdict. */
const scenarioSection = (answer: CoverageWhatIfAnswer): Array<string> => {
  const columns = answer.totals.scenarios
  const row = (label: string, cell: (c: ScenarioTotals) => string) => [label, ...columns.map(cell)]
  const rows = [
    ["SCENARIO", ...columns.map((c) => c.name)],
    row("pipeline asked", (c) => money(c.pipelineAtTarget)),
    row("gap", (c) => money(c.gap)),
    row("+meetings", (c) => count(c.extraMeetings)),
    row("+activities", (c) => count(c.extraActivities)),
    row("expected loss", (c) => money(c.expectedLostValue)),
    row("quota expected", (c) => percent(c.quotaAttainmentExpected)),
    row("met / not met", (c) => `${c.met}/${c.notMet}`),
    row("hit quota if met", (c) => `${percent(c.backTest.met.hitRate)}${interval(c.backTest.met)}`),
    row("hit quota if not", (c) => `${percent(c.backTest.notMet.hitRate)}${interval(c.backTest.notMet)}`),
  ]
  const differences = answer.differences.map(
    (d) =>
      `${d.to} against ${d.from}: ${signed(d.pipelineAsked, money)} pipeline, ${signed(d.meetingsAsked, count)} meetings, ` +
      `${signed(d.activitiesAsked, count)} activities, ${signed(d.expectedLostValue, money)} expected loss, ` +
      `${d.quotaAttainmentExpected === null ? dash : `${d.quotaAttainmentExpected >= 0 ? "+" : "−"}${(100 * Math.abs(d.quotaAttainmentExpected)).toFixed(1)} points`} of quota expected.`,
  )
  return [
    "Scenarios over the window:",
    table(rows),
    ...differences,
    ...columns.map((c) => `${c.name}: ${c.verdict}`),
    "",
  ]
}

const signed = (n: number, as: (n: number) => string) => `${n >= 0 ? "+" : "−"}${as(Math.abs(n))}`

/** The answer as text: the mandate, a table per period, then the back-test of both policies. */
export const whatIfReport = (answer: CoverageWhatIfAnswer): string => {
  const { mandate, replay, periods, totals } = answer
  const rules =
    `${answer.request.rules.qualifiedOnly ? " (qualified pipeline only)" : ""}` +
    `${answer.request.rules.excludeBadgering ? ", priced without badgering" : ""}`
  const lines = [
    mandate.coverageTarget === null
      ? `What-if: ${answer.request.scenarios.map((s) => s.name).join(", ")}, side by side${rules}.`
      : `What-if: ${mandateWords(mandate.coverageTarget)} plans to lose ${percent(mandate.impliedLossRate)} of the pipeline${rules}.`,
    `Replayed ${grouped(replay.eventsReplayed)} events (${replay.firstOccurredAt.slice(0, 10)} to ${replay.lastOccurredAt.slice(0, 10)}, ${replay.timeZone}).` +
      " Coverage at each period's start; +DEALS/+MEETINGS/+ACTIVITIES close the gap at the rep's own trailing-year rates.",
    "",
    ...(mandate.coverageTarget === null ? [] : periods.flatMap((period) => [periodTable(period), ""])),
    ...scenarioSection(answer),
    "Back-test: did reps hit quota by the period's end? (95% intervals)",
    table([
      ["POLICY", "REPS", "HIT QUOTA", "HIT RATE"],
      ...(mandate.coverageTarget === null
        ? []
        : backTestRows(`${Number(mandate.coverageTarget.toFixed(2))}× mandate`, totals.backTest.mandate)),
      ...backTestRows("own requiredCoverage", totals.backTest.repTarget),
    ]),
    ...(mandate.coverageTarget === null
      ? []
      : [
          "",
          `Over the window the mandate asks for ${money(totals.mandate.gap)} more pipeline: ${count(totals.mandate.extraDeals)} more deals, ` +
            `${count(totals.mandate.extraMeetings)} more meetings, ${count(totals.mandate.extraActivities)} more activities` +
            ` (each rep's own requiredCoverage: ${money(totals.repTarget.gap)}, ${count(totals.repTarget.extraActivities)} more activities).`,
        ]),
  ]
  return lines.join("\n")
}
