/**
 * @module The what-if view: pick a flat coverage mandate (2x–10x) and replay history under it
 * (`POST /v1/what-if/coverage`): per rep, the gap to the mandate, the extra activity it demands at
 * the rep's own rates, the losses it plans for, and the back-test — did reps who met the mandate at
 * a period's start hit quota more often than those who did not? Each figure sits beside the same
 * figure for the rep's own required coverage.
 */
import { ApiError, postJson } from "../api.js"
import { whatIfBars } from "../charts.js"
import { h, replace } from "../dom.js"
import { chartFigure, dataTable, empty, figure, loadInto, windowPicker } from "./shared.js"

const minTarget = 2
const maxTarget = 10

const targetOf = (value) => {
  const n = Number(value)
  return Number.isFinite(n) && n >= minTarget && n <= maxTarget ? n : 4
}

export const renderWhatIf = (main, { context, f, teams, params, go }) => {
  const target = targetOf(params.target)
  const period = params.period === "month" ? "month" : "quarter"
  const qualifiedOnly = params.qualifiedOnly === "true"
  const excludeBadgering = params.excludeBadgering === "true"
  const windowParams = { from: params.from, to: params.to, team: params.team }
  const state = { target, period, qualifiedOnly, excludeBadgering }
  const navigate = (changes) => {
    const next = { ...windowParams, ...state, ...changes }
    go("what-if", {
      ...next,
      qualifiedOnly: next.qualifiedOnly ? "true" : "",
      excludeBadgering: next.excludeBadgering ? "true" : "",
    })
  }
  const multiple = (n) => `${f.decimal(n).replace(/\.0$|,0$/, "")}×`
  const lossOf = (n) => 1 - 1 / n

  const output = h("output", { for: "coverage-target", class: "target-value", id: "target-value" }, multiple(target))
  const lossNote = h(
    "span",
    { class: "hint", id: "target-loss" },
    `plans to lose ${f.percent(lossOf(target))} of the pipeline it asks for`,
  )
  const slider = h("input", {
    id: "coverage-target",
    type: "range",
    min: String(minTarget),
    max: String(maxTarget),
    step: "0.5",
    value: String(target),
    "aria-valuetext": `${target} times the quota left`,
    oninput: (event) => {
      const value = Number(event.target.value)
      output.textContent = multiple(value)
      lossNote.textContent = `plans to lose ${f.percent(lossOf(value))} of the pipeline it asks for`
      event.target.setAttribute("aria-valuetext", `${value} times the quota left`)
    },
    onchange: (event) => navigate({ target: Number(event.target.value) }),
  })
  const periodSelect = h(
    "select",
    { name: "period", onchange: (event) => navigate({ period: event.target.value }) },
    [
      ["quarter", "Quarters"],
      ["month", "Months"],
    ].map(([value, label]) => h("option", { value, ...(value === period ? { selected: true } : {}) }, label)),
  )
  const checkbox = (name, label, checked, hint) =>
    h(
      "label",
      { class: "check", title: hint },
      h("input", {
        type: "checkbox",
        name,
        ...(checked ? { checked: true } : {}),
        onchange: (event) => navigate({ [name]: event.target.checked }),
      }),
      h("span", {}, label),
    )

  const body = h("div", { class: "view-body" })
  main.append(
    h(
      "div",
      { class: "view-head" },
      h("h1", { tabindex: "-1" }, "What-if: a flat coverage mandate"),
      h(
        "p",
        { class: "subtitle" },
        `${f.day(params.from)} – ${f.day(params.to)} · ${params.team || "All teams"} · replayed from the event log`,
      ),
    ),
    windowPicker({
      params,
      context,
      teams,
      onChange: (w) => navigate(w),
      extra: [h("label", { class: "field" }, h("span", {}, "Periods"), periodSelect)],
    }),
    h(
      "section",
      { class: "card target-card", "aria-label": "Coverage target" },
      h("label", { for: "coverage-target", class: "target-label" }, "Coverage target"),
      h(
        "div",
        { class: "target-control" },
        h("span", { class: "hint", "aria-hidden": "true" }, `${minTarget}×`),
        slider,
        h("span", { class: "hint", "aria-hidden": "true" }, `${maxTarget}×`),
        output,
      ),
      lossNote,
      h(
        "div",
        { class: "rules" },
        checkbox(
          "qualifiedOnly",
          "Count only qualified pipeline",
          qualifiedOnly,
          "Only deals whose account had a second meeting count toward the mandate",
        ),
        checkbox(
          "excludeBadgering",
          "Leave badgering out of activity rates",
          excludeBadgering,
          "Activities aimed at people who said no are not priced as effort",
        ),
      ),
    ),
    body,
  )

  const request = {
    coverageTarget: target,
    from: params.from,
    to: params.to,
    period,
    ...(params.team ? { team: params.team } : {}),
    rules: { qualifiedOnly, excludeBadgering },
  }
  loadInto(
    body,
    "the replay (every event, under the mandate)",
    () =>
      postJson("/v1/what-if/coverage", request).catch((error) => {
        if (error instanceof ApiError && error.status === 404) return { unavailable: true }
        if (error instanceof ApiError && error.status === 400) return { refused: error }
        throw error
      }),
    (answer) => {
      if (answer.unavailable) {
        body.append(
          empty(
            "What-if unavailable: this server has no what-if replay (POST /v1/what-if/coverage answered 404).",
            "Upgrade the ledger to a version with the what-if coverage replay.",
          ),
        )
        return
      }
      if (answer.refused) {
        body.append(empty(`Nothing to replay: ${answer.refused.message}`, "Choose another window or team above."))
        return
      }
      renderAnswer(body, answer, { f, multiple, target, lastYear: () => navigate(context.presets.lastFourQuarters) })
    },
  )
}

