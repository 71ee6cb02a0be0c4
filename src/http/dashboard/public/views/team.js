/**
 * @module The team view, one cohort (role) at a time: the eligible reps' effort (activities) against
 * yield, sorted into the four quadrants at the cohort's medians; the ranking by outcome per activity
 * with each rate's 95% interval; and the top 20% against the rest. Reps not compared (joined late,
 * too little evidence) are listed with the reason and never plotted, so none stretches an axis.
 * Work recorded under vendor identities nobody has linked to a rep is listed apart (`unattributed`).
 */
import { getJson, query } from "../api.js"
import { effortYieldScatter } from "../charts.js"
import { h } from "../dom.js"
import { metricLabel } from "../format.js"
import { chartFigure, dataTable, empty, loadInto, quadrants, quadrantTag, windowPicker } from "./shared.js"

const yields = {
  meetingYield: { label: "Meetings per 100 activities", short: "Meetings / 100 activities" },
  heldMeetingYield: { label: "Held meetings per 100 activities", short: "Held meetings / 100 activities" },
  revenuePerActivity: { label: "Revenue per activity", short: "Revenue per activity" },
}

/** The cohorts (projections/cohorts.ts), what each can be placed and ranked by: BDRs never by deals they do not close. */
const cohorts = {
  AE: { label: "AEs", yields: ["meetingYield", "revenuePerActivity"] },
  BDR: { label: "BDRs", yields: ["heldMeetingYield", "meetingYield"] },
  manager: { label: "Managers", yields: ["revenuePerActivity", "meetingYield"] },
  other: { label: "Others", yields: ["meetingYield", "revenuePerActivity"] },
}
const closingRanks = ["winRate", "revenuePerActivity", "activitiesPerWin", "avgWonDeal", "secondMeetingRate"]
const openingRanks = ["meetingYield", "heldMeetingYield", "activitiesPerMeeting", "targetFocus"]
const rankChoicesOf = (role) => (role === "BDR" ? openingRanks : [...openingRanks, ...closingRanks])

export const renderTeam = (main, { context, f, teams, params, go }) => {
  const role = params.role in cohorts ? params.role : "AE"
  // Unset, the API answers the cohort's own defaults.
  const chosenYield = cohorts[role].yields.includes(params.yield) ? params.yield : undefined
  const chosenSort = rankChoicesOf(role).includes(params.sort) ? params.sort : undefined
  const windowParams = { from: params.from, to: params.to, team: params.team }
  const navigate = (changes) => go("team", { ...windowParams, role, yield: chosenYield, sort: chosenSort, ...changes })

  const heading = h("h1", { tabindex: "-1" }, "Team: effort against yield")
  const subtitle = h(
    "p",
    { class: "subtitle" },
    `${f.day(params.from)} – ${f.day(params.to)} · ${params.team || "All teams"}`,
  )
  const body = h("div", { class: "view-body" })
  main.append(
    h("div", { class: "view-head" }, heading, subtitle),
    windowPicker({ params, context, teams, onChange: (w) => navigate(w) }),
    body,
  )

  loadInto(
    body,
    "the team comparison",
    () =>
      Promise.all(
        Object.keys(cohorts).map((r) =>
          getJson(
            `/v1/team/comparison${query({ ...windowParams, role: r, ...(r === role ? { yield: chosenYield, sort: chosenSort } : {}) })}`,
          ),
        ),
      ),
    (answers) => {
      const comparison = answers[Object.keys(cohorts).indexOf(role)]
      body.append(cohortTabs(answers, role, navigate))
      const yieldBy = comparison.yieldBy
      const sort = comparison.rankBy
      const unattributed = unattributedSection(comparison.unattributed, f)
      if (unattributed !== null) body.append(unattributed)
      if (comparison.reps.length === 0) {
        body.append(
          empty(
            params.team
              ? `No ${cohorts[role].label} on team "${params.team}".`
              : `No ${cohorts[role].label} in the ledger.`,
            "Reps appear once a RepJoined event (or any activity) is appended.",
          ),
        )
        return
      }
      if (comparison.reps.every((rep) => rep.metrics.activities === 0)) {
        body.append(empty("No activity in this window.", "Choose another window: the presets above, or other dates."))
      }
      const formatYield = (value) => (yieldBy === "revenuePerActivity" ? f.currency(value) : f.decimal(value))
      body.append(teamGrid(comparison, { f, role, yieldBy, sort, formatYield, navigate, go, windowParams }))
    },
  )
}

