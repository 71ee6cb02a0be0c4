/**
 * @module The server's log (pino): one JSON object per line, so that a log shipper can read it as it
 * is; or, for a person at a terminal, one line of text per entry (`16:58:32 INFO GET /v1/reps 200 3.1 ms`,
 * by pino-pretty). Lines about a request carry its `requestId`, the id the client got back in `X-Request-Id`.
 *
 * @example
 * const log = createLogger({ level: "info", format: "auto" })
 * log.child({ requestId }).error({ err }, "request failed")
 */
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from "pino"
import pretty from "pino-pretty"

export type { Logger }

/** How lines are written: JSON, text for a person, or text only when stdout is a terminal (LEDGER_LOG_FORMAT). */
export const logFormats = ["json", "text", "auto"] as const
export type LogFormat = (typeof logFormats)[number]

export type LoggerOptions = {
  /** One of pino's levels, which LEDGER_LOG_LEVEL names (src/config.ts `logLevels`). */
  readonly level: LevelWithSilent
  /**
   * `json`, `text`, or `auto`: text when the log goes to stdout and stdout is a terminal, JSON
   * otherwise (a pipe, a file, a container's log). Default `json`.
   */
  readonly format?: LogFormat
  /** Where the lines go (default: stdout, written synchronously so that no line is lost at exit). */
  readonly destination?: DestinationStream
}

/** A logger at `level`; in JSON, `time` is an ISO 8601 instant and `level` its name (`"info"`, not 30). */
export const createLogger = ({ level, format = "json", destination }: LoggerOptions): Logger => {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  }
  const asText = format === "text" || (format === "auto" && destination === undefined && process.stdout.isTTY === true)
  if (asText) return pino(options, textLines(destination ?? 1))
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }))
}

/** The fields of a request's line that its text already says (observeRequests in src/http/requestLog.ts). */
const requestFields = ["method", "path", "status", "durationMs", "requestId"]

/** Each entry as one line: the local time, the level, the message (a request's method, path, status and time), the rest as JSON. */
const textLines = (destination: number | DestinationStream) =>
  pretty({
    destination,
    sync: true,
    singleLine: true,
    translateTime: "SYS:HH:MM:ss",
    ignore: ["pid", "hostname", ...requestFields].join(","),
    messageFormat: (entry, messageKey) => {
      const request = typeof entry.requestId === "string" ? ` (request ${entry.requestId})` : ""
      if (typeof entry.method !== "string") return `${String(entry[messageKey] ?? "")}${request}`
      const line = `${entry.method} ${String(entry.path)} ${String(entry.status)} ${String(entry.durationMs)} ms`
      // A failed request's id is what its answer told the client: the way to find its other lines.
      return Number(entry.status) >= 500 ? `${line}${request}` : line
    },
  })
