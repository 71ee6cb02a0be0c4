/**
 * projections/README.md defines every metric and works examples out by hand. This test holds the
 * page to the code: its definition tables name exactly the metrics the code computes, and its
 * worked examples, read from the page (the events, the window, the expected figures), are run
 * through the ledger's own fold and formulas, figure by figure.
 */
import { describe, expect, it } from "vitest"
import { type LedgerEvent, parseEvent } from "../events/index.js"
import {
  addDays,
  compareReps,
  coverageAt,
  type DayCounters,
  emptyCounters,
  foldAll,
  metricsOf,
  type RepWindow,
  startOfDay,
  sumCounters,
} from "../projections/index.js"
import { expectFigure, figureAt } from "./support/documentedFigures.js"
import { fencedBlocks, plainText, readDoc, records, section, tableWith } from "./support/markdown.js"

const doc = readDoc("projections/README.md")
const examples = section(doc, 2, "Worked examples").body

/** The events of an example's `json` block, each validated as the API would validate it. */
const eventsOf = (body: string): ReadonlyArray<LedgerEvent> => {
  const block = fencedBlocks(body).find((b) => b.lang === "json")
  if (block === undefined) throw new Error("the example has no json block of events")
  return (JSON.parse(block.text) as ReadonlyArray<unknown>).map((sent, index) => {
    const parsed = parseEvent(sent)
    if (!parsed.ok) throw new Error(`event ${index} of the example is invalid: ${JSON.stringify(parsed.issues)}`)
    return parsed.event
  })
}

/** The metric names of a definition table's first column (`dealsWon, dealsLost` names two). */
const metricNames = (title: string): ReadonlyArray<string> =>
  records(tableWith(section(doc, 2, title).body, ["metric"])).flatMap((row) =>
    row["metric"]!.split(",").map((name) => plainText(name).trim()),
  )

describe("projections/README.md", () => {
  const everyMetric = Object.keys(metricsOf(emptyCounters())).sort()
  const coverageFigures = [
    "openPipeline",
    "openDealsWithoutAmount",
    "qualifiedPipeline",
    "quota",
    "coverage",
    "qualifiedCoverage",
  ]

  it("defines exactly the metrics of a scorecard, each once", () => {
    const defined = [...metricNames("Activity (effort)"), ...metricNames("Outcomes"), ...metricNames("Effectiveness")]
    expect([...defined].sort()).toEqual(everyMetric)
  })

  it("defines the pipeline and coverage figures", () => {
    expect([...metricNames("Pipeline and coverage")].sort()).toEqual(
      [...coverageFigures, "requiredCoverage", "impliedLossRate"].sort(),
    )
  })

  describe("one rep's quarter", () => {
    const body = section(examples, 3, "Example: one rep's quarter").body
    const window = /\*\*Scorecard\*\*: rep `([^`]+)`, from `([\d-]+)` to `([\d-]+)`/.exec(body)
    const rows = records(tableWith(body, ["metric", "value", "worked out"]))

    it("works out every metric and coverage figure", () => {
      expect(rows.map((row) => row["metric"]).sort()).toEqual(
        [...everyMetric, ...coverageFigures, "requiredCoverage"].sort(),
      )
    })

    it("gives the figures the fold and the formulas give", () => {
      expect(window, "a line **Scorecard**: rep `…`, from `…` to `…`").not.toBeNull()
      const [, repId, from, to] = window!
      const state = foldAll(eventsOf(body))
      const { timeZone } = state.settings
      // A window is whole days in the team's zone; coverage is measured at its last instant.
      const start = new Date(startOfDay(from!, timeZone)).toISOString()
      const end = startOfDay(addDays(to!, 1), timeZone)
      const days = [...state.repDays.values()].filter((d) => d.repId === repId && d.day >= from! && d.day <= to!)
      const deals = [...state.deals.values()]
      const wonInWindow = deals.filter(
        (d) => d.ownerRepId === repId && d.status === "won" && d.closedAt! >= start && Date.parse(d.closedAt!) < end,
      )
      const metrics = metricsOf(sumCounters(days), wonInWindow)
      const coverage = coverageAt({
        deals,
        rep: state.reps.get(repId!),
        repId: repId!,
        settings: state.settings,
        at: new Date(end - 1).toISOString(),
      })
      const figures: Record<string, unknown> = { ...coverage, quota: coverage.quota?.amount ?? null, ...metrics }
      for (const row of rows) expectFigure(figures[row["metric"]!], row["value"]!, row["metric"]!)
    })
  })

  describe("a team of five", () => {
    const body = section(examples, 3, "Example: a team of five").body
    const windows = records(tableWith(body, ["rep", "activities"])).map(
      ({ rep, ...counts }): RepWindow => ({
        repId: rep!,
        totals: {
          ...emptyCounters(),
          ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
        } as DayCounters,
      }),
    )
    const comparison = compareReps(windows)

    it("places and ranks each rep as the page says", () => {
      const placed = records(tableWith(body, ["rep", "meetingYield", "quadrant", "rank"]))
      expect(placed.map((row) => row["rep"]).sort()).toEqual(windows.map((w) => w.repId).sort())
      for (const row of placed) {
        const rep = comparison.reps.find((r) => r.repId === row["rep"])!
        expectFigure(rep.metrics.meetingYield, row["meetingYield"]!, `${row["rep"]} meetingYield`)
        expectFigure(rep.quadrant, row["quadrant"]!, `${row["rep"]} quadrant`)
        expectFigure(rep.rank, row["rank"]!, `${row["rep"]} rank`)
      }
    })

    it("gives the team's medians and the top 20% against the rest", () => {
      for (const row of records(tableWith(body, ["team figure", "value"])))
        expectFigure(figureAt(comparison, row["team figure"]!), row["value"]!, row["team figure"]!)
    })
  })
})