const renderAnswer = (body, answer, { f, multiple, target, lastYear }) => {
  const label = multiple(target)
  const { mandate, repTarget, backTest } = answer.totals
  const periods = answer.periods
  body.dataset.coverageTarget = String(answer.mandate.coverageTarget)
  body.append(
    h(
      "p",
      { class: "headline lead" },
      `A ${label} mandate plans to lose ${f.percent(answer.mandate.impliedLossRate)} of the pipeline it asks for. Over ${periods.length} ${answer.request.period}${periods.length === 1 ? "" : "s"} it would have asked for ${f.currency(mandate.gap)} more pipeline than reps had — ${f.count(mandate.extraActivities)} extra activities at their own rates.`,
    ),
    h(
      "section",
      { class: "kpis", "aria-label": "Totals over the window", id: "what-if-totals" },
      figure("Pipeline gap", f.currency(mandate.gap), `own required coverage: ${f.currency(repTarget.gap)}`),
      figure(
        "Extra activities demanded",
        f.count(mandate.extraActivities),
        `own required coverage: ${f.count(repTarget.extraActivities)}`,
      ),
      figure(
        "Extra meetings",
        f.count(mandate.extraMeetings),
        `own required coverage: ${f.count(repTarget.extraMeetings)}`,
      ),
      figure(
        "Expected lost value",
        f.currency(mandate.expectedLostValue),
        `${f.count(mandate.expectedLostDeals)} deals planned to be lost`,
      ),
    ),
    backTestSection(
      backTest,
      f,
      label,
      answer.totals.scenarios[0]?.verdict ?? "",
      periods.some((p) => p.over) ? undefined : lastYear,
    ),
  )
  if (periods.length === 0) {
    body.append(empty("No period in this window.", "Widen the window above."))
    return
  }
  const periodChoice = h("div", { class: "period-detail" })
  const periodSelect = h(
    "select",
    { "aria-label": "Period shown per rep", onchange: (event) => showPeriod(periods[Number(event.target.value)]) },
    periods.map((p, index) =>
      h(
        "option",
        { value: String(index), ...(index === periods.length - 1 ? { selected: true } : {}) },
        `${p.period}${p.over ? "" : " (in progress)"}`,
      ),
    ),
  )
  body.append(
    h(
      "section",
      { class: "card", "aria-labelledby": "per-rep-title" },
      h(
        "div",
        { class: "card-head" },
        h("h2", { id: "per-rep-title" }, "Per rep, at the period's start"),
        h("label", { class: "field field-inline" }, h("span", {}, "Period"), periodSelect),
      ),
      periodChoice,
    ),
  )
  const showPeriod = (p) => {
    // Most demanded first: where the mandate asks the most extra activity, the story is.
    const demanded = (r) => r.mandate.extraActivities ?? -1
    const reps = p.reps.filter((r) => r.quota !== null).sort((a, b) => demanded(b) - demanded(a))
    const without = p.reps.length - reps.length
    const { frame, canvas } = chartFigure({
      caption: `Extra activities each rep would need in ${p.period}: the ${label} mandate against their own required coverage`,
      description: `Bars per rep: extra activities demanded by the ${label} mandate and by the rep's own required coverage in ${p.period}.`,
      className: "chart-whatif",
      id: "what-if-bars",
    })
    frame.querySelector(".chart-box").style.height = `${Math.max(160, 34 * reps.length + 70)}px`
    replace(
      periodChoice,
      reps.length === 0
        ? empty(
            `No rep had a quota in force at the start of ${p.period}.`,
            "Coverage is measured against quota (QuotaSet events).",
          )
        : null,
      reps.length === 0 ? null : frame,
      reps.length === 0
        ? null
        : dataTable({
            caption: `${p.period}, measured at ${f.day(p.firstDay)}; quota hit judged at ${f.day(p.lastDay)}${p.over ? "" : " (not over yet)"}${without > 0 ? `; ${without} reps without a quota left out` : ""}`,
            className: "what-if-table",
            rowKey: (r) => r.repId,
            columns: [
              { label: "Rep", value: (r) => r.name ?? r.repId, key: "rep", rowHeader: true },
              { label: "Quota left", value: (r) => f.currency(r.remainingQuota), numeric: true, key: "remainingQuota" },
              { label: "Pipeline", value: (r) => f.currency(r.pipelineCounted), numeric: true, key: "pipelineCounted" },
              { label: "Coverage", value: (r) => f.multiple(r.coverageCounted), numeric: true, key: "coverage" },
              {
                label: "Required",
                title: "The rep's requiredCoverage: 1 / value win rate over the trailing year",
                value: (r) => f.multiple(r.requiredCoverage),
                numeric: true,
                key: "requiredCoverage",
              },
              {
                label: `Met ${label}?`,
                value: (r) => (r.mandate.met === null ? "—" : r.mandate.met ? "✓ Met" : "✗ Not met"),
                key: "met",
              },
              { label: "Gap", value: (r) => f.currency(r.mandate.gap), numeric: true, key: "gap" },
              {
                label: "Extra activities",
                value: (r) => f.count(r.mandate.extraActivities),
                numeric: true,
                key: "extraActivities",
              },
              {
                label: "Expected losses",
                value: (r) =>
                  r.mandate.expectedLostDeals === null
                    ? f.currency(r.mandate.expectedLostValue)
                    : `${f.currency(r.mandate.expectedLostValue)} (${f.count(r.mandate.expectedLostDeals)} deals)`,
                numeric: true,
                key: "expectedLosses",
              },
              {
                label: "Hit quota?",
                value: (r) => (r.hitQuota === null ? "—" : r.hitQuota ? "✓ Yes" : "✗ No"),
                key: "hitQuota",
              },
            ],
            rows: reps,
          }),
    )
    if (reps.length > 0) {
      queueMicrotask(() =>
        whatIfBars(canvas, {
          labels: reps.map((r) => r.name ?? r.repId),
          mandate: reps.map((r) => r.mandate.extraActivities),
          own: reps.map((r) => r.repTarget.extraActivities),
          targetLabel: label,
          formatCount: f.count,
        }),
      )
    }
  }
  showPeriod(periods[periods.length - 1])
}

