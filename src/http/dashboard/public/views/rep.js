/**
 * @module The rep view: a rep's activity and outcomes over time, the funnel from dials to deals won
 * with the conversion at each step, coverage against the coverage this rep needs, and the rep's
 * target cadence and proactive pipeline beside the win rate.
 */
import { getJson, query } from "../api.js"
import { activityOutcomeSeries, coverageBars } from "../charts.js"
import { h } from "../dom.js"
import { chartFigure, empty, figure, loadInto, windowPicker } from "./shared.js"

const funnelSteps = [
  ["dials", "Dials"],
  ["connects", "Connects"],
  ["conversations", "Conversations"],
  ["meetingsBooked", "Meetings booked"],
  ["meetingsHeld", "Meetings held"],
  ["secondMeetings", "Second meetings"],
  ["dealsOpened", "Deals opened"],
  ["dealsWon", "Deals won"],
]

/** Proactive versus reactive beside the win rates: the pipeline the rep created, and how each kind wins. */
const proactiveFigure = ({ proactiveShare, created, found }, f) =>
  figure(
    "Proactive pipeline",
    f.percent(proactiveShare),
    `created deals win ${f.percent(created.winRate)} · found ${f.percent(found.winRate)}`,
  )

const daysBetween = (from, to) => (Date.parse(to) - Date.parse(from)) / 86_400_000

export const renderRep = (main, { context, f, teams, params, id, go }) => {
  const windowParams = { from: params.from, to: params.to, team: params.team }
  const bucket = ["week", "month"].includes(params.bucket)
    ? params.bucket
    : daysBetween(params.from, params.to) > 120
      ? "month"
      : "week"
  const navigate = (changes) => go("rep", { ...windowParams, bucket: params.bucket, ...changes }, id)
  const backToTeam = `#/team?${new URLSearchParams(Object.entries(windowParams).filter(([, v]) => v))}`

  const heading = h("h1", { tabindex: "-1" }, id ?? "Rep")
  const subtitle = h("p", { class: "subtitle" }, `${f.day(params.from)} – ${f.day(params.to)}`)
  const bucketSelect = h(
    "select",
    { name: "bucket", onchange: (event) => navigate({ bucket: event.target.value }) },
    [
      ["week", "By week"],
      ["month", "By month"],
    ].map(([value, label]) => h("option", { value, ...(value === bucket ? { selected: true } : {}) }, label)),
  )
  const body = h("div", { class: "view-body" })
  main.append(
    h("p", { class: "crumbs" }, h("a", { href: backToTeam }, "← Team")),
    h("div", { class: "view-head" }, heading, subtitle),
    windowPicker({
      params,
      context,
      teams,
      onChange: (w) => navigate(w),
      extra: [h("label", { class: "field" }, h("span", {}, "Series"), bucketSelect)],
    }),
    body,
  )

  loadInto(
    body,
    "the scorecard",
    () =>
      getJson(
        `/v1/reps/${encodeURIComponent(id ?? "")}/scorecard${query({ from: params.from, to: params.to, bucket })}`,
      ),
    (scorecard) => {
      const rep = scorecard.rep
      heading.textContent = rep.name ?? rep.repId
      subtitle.textContent = `${[rep.role, rep.team ? `team ${rep.team}` : null, rep.active ? null : "left the team"].filter(Boolean).join(" · ")} · ${f.day(params.from)} – ${f.day(params.to)}`
      document.title = `${rep.name ?? rep.repId} · Outcome Ledger`
      const m = scorecard.metrics
      body.append(
        h(
          "section",
          { class: "kpis", "aria-label": "Headline figures" },
          figure("Activities", f.count(m.activities), `${f.count(m.dials)} dials · ${f.count(m.emails)} emails`),
          figure("Meetings booked", f.count(m.meetingsBooked), `${f.decimal(m.meetingYield)} per 100 activities`),
          figure("Win rate", f.percent(m.winRate), `${f.count(m.dealsWon)} won · ${f.count(m.dealsLost)} lost`),
          figure("Won value", f.currency(m.wonValue), `${f.currency(m.avgWonDeal)} average deal`),
          figure(
            "Revenue per activity",
            f.currency(m.revenuePerActivity),
            `${f.decimal(m.activitiesPerWin)} activities per win`,
          ),
          figure("Target focus", f.percent(m.targetFocus), `badgering ${f.percent(m.badgeringShare)}`),
          figure(
            "Target cadence",
            f.percent(scorecard.targets.averageCadence),
            "of the rep's target list worked, a month on average",
          ),
          proactiveFigure(scorecard.proactive, f),
        ),
      )
      if (m.activities === 0 && m.meetingsHeld === 0 && m.dealsWon + m.dealsLost === 0) {
        body.append(empty("No activity or outcome for this rep in the window.", "Choose another window above."))
      }
      // The bucket that ends today is not over: said so, lest its lower bars read as a collapse.
      const labels = scorecard.series.map((s, index) => {
        const label = bucket === "month" ? f.month(s.from) : f.shortDay(s.from)
        const toDate = index === scorecard.series.length - 1 && s.to === context.today
        return toDate ? `${label} (to ${f.shortDay(s.to)})` : label
      })
      const { frame, canvas } = chartFigure({
        caption: `Activity and outcomes by ${bucket}`,
        description: `Bars: activities per ${bucket} (dials, emails, touches); lines: meetings booked and deals won per ${bucket}, over ${scorecard.series.length} ${bucket}s.`,
        className: "chart-series",
        id: "rep-series",
      })
      const coverage = coverageSection(scorecard.coverage, f)
      body.append(
        h(
          "div",
          { class: "rep-grid" },
          h("section", { class: "card card-wide", "aria-label": "Over time" }, frame),
          coverage.section,
        ),
        funnelSection(m, f),
      )
      queueMicrotask(() => {
        activityOutcomeSeries(canvas, { labels, series: scorecard.series, formatCount: f.count })
        coverage.draw()
      })
    },
  )
}