/** One tab per cohort, each with how many reps it lists. */
const cohortTabs = (answers, role, navigate) =>
  h(
    "div",
    { class: "segmented cohort-tabs", role: "tablist", "aria-label": "Cohort" },
    Object.entries(cohorts).map(([key, cohort], index) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: "segment",
          "aria-selected": String(key === role),
          "data-cohort": key,
          "data-count": String(answers[index].reps.length),
          onclick: () => navigate({ role: key, yield: undefined, sort: undefined }),
        },
        `${cohort.label} (${answers[index].reps.length})`,
      ),
    ),
  )

/** "18.1–45.4": a rate's 95% interval in the metric's unit ("—" without one). */
const intervalText = (interval, format) =>
  interval ? `${format(interval.low)}–${interval.high === null ? "∞" : format(interval.high)}` : "—"

/**
 * The work of vendor identities nobody has linked to a rep (a dialer's user id, a calendar's email):
 * one line, and the identities in a small table; nothing when there is none.
 */
const unattributedSection = (unattributed, f) => {
  const identities = unattributed?.identities ?? []
  if (identities.length === 0) return null
  const shown = identities.slice(0, 10)
  const names =
    shown.map((i) => i.repId).join(", ") +
    (identities.length > shown.length ? ` and ${identities.length - shown.length} more` : "")
  return h(
    "section",
    { class: "card unattributed", id: "unattributed", "aria-labelledby": "unattributed-title" },
    h("h2", { id: "unattributed-title" }, "Unattributed"),
    h(
      "p",
      { class: "headline" },
      `${work(unattributed.totals, f)} from unlinked ${identities.length === 1 ? "identity" : "identities"}: ${names}.`,
    ),
    h(
      "details",
      {},
      h("summary", {}, `The ${identities.length === 1 ? "identity" : `${identities.length} identities`}`),
      h(
        "p",
        { class: "hint" },
        "Not ranked until linked to a rep (ledger reps link <repId> --source <vendor> --external-id <id>); the link credits the rep with their past work too.",
      ),
      dataTable({
        caption: "Unlinked identities in this window",
        className: "compact",
        rowKey: (identity) => identity.repId,
        columns: [
          { label: "Identity", value: (identity) => identity.repId, rowHeader: true, key: "identity" },
          { label: "Activities", value: (identity) => f.count(identity.activities), numeric: true, key: "activities" },
          {
            label: "Meetings booked",
            value: (identity) => f.count(identity.meetingsBooked),
            numeric: true,
            key: "meetingsBooked",
          },
          { label: "Deals won", value: (identity) => f.count(identity.dealsWon), numeric: true, key: "dealsWon" },
        ],
        rows: shown,
      }),
    ),
  )
}

/** "3 activities and 1 meeting booked": the effort, and the meetings when there are any. */
const work = (totals, f) => {
  const activities = `${f.count(totals.activities)} ${totals.activities === 1 ? "activity" : "activities"}`
  if (totals.meetingsBooked === 0) return activities
  return `${activities} and ${f.count(totals.meetingsBooked)} ${totals.meetingsBooked === 1 ? "meeting" : "meetings"} booked`
}

