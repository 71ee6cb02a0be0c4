/**
 * src/whatif/README.md is the what-if's one document. Its section "How each figure is computed" is,
 * word for word, the specification the API serves as the route's OpenAPI description
 * (src/whatif/formulas.ts); its worked example, read from the page (the events, the request, the
 * expected figures), is run through the replay's own measuring code, figure by figure.
 */
import { describe, expect, it } from "vitest"
import { type LedgerEvent, parseEvent } from "../events/index.js"
import { coverageWhatIfFormulas } from "../src/whatif/formulas.js"
import { parseWhatIfCoverage } from "../src/whatif/request.js"
import { expectFigure, figureAt } from "./support/documentedFigures.js"
import { fencedBlocks, readDoc, records, section, tableWith } from "./support/markdown.js"
import { measureOnLog } from "./support/whatIfOracle.js"

const doc = readDoc("src/whatif/README.md")

describe("src/whatif/README.md", () => {
  it("specifies every figure exactly as the API's description of the route does", () => {
    // Line for line; blank lines aside, which the Markdown formatter adds before lists.
    const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "")
    expect(lines(section(doc, 2, "How each figure is computed").body)).toEqual(lines(coverageWhatIfFormulas))
  })

  describe("its worked example", () => {
    const body = section(doc, 2, "Worked example").body
    const [eventsBlock, requestBlock] = fencedBlocks(body).filter((block) => block.lang === "json")
    const events = (JSON.parse(eventsBlock!.text) as ReadonlyArray<unknown>).map((sent, index): LedgerEvent => {
      const parsed = parseEvent(sent)
      if (!parsed.ok) throw new Error(`event ${index} of the example is invalid: ${JSON.stringify(parsed.issues)}`)
      return parsed.event
    })
    const request = parseWhatIfCoverage(JSON.parse(requestBlock!.text))
    if (!request.ok) throw new Error(`the example's request is invalid: ${JSON.stringify(request.issues)}`)
    const measured = measureOnLog({ events }, request.request)
    if (!measured.ok) throw new Error(`the example is refused: ${JSON.stringify(measured.issue)}`)
    const periodName = /\*\*Figures\*\* of each rep in the period `([^`]+)`/.exec(body)?.[1]
    const period = measured.answer.periods.find((p) => p.period === periodName)

    it("measures the period the page names", () => {
      expect(period, `a period ${periodName}`).toBeDefined()
    })

    it("gives each rep's figures", () => {
      const table = tableWith(body, ["figure"])
      const repIds = table.header.filter((name) => name !== "figure" && name !== "worked out")
      expect(repIds).toEqual(period!.reps.map((rep) => rep.repId))
      for (const row of records(table))
        for (const repId of repIds) {
          const rep = period!.reps.find((r) => r.repId === repId)
          expectFigure(figureAt(rep, row["figure"]!), row[repId]!, `${repId} ${row["figure"]}`)
        }
    })

    it("gives the team's totals and back-test", () => {
      for (const row of records(tableWith(body, ["team figure", "value"])))
        expectFigure(figureAt(period!.totals, row["team figure"]!), row["value"]!, row["team figure"]!)
    })
  })
})
