/**
 * @module The dashboard's static files: the page's own modules and styles (src/http/dashboard/public,
 * plain ES modules, no build step) and the charting library, served from the installed package so
 * that the page works with no internet.
 */
import { readdir, readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import path from "node:path"
import { fileURLToPath } from "node:url"

const publicDir = fileURLToPath(new URL("./public/", import.meta.url))
// chart.js exports no package.json; its CommonJS entry sits in dist/ beside the UMD build.
const chartJsFile = () =>
  path.join(path.dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js")

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
}

export type Asset = { readonly body: Uint8Array; readonly contentType: string; readonly cacheControl: string }

/**
 * Every file the dashboard serves, by URL path, read once at startup: only these paths answer, so
 * no request can name a file outside the folder.
 */
export const loadAssets = async (): Promise<ReadonlyMap<string, Asset>> => {
  const assets = new Map<string, Asset>()
  const files = (await readdir(publicDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
  for (const file of files) {
    const full = path.join(file.parentPath, file.name)
    const contentType = contentTypes[path.extname(file.name)]
    if (contentType === undefined) continue
    const relative = path.relative(publicDir, full).split(path.sep).join("/")
    // The page's own files change with the ledger: revalidate each time (they are small).
    assets.set(relative === "index.html" ? "/" : `/ui/${relative}`, {
      body: await readFile(full),
      contentType,
      cacheControl: "no-cache",
    })
  }
  assets.set("/ui/vendor/chart.umd.min.js", {
    body: await readFile(chartJsFile()),
    contentType: contentTypes[".js"] as string,
    cacheControl: "public, max-age=86400",
  })
  return assets
}

/**
 * What the page may load and where it may send: only this origin, no inline script, no framing.
 * Chart.js sizes its canvas through the CSSOM, which style-src does not restrict.
 */
export const pageSecurityHeaders: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
}
