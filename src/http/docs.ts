/**
 * @module The OpenAPI 3.1 document at `/openapi.json` and a rendered API reference at `/docs`
 * (Swagger UI, served from the installed package: no CDN, it works offline).
 */

import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import path from "node:path"
import type { OpenAPIHono } from "@hono/zod-openapi"
import { Hono } from "hono"

const swaggerDir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))
const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outcome Ledger API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="api"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`

const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#api", deepLinking: true })`

/** Adds `/openapi.json` and `/docs` to an app whose routes carry their OpenAPI definitions. */
export const mountDocs = (app: OpenAPIHono, version: string) => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`olk_…`) created by `ledger keys create`",
  })
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Outcome Ledger",
      version,
      description: "An event-sourced ledger of sales activity and outcomes: effectiveness, not effort.",
    },
    // Relative: the server that serves this document, whatever its host, port or path prefix.
    servers: [{ url: "/", description: "The server serving this document" }],
  })
  const docs = new Hono()
  docs.get("/", (c) => c.html(page))
  docs.get("/assets/init.js", (c) => c.body(init, 200, { "content-type": "text/javascript; charset=utf-8" }))
  docs.get("/assets/:file", async (c) => {
    const file = c.req.param("file")
    // Own members only: `assets["constructor"]` is Object's, and reading that file was a 500 (test/fuzz.e2e.test.ts).
    const type = Object.hasOwn(assets, file) ? assets[file] : undefined
    if (type === undefined) return c.notFound()
    return c.body(await readFile(path.join(swaggerDir, file)), 200, {
      "content-type": type,
      "cache-control": "public, max-age=86400",
    })
  })
  app.route("/docs", docs)
}
