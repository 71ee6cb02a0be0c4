/**
 * @module Pieces every view uses: the window picker, loading a region with its loading, empty,
 * retry and error states, tables with captions, headline figures, and the quadrant's words and shapes.
 */
import { ApiError } from "../api.js"
import { empty, failure, h, loading, replace } from "../dom.js"

/**
 * The four quadrants of projections/README.md, each with a shape as well as a colour, so that the
 * chart, its legend and the table say the same thing to people who do not see colour.
 */
export const quadrants = {
  focused: {
    label: "Focused",
    meaning: "low effort, high yield",
    symbol: "●",
    pointStyle: "circle",
    color: "#15803d",
    tint: "rgba(21, 128, 61, 0.07)",
  },
  grinding: {
    label: "Grinding",
    meaning: "high effort, high yield",
    symbol: "◆",
    pointStyle: "rectRot",
    color: "#1d4ed8",
    tint: "rgba(29, 78, 216, 0.06)",
  },
  spraying: {
    label: "Spraying",
    meaning: "high effort, low yield",
    symbol: "▲",
    pointStyle: "triangle",
    color: "#c2410c",
    tint: "rgba(194, 65, 12, 0.07)",
  },
  idle: {
    label: "Idle",
    meaning: "low effort, low yield",
    symbol: "■",
    pointStyle: "rect",
    color: "#57534e",
    tint: "rgba(87, 83, 78, 0.06)",
  },
}

/** A quadrant as text with its shape; "—" for a rep who could not be placed. */
export const quadrantTag = (quadrant) => {
  const q = quadrants[quadrant]
  if (q === undefined)
    return h(
      "span",
      { class: "quadrant quadrant-none", title: "No activity in the window: yield cannot be judged" },
      "—",
    )
  return h(
    "span",
    { class: `quadrant quadrant-${quadrant}`, title: q.meaning },
    h("span", { class: "quadrant-symbol", "aria-hidden": "true" }, q.symbol),
    " ",
    q.label,
  )
}

/**
 * Loads what a region shows: a loading state first, then `render(data)`; "being built" answers
 * (503 with Retry-After) are retried on their own, other failures offer a retry button. Returns a
 * promise that settles once the region shows data or an error (for callers that chain).
 */
export const loadInto = async (region, what, fetchData, render) => {
  replace(region, loading(what))
  region.setAttribute("aria-busy", "true")
  for (let attempt = 0; ; attempt++) {
    try {
      const data = await fetchData()
      region.removeAttribute("aria-busy")
      replace(region)
      render(data)
      return
    } catch (error) {
      if (!region.isConnected) return
      if (error instanceof ApiError && error.status === 401) return
      if (error instanceof ApiError && error.status === 503 && attempt < 30) {
        const seconds = error.retryAfterSeconds ?? 2
        replace(
          region,
          h(
            "div",
            { class: "state state-loading", role: "status" },
            h("span", { class: "spinner", "aria-hidden": "true" }),
            `${error.message} (retrying in ${seconds} s)`,
          ),
        )
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
        if (!region.isConnected) return
        continue
      }
      region.removeAttribute("aria-busy")
      replace(
        region,
        failure(
          error instanceof ApiError ? error : { title: "The page failed", message: String(error?.message ?? error) },
          () => loadInto(region, what, fetchData, render),
        ),
      )
      return
    }
  }
}

export { empty }

/**
 * A table with a caption and column headers. `columns`: `{ label, value(row), numeric?, key? }`;
 * `value` returns text or a node. The caption is shown above the table's scrolling box (so that it
 * wraps on a phone) and kept in the table for screen readers.
 */
export const dataTable = ({ caption, columns, rows, className = "", rowKey }) => [
  h("p", { class: "table-caption", "aria-hidden": "true" }, caption),
  h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: `data ${className}` },
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) =>
            h(
              "th",
              {
                scope: "col",
                class: c.numeric ? "num" : "",
                ...(c.key ? { "data-col": c.key } : {}),
                ...(c.title ? { title: c.title } : {}),
              },
              c.label,
            ),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            rowKey ? { "data-row": rowKey(row) } : {},
            columns.map((c, index) => {
              const cell = c.value(row)
              const attributes = { class: c.numeric ? "num" : "", ...(c.key ? { "data-col": c.key } : {}) }
              return index === 0 && c.rowHeader
                ? h("th", { scope: "row", ...attributes }, cell)
                : h("td", attributes, cell)
            }),
          ),
        ),
      ),
    ),
  ),
]

/** A headline figure: its value large, what it is below. */
export const figure = (label, value, note) =>
  h(
    "div",
    { class: "kpi" },
    h("div", { class: "kpi-value" }, value),
    h("div", { class: "kpi-label" }, label),
    note ? h("div", { class: "kpi-note" }, note) : null,
  )

/** A chart's frame: a figure with a caption and a canvas that says what it shows to screen readers. */
export const chartFigure = ({ caption, description, className = "", id }) => {
  const canvas = h("canvas", { role: "img", "aria-label": description, ...(id ? { id } : {}) })
  const frame = h(
    "figure",
    { class: `chart ${className}` },
    h("figcaption", {}, caption),
    h("div", { class: "chart-box" }, canvas),
  )
  return { frame, canvas }
}

/**
 * The window picker: presets (this quarter, last quarter, last 12 months), from/to, the team.
 * `onChange({ from, to, team })` is called with the new choice.
 */
export const windowPicker = ({ params, context, teams, onChange, extra = [] }) => {
  const from = h("input", { type: "date", name: "from", value: params.from, required: true, max: context.today })
  const to = h("input", { type: "date", name: "to", value: params.to, required: true })
  const team = h(
    "select",
    { name: "team" },
    h("option", { value: "" }, "All teams"),
    teams.map((name) => h("option", { value: name, ...(name === params.team ? { selected: true } : {}) }, name)),
  )
  const presets = [
    ["thisQuarter", "This quarter"],
    ["lastQuarter", "Last quarter"],
    ["last12Months", "Last 12 months"],
    ["lastFourQuarters", "Last 4 finished quarters"],
  ]
  const error = h("p", { class: "field-error", role: "alert" })
  const form = h(
    "form",
    {
      class: "toolbar",
      "aria-label": "Window and team",
      onsubmit: (event) => {
        event.preventDefault()
        if (from.value > to.value) {
          error.textContent = "The window must start on or before its last day."
          from.focus()
          return
        }
        error.textContent = ""
        onChange({ from: from.value, to: to.value, team: team.value })
      },
    },
    h(
      "div",
      { class: "presets", role: "group", "aria-label": "Window presets" },
      presets.map(([key, label]) => {
        const window = context.presets[key]
        const pressed = window.from === params.from && window.to === params.to
        return h(
          "button",
          {
            type: "button",
            class: "chip",
            "aria-pressed": String(pressed),
            onclick: () => onChange({ ...window, team: team.value }),
          },
          label,
        )
      }),
    ),
    h("label", { class: "field" }, h("span", {}, "From"), from),
    h("label", { class: "field" }, h("span", {}, "To"), to),
    h("label", { class: "field" }, h("span", {}, "Team"), team),
    extra,
    h("button", { type: "submit", class: "button" }, "Show"),
    error,
  )
  team.addEventListener("change", () => form.requestSubmit())
  return form
}