/** The top 20% by won value against the rest: the point of the product in one table. */
const contrastSection = ({ contrast, reps }, f) => {
  const nameOf = new Map(reps.map((r) => [r.repId, r.name]))
  const top = contrast.top
  const rest = contrast.rest
  const rows = [
    ["Activities per rep", (g) => f.count(g.activitiesPerRep)],
    ["Meetings per 100 activities", (g) => f.decimal(g.metrics.meetingYield)],
    ["Win rate", (g) => f.percent(g.metrics.winRate)],
    ["Average won deal", (g) => f.currency(g.metrics.avgWonDeal)],
    ["Revenue per activity", (g) => f.currency(g.metrics.revenuePerActivity)],
    ["Won value", (g) => f.currency(g.metrics.wonValue)],
  ]
  const fewer =
    top.activitiesPerRep !== null && rest.activitiesPerRep !== null && top.activitiesPerRep < rest.activitiesPerRep
  const headline =
    top.repIds.length === 0
      ? "No rep to compare yet."
      : `The top ${top.repIds.length === 1 ? "rep" : `${top.repIds.length} reps`} by won value made ${f.count(top.activitiesPerRep)} activities each against ${f.count(rest.activitiesPerRep)} for the rest${fewer ? " — fewer," : ","} and won ${f.currency(top.metrics.revenuePerActivity)} per activity against ${f.currency(rest.metrics.revenuePerActivity)}.`
  return h(
    "section",
    { class: "card contrast area-contrast", "aria-labelledby": "contrast-title" },
    h("h2", { id: "contrast-title" }, "Top 20% versus the rest"),
    h("p", { class: "headline" }, headline),
    dataTable({
      caption: `Top 20% by won value (${top.repIds.map((id) => nameOf.get(id) ?? id).join(", ") || "none"}) against the other ${rest.repIds.length} reps`,
      className: "compact",
      columns: [
        { label: "Measure", value: (row) => row[0], rowHeader: true },
        { label: `Top 20% (${top.repIds.length})`, value: (row) => row[1](top), numeric: true, key: "top" },
        { label: `The rest (${rest.repIds.length})`, value: (row) => row[1](rest), numeric: true, key: "rest" },
      ],
      rows,
    }),
  )
}

