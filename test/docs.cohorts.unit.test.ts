/**
 * projections/README.md "Cohorts, evidence and rollups" defines the comparison's figures and works
 * examples out by hand. This test holds the section to the code: its tables of settings, defaults
 * and kinds of evidence say what the code does, and its worked examples, read from the page (the
 * team, the window, the expected figures), are run through the ledger's own functions, figure by
 * figure, to the precision the page writes them with.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { defaultTeamSettings } from "../events/index.js"
import {
  type Cohort,
  cohortDefaults,
  compareCohort,
  type DayCounters,
  type DealRow,
  defaultEvidenceSettings,
  emptyCounters,
  figureChanges,
  metricEvidence,
  metricsOf,
  originatedBySource,
  periodStart,
  previousWindow,
  quotaAttainment,
  type RankingMetric,
  type RepRow,
  type RepWindow,
  type RosterRep,
} from "../projections/index.js"

const readme = readFileSync(new URL("../projections/README.md", import.meta.url), "utf8")

/** The text under a heading, up to the next heading of the same or a higher level. */
const section = (markdown: string, heading: string): string => {
  const lines = markdown.split("\n")
  const level = heading.indexOf(" ")
  const start = lines.findIndex((line) => line.trim() === heading)
  if (start === -1) throw new Error(`no "${heading}" section`)
  const end = lines.findIndex((line, index) => index > start && /^#{1,6} /.test(line) && line.indexOf(" ") <= level)
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n")
}

type Row = Readonly<Record<string, string>>

/** Every table of the text, as rows keyed by the header's cells (code spans unwrapped). */
const tables = (markdown: string): ReadonlyArray<ReadonlyArray<Row>> => {
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim().replaceAll("`", ""))
  const found: Array<Array<Row>> = []
  const lines = markdown.split("\n")
  for (let index = 0; index + 1 < lines.length; index++) {
    if (!lines[index]!.trim().startsWith("|") || !/^\|?\s*:?-{3,}/.test(lines[index + 1]!.trim())) continue
    const header = cells(lines[index]!)
    const rows: Array<Row> = []
    for (index += 2; index < lines.length && lines[index]!.trim().startsWith("|"); index++)
      rows.push(Object.fromEntries(cells(lines[index]!).map((cell, column) => [header[column], cell])))
    found.push(rows)
  }
  return found
}

/** The table whose header has these columns. */
const tableWith = (markdown: string, columns: ReadonlyArray<string>): ReadonlyArray<Row> => {
  const table = tables(markdown).find((rows) => columns.every((column) => rows[0]?.[column] !== undefined))
  if (table === undefined) throw new Error(`no table with columns ${columns.join(", ")}`)
  return table
}

const numberOf = (text: string): number => Number(text.replaceAll(",", ""))

/** Whether the page's figure (as written: "0.308", "—", "focused", "mia, ana") is what the code gives. */
const expectFigure = (actual: unknown, written: string, what: string): void => {
  const shown =
    actual !== null && typeof actual === "object" && "kind" in actual
      ? (actual as { kind: string }).kind
      : Array.isArray(actual)
        ? actual.join(", ")
        : actual
  if (written === "—") expect(shown, what).toBeNull()
  else if (/^-?[\d,]+(\.\d+)?$/.test(written)) {
    const decimals = written.split(".")[1]?.length ?? 0
    expect(typeof shown, what).toBe("number")
    expect(Math.abs((shown as number) - numberOf(written)), what).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9)
  } else expect(shown, what).toBe(written)
}

const doc = section(readme, "## Cohorts, evidence and rollups")