/** The funnel as a list (readable without the bars): each step's count, and its conversion from the step before. */
const funnelSection = (m, f) => {
  const max = Math.max(1, ...funnelSteps.map(([key]) => m[key]))
  return h(
    "section",
    { class: "card", "aria-labelledby": "funnel-title" },
    h("h2", { id: "funnel-title" }, "Funnel"),
    h(
      "p",
      { class: "hint" },
      "Each step's count in the window, and what share of the step before it turned into. A step can exceed the one before: meetings come from emails as well as calls, and BDRs book meetings that AEs hold.",
    ),
    h(
      "ol",
      { class: "funnel", id: "funnel" },
      funnelSteps.map(([key, label], index) => {
        const previous = index === 0 ? null : funnelSteps[index - 1]
        const conversion = previous === null || m[previous[0]] === 0 ? null : m[key] / m[previous[0]]
        const bar = h("span", { class: "funnel-bar", "aria-hidden": "true" })
        bar.style.width = `${Math.max(0.5, (100 * m[key]) / max)}%`
        return h(
          "li",
          { class: "funnel-step", "data-step": key },
          h("span", { class: "funnel-label" }, label),
          h("span", { class: "funnel-track" }, bar),
          h("span", { class: "funnel-count num" }, f.count(m[key])),
          h(
            "span",
            { class: "funnel-conversion num", "data-conversion": conversion === null ? "" : String(conversion) },
            previous === null
              ? ""
              : conversion === null
                ? "—"
                : `${f.percent(conversion)} of ${previous[1].toLowerCase()}`,
          ),
        )
      }),
    ),
  )
}

/** Coverage at the window's end against requiredCoverage (1 / value win rate of the trailing year). */
const coverageSection = (c, f) => {
  const { frame, canvas } = chartFigure({
    caption: "Coverage against what this rep needs",
    description: `Coverage ${f.multiple(c.coverage)}, qualified coverage ${f.multiple(c.qualifiedCoverage)}, required coverage ${f.multiple(c.requiredCoverage)}.`,
    className: "chart-coverage",
    id: "rep-coverage",
  })
  let verdict
  if (c.quota === null) verdict = `No quota in force on ${f.day(c.at.slice(0, 10))}: coverage needs one (a QuotaSet).`
  else if (c.coverage === null)
    verdict = `Quota met: won ${f.currency(c.wonValue)} of ${f.currency(c.quota.amount)} in ${c.quota.period}, nothing left to cover.`
  else if (c.requiredCoverage === null)
    verdict = `Coverage ${f.multiple(c.coverage)}; required coverage is unknown until a deal closes.`
  else if (c.coverage >= c.requiredCoverage)
    verdict = `Covered: ${f.multiple(c.coverage)} of the quota left, against the ${f.multiple(c.requiredCoverage)} this rep's own win rate needs.`
  else
    verdict = `Short: ${f.multiple(c.coverage)} of the quota left, against the ${f.multiple(c.requiredCoverage)} this rep's own win rate needs.`
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "coverage-title", id: "coverage" },
    h("h2", { id: "coverage-title" }, "Coverage"),
    h("p", { class: "headline" }, verdict),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Quota"),
      h("dd", {}, c.quota === null ? "—" : `${f.currency(c.quota.amount)} (${c.quota.period})`),
      h("dt", {}, "Won so far"),
      h("dd", {}, f.currency(c.wonValue)),
      h("dt", {}, "Open pipeline"),
      h("dd", {}, f.currency(c.openPipeline)),
      h("dt", {}, "Qualified pipeline"),
      h("dd", {}, f.currency(c.qualifiedPipeline)),
      h("dt", {}, "Required coverage"),
      h("dd", {}, f.multiple(c.requiredCoverage)),
    ),
    frame,
  )
  const draw = () =>
    coverageBars(canvas, {
      bars: [
        { label: "Coverage", value: c.coverage, color: "#1d4ed8" },
        { label: "Qualified coverage", value: c.qualifiedCoverage, color: "#60a5fa" },
        { label: "Required coverage", value: c.requiredCoverage, color: "#c2410c" },
      ],
      formatMultiple: f.multiple,
    })
  return { section, draw }
}
