/**
 * @module Which ingest route a request is on, named as the metrics and the rate limits name it:
 * `api` (POST /v1/events), `csv` (/v1/imports/…), or a webhook's vendor (/v1/webhooks/<vendor>).
 *
 * @example
 * ingestSourceOf("POST", "/v1/webhooks/aircall") // { source: "aircall", webhook: true }
 */

export type IngestRoute = { readonly source: string; readonly webhook: boolean }

// A vendor label comes from the path: anything else than a plausible vendor name is "unknown", so
// that a scan of made-up paths cannot grow the metrics without bound.
const vendorName = /^[a-z][a-z0-9-]{0,31}$/

/** The ingest route of a request, `undefined` for reads and every other route. */
export const ingestSourceOf = (method: string, path: string): IngestRoute | undefined => {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return undefined
  if (path === "/v1/events") return method === "POST" ? { source: "api", webhook: false } : undefined
  if (path === "/v1/imports" || path.startsWith("/v1/imports/")) return { source: "csv", webhook: false }
  if (path.startsWith("/v1/webhooks/")) {
    const vendor = path.slice("/v1/webhooks/".length).split("/")[0] ?? ""
    return { source: vendorName.test(vendor) ? vendor : "unknown", webhook: true }
  }
  return undefined
}
