/**
 * @module The dashboard's entry: signing in and out, the context every view shares (demo flag,
 * currency, window presets, teams), and the router. Views live in the URL's hash, so that a view
 * and its window can be bookmarked and the back button works:
 * `#/team?from=2026-10-01&to=2026-11-20&team=East&yield=meetingYield`, `#/rep/ana?…`,
 * `#/what-if?…&target=4`, `#/accounts`, `#/targets`, `#/targets/ana?month=2026-03`, `#/ingestion`, and for an admin `#/keys`.
 */
import { deleteJson, getJson, onSignedOut, postJson, setCsrf } from "./api.js"
import { destroyCharts } from "./charts.js"
import { h, replace } from "./dom.js"
import { formatters } from "./format.js"
import { renderAccounts } from "./views/accounts.js"
import { renderIngestion } from "./views/ingestion.js"
import { renderKeys } from "./views/keys.js"
import { renderRep } from "./views/rep.js"
import { renderSignIn } from "./views/signIn.js"
import { renderTargets } from "./views/targets.js"
import { renderTeam } from "./views/team.js"
import { renderWhatIf } from "./views/whatIf.js"

const main = document.getElementById("main")
const top = document.getElementById("top")

/** What every view is given: the ledger's context, formatters, the teams, and navigation. */
let shared = null

const parseRoute = () => {
  const [path, search = ""] = location.hash.replace(/^#/, "").split("?")
  const parts = (path || "/team").split("/").filter(Boolean)
  return {
    view: parts[0] ?? "team",
    id: parts[1] === undefined ? undefined : decodeURIComponent(parts[1]),
    params: Object.fromEntries(new URLSearchParams(search)),
  }
}

/** Goes to a view with its parameters (the window and team carry over unless replaced). */
const go = (view, params = {}, id) => {
  const search = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  )
  const hash = `#/${view}${id === undefined ? "" : `/${encodeURIComponent(id)}`}${search.size > 0 ? `?${search}` : ""}`
  if (location.hash === hash) render()
  else location.hash = hash
}

const views = {
  team: renderTeam,
  rep: renderRep,
  "what-if": renderWhatIf,
  accounts: renderAccounts,
  targets: renderTargets,
  ingestion: renderIngestion,
  keys: renderKeys,
}

const isAdmin = (session) => session.key.scopes.includes("admin")

const render = () => {
  if (shared === null) return
  destroyCharts()
  const route = parseRoute()
  const view = (route.view === "keys" && !isAdmin(shared.session) ? undefined : views[route.view]) ?? renderTeam
  // The window (and team) default to this quarter, and follow the visitor from view to view. The
  // what-if's own default is the last four finished quarters: its back-test needs periods that are over.
  const { presets } = shared.context
  const defaults = route.view === "what-if" ? presets.lastFourQuarters : presets.thisQuarter
  const params = { from: defaults.from, to: defaults.to, ...route.params }
  for (const link of top.querySelectorAll("[data-view]")) {
    const current = link.dataset.view === route.view || (route.view === "rep" && link.dataset.view === "team")
    if (current) link.setAttribute("aria-current", "page")
    else link.removeAttribute("aria-current")
    link.href = `#/${link.dataset.view}?${new URLSearchParams(Object.entries({ from: params.from, to: params.to, team: params.team ?? "" }).filter(([, v]) => v))}`
  }
  replace(main)
  view(main, { ...shared, params, id: route.id, go })
  // Move focus to the new view's heading only on navigation, not on the first paint.
  if (render.navigated) main.querySelector("h1")?.focus({ preventScroll: false })
  render.navigated = true
}

const showSignIn = (message) => {
  shared = null
  destroyCharts()
  top.hidden = true
  document.title = "Sign in · Outcome Ledger"
  renderSignIn(main, {
    message,
    signIn: async (key) => {
      const session = await postJson("/ui/session", { key })
      await start(session)
    },
  })
}

/** Loads what every view needs, then shows the view the URL names. */
const start = async (session) => {
  setCsrf(session.csrfHeader, session.csrfToken)
  replace(
    main,
    h(
      "div",
      { class: "state state-loading", role: "status" },
      h("span", { class: "spinner", "aria-hidden": "true" }),
      "Loading the ledger…",
    ),
  )
  const [context, reps] = await Promise.all([getJson("/ui/context"), getJson("/v1/reps").catch(() => ({ reps: [] }))])
  const teams = [...new Set(reps.reps.map((r) => r.team).filter(Boolean))].sort()
  shared = { context, f: formatters(context.currency), teams, session }
  document.getElementById("demo-badge").hidden = !context.demo
  document.getElementById("who").textContent = session.key.name
  document.getElementById("who").title =
    `Signed in with the API key "${session.key.name}" (${session.key.keyId}); the session ${isAdmin(session) ? "reads and manages the API keys" : "can only read"}`
  document.getElementById("nav-keys").hidden = !isAdmin(session)
  top.hidden = false
  document.title = "Outcome Ledger"
  render.navigated = false
  render()
}

document.getElementById("sign-out").addEventListener("click", async () => {
  try {
    await deleteJson("/ui/session")
  } finally {
    setCsrf(undefined, undefined)
    history.replaceState(null, "", location.pathname)
    showSignIn("You are signed out.")
  }
})

onSignedOut(() =>
  showSignIn("Your session ended (signed out elsewhere, expired, or the key was revoked). Sign in again."),
)
window.addEventListener("hashchange", render)

const boot = async () => {
  try {
    const session = await getJson("/ui/session")
    if (session.signedIn) await start(session)
    else showSignIn()
  } catch (error) {
    if (error?.status === 401) showSignIn()
    else
      replace(
        main,
        h(
          "div",
          { class: "state state-error", role: "alert" },
          h(
            "p",
            {},
            h("strong", {}, error?.title ?? "The ledger did not answer"),
            ": ",
            error?.message ?? String(error),
          ),
        ),
      )
  }
}

boot()
