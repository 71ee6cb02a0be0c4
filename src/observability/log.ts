/**
 * @module The server's structured log: one JSON object per line on stdout (pino), so that a log
 * shipper can read it as it is. Lines about a request carry its `requestId`, the id the client got
 * back in `X-Request-Id`.
 *
 * @example
 * const log = createLogger({ level: "info" })
 * log.child({ requestId }).error({ err }, "request failed")
 */
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from "pino"

export type { Logger }

export type LoggerOptions = {
  /** One of pino's levels, which LEDGER_LOG_LEVEL names (src/config.ts `logLevels`). */
  readonly level: LevelWithSilent
  /** Where the lines go (default: stdout, written synchronously so that no line is lost at exit). */
  readonly destination?: DestinationStream
}

/** A JSON logger at `level`; `time` is an ISO 8601 instant, `level` its name (`"info"`, not 30). */
export const createLogger = ({ level, destination }: LoggerOptions): Logger =>
  pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  )
