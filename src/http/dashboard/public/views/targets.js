/**
 * @module The sellers' target lists: the manager's cadence grid (`#/targets`, sellers × months, each
 * cell the share of the seller's list worked that month) and one seller's list for a month
 * (`#/targets/<repId>?month=YYYY-MM`), untouched longest first.
 */
import { getJson } from "../api.js"
import { h } from "../dom.js"
import { dataTable, empty, figure, loadInto } from "./shared.js"

const thisMonth = () => new Date().toISOString().slice(0, 7)
const monthsBack = (month, count) => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - count
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`
}

/** A cell's tone: a list worked at 80% or more is on cadence, under 50% is off it. */
const tone = (cadence) => (cadence === null ? "none" : cadence >= 0.8 ? "high" : cadence < 0.5 ? "low" : "mid")

const head = (title, subtitle) =>
  h("div", { class: "view-head" }, h("h1", { tabindex: "-1" }, title), h("p", { class: "subtitle" }, subtitle))

export const renderTargets = (main, context) => {
  if (context.id === undefined) renderGrid(main, context)
  else renderSellerList(main, context)
}

const renderGrid = (main, { f, params }) => {
  const to = /^\d{4}-\d{2}$/.test(params.toMonth ?? "") ? params.toMonth : thisMonth()
  const from = monthsBack(to, 5)
  const body = h("div", { class: "view-body" })
  main.append(
    head(
      "Target cadence",
      "Each seller's share of their target list worked each month: every dream client, every month",
    ),
    body,
  )
  const query = new URLSearchParams({ from, to, ...(params.team ? { team: params.team } : {}) })
  loadInto(
    body,
    "the cadence grid",
    () => getJson(`/v1/targets/cadence?${query}`),
    (grid) => {
      if (grid.sellers.length === 0) {
        body.append(
          empty(
            "No seller owns a target list yet.",
            "Give target accounts an owner: AccountTargeted with an ownerRepId, or TargetAccountReassigned.",
          ),
        )
        return
      }
      if (grid.capWarnings.length > 0)
        body.append(
          h(
            "p",
            { class: "notice", role: "note" },
            `Over the cap of ${f.count(grid.targetListCap)} accounts: `,
            grid.capWarnings.map((w) => `${w.repId} (${f.count(w.accounts)})`).join(", "),
          ),
        )
      body.append(
        h(
          "section",
          { class: "card" },
          dataTable({
            caption: `Target cadence by month, ${grid.months[0]} to ${grid.months[grid.months.length - 1]}`,
            className: "cadence-grid",
            rowKey: (s) => s.repId,
            columns: [
              {
                label: "Seller",
                rowHeader: true,
                key: "seller",
                value: (s) =>
                  h("a", { href: `#/targets/${encodeURIComponent(s.repId)}?month=${to}` }, s.name ?? s.repId),
              },
              ...grid.months.map((month, index) => ({
                label: f.month(`${month}-01`),
                key: `m${index}`,
                numeric: true,
                value: (s) => {
                  const cell = s.months[index]
                  return h(
                    "span",
                    {
                      class: `cadence cadence-${tone(cell.targetCadence)}`,
                      title: `${f.count(cell.touchedAccounts)} of ${f.count(cell.targetAccounts)} accounts worked`,
                    },
                    f.percent(cell.targetCadence),
                  )
                },
              })),
              { label: "Average", key: "average", numeric: true, value: (s) => f.percent(s.averageCadence) },
            ],
            rows: grid.sellers,
          }),
        ),
      )
    },
  )
}

const renderSellerList = (main, { f, params, id }) => {
  const month = /^\d{4}-\d{2}$/.test(params.month ?? "") ? params.month : thisMonth()
  const body = h("div", { class: "view-body" })
  main.append(head("Target list", `${id}'s accounts in ${f.month(`${month}-01`)}, untouched longest first`), body)
  loadInto(
    body,
    "the target list",
    () => getJson(`/v1/reps/${encodeURIComponent(id)}/targets?month=${month}`),
    (list) => {
      main.querySelector("h1").textContent = `Target list: ${list.name ?? list.repId}`
      body.append(
        h(
          "section",
          { class: "kpis", "aria-label": "The list in figures" },
          figure(
            "Target cadence",
            f.percent(list.targetCadence),
            `${f.count(list.touchedAccounts)} of ${f.count(list.targetAccounts)} accounts worked`,
          ),
          figure("Untouched this month", f.count(list.untouchedAccounts), `cap ${f.count(list.cap.targetListCap)}`),
          figure(
            "Won from the incumbent",
            f.count(list.displacement.wonFromIncumbent),
            `of ${f.count(list.displacement.campaigns.length)} accounts buying from a competitor`,
          ),
        ),
      )
      if (list.cap.warning !== null) body.append(h("p", { class: "notice", role: "note" }, list.cap.warning))
      if (list.accounts.length === 0) {
        body.append(empty("No account on this list that month.", "Lists are read at the month's end."))
        return
      }
      body.append(
        h(
          "section",
          { class: "card" },
          dataTable({
            caption: `${list.accounts.length} accounts, untouched longest first`,
            className: "target-list",
            rowKey: (a) => a.accountId,
            columns: [
              { label: "Account", value: (a) => a.name ?? a.accountId, rowHeader: true, key: "account" },
              {
                label: "This month",
                key: "untouched",
                value: (a) =>
                  h(
                    "span",
                    { class: a.untouchedThisMonth ? "tag tag-low" : "tag tag-high" },
                    a.untouchedThisMonth ? "Untouched" : "Worked",
                  ),
              },
              { label: "Last activity", key: "last", value: (a) => f.day(a.lastActivityDay) },
              { label: "Activities", key: "activities", numeric: true, value: (a) => f.count(a.activitiesThisMonth) },
              { label: "Meetings", key: "meetings", numeric: true, value: (a) => f.count(a.meetingsThisMonth) },
              { label: "Open pipeline", key: "open", numeric: true, value: (a) => f.currency(a.openPipeline) },
              { label: "Won value", key: "won", numeric: true, value: (a) => f.currency(a.wonValue) },
            ],
            rows: list.accounts,
          }),
        ),
      )
    },
  )
}
