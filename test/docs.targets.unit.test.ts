/**
 * projections/README.md defines `targetCadence` and `proactiveShare` and works a seller's month out
 * by hand. This test holds that page to the code: the definition table names both figures, and
 * the example's events, read from the page, are folded and measured with the ledger's own
 * functions, figure by figure.
 */
import { describe, expect, it } from "vitest"
import { type LedgerEvent, parseEvent } from "../events/index.js"
import { type DealRow, dealOriginAmong, foldAll, proactiveFigures, targetCadenceByMonth } from "../projections/index.js"
import { expectFigure, figureAt } from "./support/documentedFigures.js"
import { fencedBlocks, plainText, readDoc, records, section, tableWith } from "./support/markdown.js"

const doc = readDoc("projections/README.md")
const targets = section(doc, 2, "Target lists that belong to sellers").body

describe("projections/README.md on target lists", () => {
  it("defines targetCadence and proactiveShare", () => {
    const defined = records(tableWith(targets, ["metric", "definition"])).map((row) => plainText(row["metric"]!))
    expect(defined).toEqual(["targetCadence", "proactiveShare"])
  })

  describe("a seller's month", () => {
    const body = section(targets, 3, "Example: a seller's month").body
    const header = /\*\*Target list\*\*: seller `([^`]+)`, months `([\d-]+)` and `([\d-]+)`, lookback (\d+) days/.exec(
      body,
    )
    const block = fencedBlocks(body).find((b) => b.lang === "json")
    const events = (JSON.parse(block?.text ?? "[]") as ReadonlyArray<unknown>).map((sent, index): LedgerEvent => {
      const parsed = parseEvent(sent)
      if (!parsed.ok) throw new Error(`event ${index} of the example is invalid: ${JSON.stringify(parsed.issues)}`)
      return parsed.event
    })

    it("gives the figures the fold and the formulas give", () => {
      expect(header, "a line **Target list**: seller `…`, months `…` and `…`, lookback … days").not.toBeNull()
      const [, repId, first, last, lookback] = header!
      const state = foldAll(events)
      const settings = { timeZone: state.settings.timeZone, proactiveLookbackDays: Number(lookback) }
      const months = targetCadenceByMonth(
        {
          accounts: state.accounts.values(),
          repId: repId!,
          repAccounts: state.repAccounts.values(),
          meetings: state.meetings.values(),
          timeZone: settings.timeZone,
        },
        [first!, last!],
      )
      const proactive = proactiveFigures(
        state.deals.values(),
        (deal: DealRow) => dealOriginAmong(deal, state.repAccounts, settings),
        { start: `${first}-01T00:00:00.000Z`, end: "2026-05-01T00:00:00.000Z" },
      )
      const answer = { ...Object.fromEntries(months.map((m) => [m.month, m])), ...proactive }
      const rows = records(tableWith(body, ["figure", "value", "worked out"]))
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) expectFigure(figureAt(answer, row["figure"]!), row["value"]!, row["figure"]!)
    })
  })
})