describe("projections/README.md: cohorts, evidence and rollups", () => {
  it("gives each cohort the defaults the code uses", () => {
    const rows = tableWith(section(doc, "### Cohorts"), ["cohort", "yield (quadrants)"])
    expect(rows.map((row) => row["cohort"]).sort()).toEqual(Object.keys(cohortDefaults).sort())
    for (const row of rows)
      expect(cohortDefaults[row["cohort"] as Cohort]).toEqual({
        yieldBy: row["yield (quadrants)"],
        rankBy: row["ranked by, unless asked"],
        topBy: row["top 20% by"],
      })
  })

  it("lists every evidence setting with its default", () => {
    const rows = tableWith(section(doc, "### Eligibility"), ["setting", "default"])
    expect(Object.fromEntries(rows.map((row) => [row["setting"], numberOf(row["default"]!)]))).toEqual(
      defaultEvidenceSettings,
    )
  })

  it("sorts every ranking metric into its kind of evidence, as the code does", () => {
    const rows = tableWith(section(doc, "### Evidence: ranking by an interval"), ["kind", "metrics"])
    const kindOf = { "count rate": "countRate", "inverse count rate": "inverseCountRate", "value figure": "value" }
    const documented = rows.flatMap((row) =>
      row["metrics"]!.split(",").map((metric) => [metric.trim(), kindOf[row["kind"] as keyof typeof kindOf]]),
    )
    expect(Object.fromEntries(documented)).toEqual(
      Object.fromEntries(Object.entries(metricEvidence).map(([metric, evidence]) => [metric, evidence.kind])),
    )
  })

  describe("example: a month of a team, cohort by cohort", () => {
    const body = section(doc, "### Example: a month of a team, cohort by cohort")
    const [, start, end] = /from `([^`]+)` to `([^`]+)`/.exec(body) ?? []
    const team = tableWith(body, ["rep", "role", "joined"])
    const roster: ReadonlyArray<RosterRep> = team.map((row) => ({
      repId: row["rep"]!,
      role: row["role"] as RosterRep["role"],
      joinedAt: row["joined"]!,
      leftAt: row["left"] || null,
      managerRepId: row["manager"] || null,
    }))
    const counters = Object.keys(team[0]!).filter((column) => column in emptyCounters()) as Array<keyof DayCounters>
    const windows: ReadonlyArray<RepWindow> = team.map((row) => ({
      repId: row["rep"]!,
      totals: { ...emptyCounters(), ...Object.fromEntries(counters.map((name) => [name, numberOf(row[name]!)])) },
    }))

    it.each(tableWith(body, ["figure", "value", "worked out"]))("$figure is $value", (row) => {
      const [, cohort, rankBy, path] = /^(\w+)(?: by (\w+))?: (.+)$/.exec(row["figure"]!) ?? []
      const view = compareCohort({
        cohort: cohort as Cohort,
        roster,
        windows,
        window: { start: start!, end: end! },
        ...(rankBy === undefined ? {} : { rankBy: rankBy as RankingMetric }),
      })
      const [list, repId, ...rest] = path!.split(".")
      let value: unknown =
        list === "reps" || list === "ranking" ? view[list].find((entry) => entry.repId === repId) : view
      for (const key of list === "reps" || list === "ranking" ? rest : path!.split("."))
        value = (value as Record<string, unknown> | undefined)?.[key]
      expectFigure(value, row["value"]!, row["figure"]!)
    })
  })

  describe("example: quota attainment", () => {
    const body = section(doc, "### Example: quota attainment")
    const [, from, to] = /from `([^`]+)` to\s+`([^`]+)`/.exec(body) ?? []
    const quotas = tableWith(body, ["seller", "period", "quota"])
    const reps: ReadonlyArray<Pick<RepRow, "repId" | "quotas">> = [...new Set(quotas.map((row) => row["seller"]!))].map(
      (repId) => ({
        repId,
        quotas: Object.fromEntries(
          quotas.filter((row) => row["seller"] === repId).map((row) => [row["period"]!, numberOf(row["quota"]!)]),
        ),
      }),
    )
    // What each seller won in a period, as one deal won two weeks into it.
    const deals: ReadonlyArray<DealRow> = quotas
      .filter((row) => numberOf(row["wonValue"]!) > 0)
      .map((row, index) => {
        const closedAt = new Date(periodStart(row["period"]!, "UTC")! + 14 * 86_400_000).toISOString()
        return {
          dealId: `d${index}`,
          ownerRepId: row["seller"]!,
          accountId: "acme",
          amount: numberOf(row["wonValue"]!),
          currency: null,
          source: "outbound",
          originatorRepId: null,
          expectedCloseDate: null,
          status: "won",
          openedAt: "2026-01-05T09:00:00Z",
          closedAt,
          onTargetAccount: false,
          qualifiedAt: null,
          stage: null,
        }
      })
    const attainment = quotaAttainment({ reps, deals, settings: defaultTeamSettings, from: from!, to: to! })

    it.each(tableWith(body, ["figure", "value", "worked out"]))("$figure is $value", (row) => {
      const words = row["figure"]!.split(" ")
      const period = words.length === 2 ? attainment.periods.find((p) => p.period === words[0]) : attainment
      let value: unknown = period
      for (const key of words.at(-1)!.split(".")) value = (value as Record<string, unknown> | undefined)?.[key]
      expectFigure(value, row["value"]!, row["figure"]!)
    })
  })

  describe("example: change over time and attribution", () => {
    const body = section(doc, "### Example: change over time and attribution")

    it("compares with the window of the same length just before", () => {
      const [, from, to, previousFrom, previousTo] =
        /\(`([\d-]+)` to `([\d-]+)`\)[^(]*\(`([\d-]+)` to `([\d-]+)`\)/.exec(body) ?? []
      expect(previousWindow({ from: from!, to: to! })).toEqual({ from: previousFrom, to: previousTo })
    })

    const changes = tableWith(body, ["figure", "November", "October", "change"])
    const countersOf = (column: string): DayCounters => ({
      ...emptyCounters(),
      ...Object.fromEntries(
        changes
          .filter((row) => row["figure"]! in emptyCounters())
          .map((row) => [row["figure"], numberOf(row[column]!)]),
      ),
    })
    const figures = figureChanges(metricsOf(countersOf("November")), metricsOf(countersOf("October")))

    it.each(changes)("$figure: $November against $October", (row) => {
      const change = figures[row["figure"] as keyof typeof figures]
      expectFigure(change.value, row["November"]!, `${row["figure"]} now`)
      expectFigure(change.previous, row["October"]!, `${row["figure"]} before`)
      expectFigure(change.change, row["change"]!, `${row["figure"]} change`)
    })

    const deals: ReadonlyArray<DealRow> = tableWith(body, ["deal", "originator", "source"]).map((row) => {
      const outcome = row["outcome"] as "won" | "lost" | "open"
      return {
        dealId: row["deal"]!,
        ownerRepId: "ana",
        accountId: "acme",
        amount: numberOf(row["amount"]!),
        currency: null,
        source: row["source"] as DealRow["source"],
        originatorRepId: row["originator"]!,
        expectedCloseDate: null,
        status: outcome,
        openedAt: "2026-11-10T09:00:00Z",
        closedAt: outcome === "open" ? null : "2026-11-20T09:00:00Z",
        onTargetAccount: false,
        qualifiedAt: null,
        stage: null,
      }
    })
    const attribution = originatedBySource(deals, { start: "2026-11-01T00:00:00Z", end: "2026-12-01T00:00:00Z" })

    it.each(tableWith(body, ["figure", "value", "worked out"]))("$figure is $value", (row) => {
      const [who, line, field] = row["figure"]!.split(" ") as [string, string, string]
      const split = who === "team" ? attribution.team : attribution.byOriginator.find((o) => o.repId === who)
      const figures = line === "total" ? split?.total : split?.bySource[line as DealRow["source"]]
      expectFigure(figures?.[field as keyof typeof figures], row["value"]!, row["figure"]!)
    })
  })
})
