/**
 * @module Talking to the ledger from the page: GET with the session cookie (sent by the browser),
 * JSON in, problems (RFC 9457) turned into errors that carry the API's own explanation.
 *
 * A 401 anywhere means the session is gone: `onSignedOut` shows the sign-in form again.
 */

/** An answer that was not a success, with the problem's title and detail. */
export class ApiError extends Error {
  constructor(status, title, detail, retryAfterSeconds) {
    super(detail)
    this.name = "ApiError"
    this.status = status
    this.title = title
    this.retryAfterSeconds = retryAfterSeconds
  }
}

let signedOut = () => {}
let csrf = null

/**
 * The session's CSRF token and the header to echo it in: requests other than GET made with the
 * session cookie must carry it (src/http/auth.ts), which only this page's own script can read.
 */
export const setCsrf = (header, token) => {
  csrf = header && token ? { header, token } : null
}

/** What to do when the API answers 401 (set once by the app). */
export const onSignedOut = (handler) => {
  signedOut = handler
}

const request = async (method, path, body) => {
  let response
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(method !== "GET" && csrf !== null ? { [csrf.header]: csrf.token } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    throw new ApiError(0, "The ledger did not answer", "check that the server is running, then try again")
  }
  if (response.status === 204) return null
  const text = await response.text()
  let payload = null
  try {
    payload = text === "" ? null : JSON.parse(text)
  } catch {
    payload = null
  }
  if (response.ok) return payload
  const error = new ApiError(
    response.status,
    payload?.title ?? `HTTP ${response.status}`,
    payload?.detail ?? (text.slice(0, 200) || response.statusText),
    Number(response.headers.get("retry-after")) || undefined,
  )
  if (response.status === 401 && !path.startsWith("/ui/session")) signedOut(error)
  throw error
}

export const getJson = (path) => request("GET", path)
export const postJson = (path, body) => request("POST", path, body)
export const deleteJson = (path) => request("DELETE", path)

/** A query string from an object, leaving out empty values. */
export const query = (params) => {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value))
  const text = search.toString()
  return text === "" ? "" : `?${text}`
}
