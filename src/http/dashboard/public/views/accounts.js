/**
 * @module The target list: accounts that already buy what we sell, with the effort spent on each
 * (every rep's) against what came of it.
 */
import { getJson } from "../api.js"
import { h } from "../dom.js"
import { dataTable, empty, figure, loadInto } from "./shared.js"

const reasons = {
  buys_what_we_sell: "Buys what we sell",
  dream_client: "Dream client",
  displacement: "Displacement",
  other: "Other",
}

export const renderAccounts = (main, { f }) => {
  const body = h("div", { class: "view-body" })
  main.append(
    h(
      "div",
      { class: "view-head" },
      h("h1", { tabindex: "-1" }, "Target accounts"),
      h(
        "p",
        { class: "subtitle" },
        "Accounts on the target list today, with every rep's activity, meetings and deals since they were first seen",
      ),
    ),
    body,
  )
  loadInto(
    body,
    "the target accounts",
    () => getJson("/v1/accounts/targets"),
    ({ accounts }) => {
      if (accounts.length === 0) {
        body.append(
          empty(
            "No account is on the target list.",
            "Add accounts that already buy what you sell with AccountTargeted events.",
          ),
        )
        return
      }
      const sorted = [...accounts].sort(
        (a, b) =>
          b.wonValue - a.wonValue ||
          b.openPipeline - a.openPipeline ||
          (a.name ?? a.accountId).localeCompare(b.name ?? b.accountId),
      )
      const total = (key) => accounts.reduce((sum, a) => sum + a[key], 0)
      const untouched = accounts.filter((a) => a.activities === 0).length
      body.append(
        h(
          "section",
          { class: "kpis", "aria-label": "The list in figures" },
          figure(
            "Target accounts",
            f.count(accounts.length),
            untouched > 0 ? `${f.count(untouched)} with no activity yet` : "every one worked",
          ),
          figure("Won value", f.currency(total("wonValue")), `${f.count(total("dealsWon"))} deals won`),
          figure("Open pipeline", f.currency(total("openPipeline")), `${f.count(total("dealsOpen"))} open deals`),
          figure("Meetings held", f.count(total("meetingsHeld")), `${f.count(total("activities"))} activities`),
        ),
        h(
          "section",
          { class: "card" },
          dataTable({
            caption: `${accounts.length} target accounts, by won value`,
            className: "accounts",
            rowKey: (a) => a.accountId,
            columns: [
              { label: "Account", value: (a) => a.name ?? a.accountId, rowHeader: true, key: "account" },
              { label: "Why", value: (a) => reasons[a.targetReason] ?? "—", key: "reason" },
              { label: "Buys from", value: (a) => a.incumbent ?? "—", key: "incumbent" },
              { label: "Activities", value: (a) => f.count(a.activities), numeric: true, key: "activities" },
              {
                label: "Last activity",
                value: (a) => (a.lastActivityAt ? f.day(a.lastActivityAt.slice(0, 10)) : "—"),
                key: "lastActivityAt",
              },
              { label: "Meetings held", value: (a) => f.count(a.meetingsHeld), numeric: true, key: "meetingsHeld" },
              {
                label: "Deals won / lost",
                value: (a) => `${f.count(a.dealsWon)} / ${f.count(a.dealsLost)}`,
                numeric: true,
                key: "deals",
              },
              { label: "Won value", value: (a) => f.currency(a.wonValue), numeric: true, key: "wonValue" },
              { label: "Open pipeline", value: (a) => f.currency(a.openPipeline), numeric: true, key: "openPipeline" },
            ],
            rows: sorted,
          }),
        ),
      )
    },
  )
}
