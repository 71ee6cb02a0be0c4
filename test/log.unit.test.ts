/**
 * @module The server's log as a person and as a log shipper read it: text, one line an entry, with
 * a request's method, path, status and time as its message; JSON otherwise, each line an object.
 */
import { PassThrough } from "node:stream"
import { describe, expect, it } from "vitest"
import { createLogger } from "../src/observability/log.js"

const collect = () => {
  const stream = new PassThrough()
  let text = ""
  stream.setEncoding("utf8").on("data", (chunk: string) => (text += chunk))
  return { stream, lines: () => text.split("\n").filter((line) => line !== "") }
}

// ANSI colours are the terminal's business: compare what a person reads.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing the colour codes
const plain = (line: string) => line.replace(/\u001b\[[0-9;]*m/g, "")

describe("the log", () => {
  it("writes one line of text an entry: the time, the level, the request as method, path, status and duration", async () => {
    const out = collect()
    const log = createLogger({ level: "info", format: "text", destination: out.stream })

    log.child({ requestId: "r-1" }).info({ method: "GET", path: "/v1/reps", status: 200, durationMs: 3.1 }, "request")
    log
      .child({ requestId: "r-2" })
      .error({ method: "POST", path: "/v1/events", status: 500, durationMs: 12 }, "request failed")
    log.info({ url: "http://127.0.0.1:8080", version: "0.1.0" }, "listening")
    log.debug({ method: "GET", path: "/ui/app.js", status: 200, durationMs: 0.4 }, "request")
    await new Promise((resolve) => setImmediate(resolve))

    expect(out.lines().map(plain)).toEqual([
      expect.stringMatching(/^\[\d{2}:\d{2}:\d{2}\] INFO: GET \/v1\/reps 200 3\.1 ms$/),
      expect.stringMatching(/^\[\d{2}:\d{2}:\d{2}\] ERROR: POST \/v1\/events 500 12 ms \(request r-2\)$/),
      expect.stringMatching(
        /^\[\d{2}:\d{2}:\d{2}\] INFO: listening \{"url":"http:\/\/127\.0\.0\.1:8080","version":"0\.1\.0"\}$/,
      ),
    ])
  })

  it("writes JSON objects, one a line, for a shipper (and by default when the log is not a terminal)", async () => {
    const out = collect()
    const log = createLogger({ level: "info", format: "auto", destination: out.stream })

    log.child({ requestId: "r-1" }).info({ method: "GET", path: "/v1/reps", status: 200, durationMs: 3.1 }, "request")
    await new Promise((resolve) => setImmediate(resolve))

    expect(out.lines().map((line) => JSON.parse(line))).toEqual([
      {
        level: "info",
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        pid: process.pid,
        requestId: "r-1",
        method: "GET",
        path: "/v1/reps",
        status: 200,
        durationMs: 3.1,
        msg: "request",
      },
    ])
  })
})
