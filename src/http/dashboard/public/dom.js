/**
 * @module Building the page's DOM from data without innerHTML: text is always text, so a rep named
 * `<script>` is shown, never run.
 *
 * @example
 * h("p", { class: "note" }, "Won ", h("strong", {}, "€12,000"))
 */

/**
 * An element with attributes (`on…` functions become listeners, `false`/`null`/`undefined` are left
 * out) and children (strings become text nodes; arrays are flattened; null is skipped).
 */
export const h = (tag, attributes = {}, ...children) => {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value)
    else element.setAttribute(name, value === true ? "" : String(value))
  }
  append(element, children)
  return element
}

const append = (parent, children) => {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(parent, child)
    else parent.append(child instanceof Node ? child : String(child))
  }
}

/** Replaces everything inside `parent`. */
export const replace = (parent, ...children) => {
  parent.replaceChildren()
  append(parent, children)
  return parent
}

/** A region's loading state: announced to screen readers, drawn as a quiet placeholder. */
export const loading = (what) =>
  h(
    "div",
    { class: "state state-loading", role: "status", "aria-live": "polite" },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    `Loading ${what}…`,
  )

/** A region with nothing to show, and what to do about it. */
export const empty = (message, hint) =>
  h("div", { class: "state state-empty" }, h("p", {}, message), hint ? h("p", { class: "hint" }, hint) : null)

/** A region that failed: what went wrong (the API's own words) and a way to try again. */
export const failure = (error, retry) =>
  h(
    "div",
    { class: "state state-error", role: "alert" },
    h("p", {}, h("strong", {}, error.title ?? "Something went wrong"), ": ", error.message),
    retry ? h("button", { type: "button", class: "button", onclick: retry }, "Try again") : null,
  )
