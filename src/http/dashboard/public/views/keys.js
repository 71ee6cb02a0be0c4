/**
 * @module The API keys, for an admin (`/v1/keys`): who has a key and what it may do, a form to
 * create one (its token shown once, here, with a button to copy it), and revocation. Shown only to
 * a session whose key has the admin scope; the API refuses the others anyway.
 */
import { deleteJson, getJson, postJson } from "../api.js"
import { h, replace } from "../dom.js"
import { dataTable, empty, loadInto } from "./shared.js"

const scopeMeaning = {
  read: "reads scorecards, the log and the dashboard",
  ingest: "appends events (webhooks, importers, scripts)",
  admin: "everything, keys and rebuilds included",
}

export const renderKeys = (main, { f, session }) => {
  const created = h("div", { id: "created-key", "aria-live": "polite" })
  const list = h("div", { class: "view-body" })
  main.append(
    h(
      "div",
      { class: "view-head" },
      h("h1", { tabindex: "-1" }, "API keys"),
      h(
        "p",
        { class: "subtitle" },
        "Who may send events, read the scorecards or manage the ledger. A key's token is shown once, when it is created.",
      ),
    ),
    createForm({ onCreated: (answer) => showCreated(created, answer), reload: () => load() }),
    created,
    list,
  )
  const load = () =>
    loadInto(
      list,
      "the API keys",
      () => getJson("/v1/keys"),
      ({ keys }) => {
        if (keys.length === 0) {
          list.append(empty("No API key yet.", "Create one above."))
          return
        }
        const active = keys.filter((key) => key.revokedAt === null)
        list.append(
          h(
            "section",
            { class: "card" },
            dataTable({
              caption: `${f.count(active.length)} active ${active.length === 1 ? "key" : "keys"}, ${f.count(keys.length - active.length)} revoked`,
              rowKey: (key) => key.keyId,
              columns: [
                { label: "Name", value: (key) => key.name, rowHeader: true, key: "name" },
                { label: "Id", value: (key) => h("code", {}, key.keyId), key: "keyId" },
                { label: "Scopes", value: (key) => key.scopes.join(", "), key: "scopes" },
                { label: "Created", value: (key) => f.instant(key.createdAt), key: "createdAt" },
                {
                  label: "Status",
                  value: (key) =>
                    key.revokedAt !== null
                      ? `Revoked ${f.instant(key.revokedAt)}`
                      : revokeButton(key, { own: key.keyId === session.key.keyId, onRevoked: () => load() }),
                  key: "status",
                },
              ],
              rows: keys,
            }),
          ),
        )
      },
    )
  load()
}

const createForm = ({ onCreated, reload }) => {
  const name = h("input", {
    id: "key-name",
    name: "name",
    required: true,
    maxlength: "200",
    placeholder: "e.g. dashboard, aircall webhook",
    autocomplete: "off",
  })
  const boxes = Object.entries(scopeMeaning).map(([scope, meaning]) =>
    h(
      "label",
      { class: "check", title: meaning },
      h("input", { type: "checkbox", name: "scope", value: scope, ...(scope === "read" ? { checked: true } : {}) }),
      h("span", {}, scope),
      h("span", { class: "hint" }, ` ${meaning}`),
    ),
  )
  const error = h("p", { class: "field-error", role: "alert", id: "key-error" })
  const button = h("button", { type: "submit", class: "button" }, "Create key")
  const form = h(
    "form",
    {
      class: "card toolbar key-form",
      "aria-label": "Create an API key",
      onsubmit: async (event) => {
        event.preventDefault()
        error.textContent = ""
        const scopes = boxes.map((box) => box.querySelector("input")).filter((input) => input.checked)
        if (scopes.length === 0) {
          error.textContent = "Choose at least one scope."
          return
        }
        button.disabled = true
        try {
          const answer = await postJson("/v1/keys", { name: name.value, scopes: scopes.map((input) => input.value) })
          name.value = ""
          onCreated(answer)
          reload()
        } catch (failure) {
          error.textContent = `${failure.title ?? "Not created"}: ${failure.message}`
        } finally {
          button.disabled = false
        }
      },
    },
    h("label", { class: "field" }, h("span", {}, "Name"), name),
    h("fieldset", { class: "field scopes" }, h("legend", {}, "Scopes"), boxes),
    button,
    error,
  )
  return form
}

/** The new key's token, once: it is not stored anywhere the ledger can show it again. */
const showCreated = (region, { key, token }) => {
  const copied = h("span", { class: "hint", role: "status" })
  replace(
    region,
    h(
      "section",
      { class: "card notice created-key", "aria-labelledby": "created-key-title" },
      h("h2", { id: "created-key-title" }, `Key "${key.name}" created (${key.scopes.join(", ")})`),
      h("p", {}, "Copy the token now: it will not be shown again, here or anywhere."),
      h("p", {}, h("code", { class: "token", id: "created-token" }, token)),
      h(
        "button",
        {
          type: "button",
          class: "button button-quiet",
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(token)
              copied.textContent = "Copied."
            } catch {
              copied.textContent = "Select the token and copy it."
            }
          },
        },
        "Copy",
      ),
      " ",
      copied,
    ),
  )
}

const revokeButton = (key, { own, onRevoked }) => {
  const error = h("span", { class: "field-error", role: "alert" })
  const button = h(
    "button",
    {
      type: "button",
      class: "button button-quiet",
      "aria-label": `Revoke ${key.name} (${key.keyId})`,
      onclick: async () => {
        const warning = own ? " This is the key you signed in with: you will be signed out." : ""
        if (!window.confirm(`Revoke "${key.name}"? Requests with its token are refused from now on.${warning}`)) return
        button.disabled = true
        try {
          await deleteJson(`/v1/keys/${encodeURIComponent(key.keyId)}`)
          onRevoked()
        } catch (failure) {
          error.textContent = failure.message
          button.disabled = false
        }
      },
    },
    "Revoke",
  )
  return h("span", {}, "Active ", button, error)
}