/** The scatter with the contrast beside it, and the ranking under both (ten columns need the page's width). */
const teamGrid = (comparison, { f, role, yieldBy, sort, formatYield, navigate, go, windowParams }) => {
  const choice = yields[yieldBy]
  const points = comparison.reps.map((rep) => ({
    eligible: rep.eligible,
    reason: rep.reason?.detail,
    repId: rep.repId,
    name: rep.name ?? rep.repId,
    activities: rep.metrics.activities,
    yield: rep.metrics[yieldBy],
    quadrant: rep.quadrant,
  }))
  // Only the compared reps are plotted: an ineligible rep's luck (1 call, 1 meeting) never sets an axis.
  const plotted = points.filter((p) => p.eligible && p.yield !== null)
  const unplotted = points.filter((p) => !p.eligible || p.yield === null)
  const counts = Object.keys(quadrants).map(
    (q) => `${plotted.filter((p) => p.quadrant === q).length} ${quadrants[q].label.toLowerCase()}`,
  )
  const { frame, canvas } = chartFigure({
    caption: `Effort against yield: ${plotted.length} reps, split at the team medians (${f.count(comparison.medians.activities)} activities, ${formatYield(comparison.medians.yield)} ${choice.short.toLowerCase()})`,
    description: `Scatter of ${plotted.length} reps, activities against ${choice.label.toLowerCase()}: ${counts.join(", ")}. The table beside it lists the same figures.`,
    className: "chart-scatter",
    id: "team-scatter",
  })
  frame.dataset.points = String(plotted.length)

  const toggle = h(
    "div",
    { class: "segmented", role: "group", "aria-label": "Yield measure" },
    cohorts[role].yields
      .map((key) => [key, yields[key]])
      .map(([key, c]) =>
        h(
          "button",
          {
            type: "button",
            class: "segment",
            "aria-pressed": String(key === yieldBy),
            onclick: () => navigate({ yield: key }),
          },
          c.label,
        ),
      ),
  )
  const sortSelect = h(
    "select",
    { "aria-label": "Rank reps by", onchange: (event) => navigate({ sort: event.target.value }) },
    rankChoicesOf(role).map((m) =>
      h("option", { value: m, ...(m === sort ? { selected: true } : {}) }, metricLabel[m]),
    ),
  )
  const repLink = (rep) =>
    h(
      "a",
      {
        href: `#/rep/${encodeURIComponent(rep.repId)}?${new URLSearchParams(Object.entries(windowParams).filter(([, v]) => v))}`,
      },
      rep.name ?? rep.repId,
    )
  const table = dataTable({
    caption: `Reps ranked by ${metricLabel[sort].toLowerCase()} (outcome per activity, never activity alone)`,
    className: "ranking",
    rowKey: (rep) => rep.repId,
    columns: [
      { label: "Rank", value: (rep) => (rep.rank === null ? "—" : String(rep.rank)), numeric: true, key: "rank" },
      { label: "Rep", value: repLink, key: "rep", rowHeader: false },
      { label: "Team", value: (rep) => rep.team ?? "—", key: "team" },
      { label: "Activities", value: (rep) => f.count(rep.metrics.activities), numeric: true, key: "activities" },
      {
        label: "Meetings booked",
        value: (rep) => f.count(rep.metrics.meetingsBooked),
        numeric: true,
        key: "meetingsBooked",
      },
      {
        label: "Meetings / 100 act.",
        title: "Meetings booked per 100 activities",
        value: (rep) => f.decimal(rep.metrics.meetingYield),
        numeric: true,
        key: "meetingYield",
      },
      {
        label: "95% interval",
        title: `The 95% interval of ${metricLabel[sort]?.toLowerCase() ?? sort}: the rank is decided by its unfavourable end`,
        value: (rep) =>
          intervalText(rep.intervals[sort], sort.endsWith("Rate") || sort === "targetFocus" ? f.percent : f.decimal),
        numeric: true,
        key: "interval",
      },
      { label: "Win rate", value: (rep) => f.percent(rep.metrics.winRate), numeric: true, key: "winRate" },
      { label: "Won value", value: (rep) => f.currency(rep.metrics.wonValue), numeric: true, key: "wonValue" },
      {
        label: "Revenue / activity",
        value: (rep) => f.currency(rep.metrics.revenuePerActivity),
        numeric: true,
        key: "revenuePerActivity",
      },
      { label: "Quadrant", value: (rep) => quadrantTag(rep.quadrant), key: "quadrant" },
      { label: "Compared", value: (rep) => (rep.eligible ? "Yes" : `No: ${rep.reason.detail}`), key: "eligible" },
    ],
    rows: comparison.reps,
  })
  const grid = h(
    "div",
    { class: "team-grid" },
    h(
      "section",
      { class: "card area-scatter", "aria-labelledby": "scatter-title" },
      h("div", { class: "card-head" }, h("h2", { id: "scatter-title" }, "Who works hard, who works well"), toggle),
      frame,
      unplotted.length > 0
        ? h(
            "p",
            { class: "hint", id: "unplotted" },
            `Not plotted: ${unplotted.map((p) => `${p.name} (${p.eligible ? "no yield" : p.reason})`).join("; ")}.`,
          )
        : null,
    ),
    contrastSection(comparison, f),
    h(
      "section",
      { class: "card area-ranking", "aria-labelledby": "ranking-title" },
      h(
        "div",
        { class: "card-head" },
        h("h2", { id: "ranking-title" }, "Ranking"),
        h("label", { class: "field field-inline" }, h("span", {}, "Rank by"), sortSelect),
        h(
          "a",
          {
            class: "button",
            id: "export-csv",
            download: "",
            href: `/v1/team/comparison${query({ ...windowParams, role, yield: yieldBy, sort, format: "csv" })}`,
          },
          "Export CSV",
        ),
      ),
      table,
    ),
  )
  // The chart needs its canvas in the document to measure its box.
  queueMicrotask(() =>
    effortYieldScatter(canvas, {
      reps: plotted,
      medians: comparison.medians,
      yieldLabel: choice.label,
      formatYield: yieldBy === "revenuePerActivity" ? f.currencyShort : f.decimal,
      formatEffort: f.count,
      onPick: (repId) => go("rep", windowParams, repId),
    }),
  )
  return grid
}