/**
 * Did meeting the policy at a period's start predict hitting quota by its end? When no period of
 * the window is over, `lastYear` offers the window that has some.
 */
const backTestSection = (backTest, f, label, verdict, lastYear) => {
  const row = (name, group) => ({ name, ...group })
  const table = (title, test) =>
    dataTable({
      caption: title,
      className: "compact",
      columns: [
        { label: "At the period's start", value: (r) => r.name, rowHeader: true },
        { label: "Rep-periods", value: (r) => f.count(r.reps), numeric: true, key: "reps" },
        { label: "Hit quota", value: (r) => f.count(r.hitQuota), numeric: true, key: "hitQuota" },
        { label: "Hit rate", value: (r) => f.percent(r.hitRate), numeric: true, key: "hitRate" },
        {
          label: "95% interval",
          value: (r) => (r.interval === null ? "—" : `${f.percent(r.interval.low)}–${f.percent(r.interval.high)}`),
          numeric: true,
          key: "interval",
        },
      ],
      rows: [row("Met it", test.met), row("Did not", test.notMet)],
    })
  // The answer's own sentence: why there is nothing to compare, or both rates with their intervals.
  const sentence = verdict
  return h(
    "section",
    { class: "card", "aria-labelledby": "back-test-title", id: "back-test" },
    h("h2", { id: "back-test-title" }, "Back-test: did the mandate predict quota?"),
    h("p", { class: "headline" }, sentence),
    lastYear === undefined
      ? null
      : h(
          "p",
          { class: "hint" },
          "No period of this window is over: quota is judged at a period's end. ",
          h(
            "button",
            { type: "button", class: "button button-quiet", onclick: lastYear },
            "Back-test the last four finished quarters",
          ),
        ),
    h(
      "div",
      { class: "two-up" },
      h("div", {}, table(`The ${label} mandate`, backTest.mandate)),
      h("div", {}, table("Each rep's own required coverage", backTest.repTarget)),
    ),
  )
}
