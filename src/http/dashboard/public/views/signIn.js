/**
 * @module The sign-in form: an API key with the read scope (or admin), given once and exchanged for a
 * session cookie the page's script cannot read. The key itself is not kept by the page. The form
 * says where the first admin key is and how to make a read-only one.
 */
import { h, replace } from "../dom.js"

export const renderSignIn = (main, { message, signIn }) => {
  const input = h("input", {
    id: "api-key",
    name: "key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    placeholder: "olk_…",
    "aria-describedby": "api-key-help sign-in-error",
  })
  const error = h("p", { id: "sign-in-error", class: "field-error", role: "alert" })
  const button = h("button", { type: "submit", class: "button button-wide" }, "Sign in")
  const form = h(
    "form",
    {
      class: "sign-in-form",
      onsubmit: async (event) => {
        event.preventDefault()
        error.textContent = ""
        button.disabled = true
        button.textContent = "Signing in…"
        try {
          await signIn(input.value.trim())
        } catch (failure) {
          error.textContent = failure?.message
            ? `${failure.title ?? "Sign-in failed"}: ${failure.message}`
            : "Sign-in failed."
          button.disabled = false
          button.textContent = "Sign in"
          input.select()
          input.focus()
        }
      },
    },
    h("label", { for: "api-key" }, "API key"),
    input,
    h(
      "div",
      { id: "api-key-help", class: "hint" },
      h(
        "p",
        {},
        "The first start saved an admin key in ",
        h("code", {}, "admin-key.txt"),
        " in the server's data directory (",
        h("code", {}, "./data"),
        " unless ",
        h("code", {}, "LEDGER_DATA_DIR"),
        " says otherwise): it signs in, and manages the keys.",
      ),
      h(
        "p",
        {},
        "For a read-only key, run ",
        h("code", {}, "ledger keys create --name dashboard --scopes read"),
        " (it works while the server runs).",
      ),
      h("p", {}, "The key is checked once; the browser then keeps only a session cookie."),
    ),
    error,
    button,
  )
  replace(
    main,
    h(
      "section",
      { class: "sign-in", "aria-labelledby": "sign-in-title" },
      h("h1", { id: "sign-in-title" }, "Outcome Ledger"),
      h("p", { class: "lede" }, "Effectiveness, not effort: what each rep's activity actually produces."),
      message ? h("p", { class: "notice", role: "status" }, message) : null,
      form,
    ),
  )
  input.focus()
}
