/**
 * @module What-if coverage: replay the event log under a different mandate (src/whatif/README.md). The one entry point of `POST /v1/what-if/coverage` and of
 * `ledger what-if coverage`: validate the request, replay the log (as of a bound, when asked), measure.
 * It reads the log and nothing else, and writes nothing.
 *
 * @example
 * const replayer = new LogReplayer(db)
 * const result = await coverageWhatIf(replayer, { coverageTarget: 3, from: "2026-01-01", to: "2026-12-31", period: "quarter" })
 * if (result.ok) console.log(result.answer.totals.backTest.mandate)
 */
import type { CoverageWhatIfAnswer } from "./answer.js"
import { measureCoverageWhatIf } from "./coverageWhatIf.js"
import type { LogReplayer } from "./replayer.js"
import { type FieldIssue, parseWhatIfCoverage } from "./request.js"

export type { CoverageWhatIfAnswer, PeriodAnswer, PolicyTotals, RepPeriod, TeamTotals } from "./answer.js"
export { lookbackDays } from "./coverageWhatIf.js"
export { type AsOfBound, LogReplayer, ReplayCancelled, type ReplayerOptions } from "./replayer.js"
export { type FieldIssue, parseWhatIfCoverage, type WhatIfCoverage, WhatIfCoverageRequest } from "./request.js"

export type CoverageWhatIfOutcome =
  | { readonly ok: true; readonly answer: CoverageWhatIfAnswer }
  | { readonly ok: false; readonly issues: ReadonlyArray<FieldIssue> }

/**
 * Answers a what-if coverage request on the replayer's log, or names each field to change. Rejects
 * with `ReplayCancelled` once `signal` aborts.
 */
export const coverageWhatIf = async (
  replayer: LogReplayer,
  input: unknown,
  signal?: AbortSignal,
): Promise<CoverageWhatIfOutcome> => {
  const parsed = parseWhatIfCoverage(input)
  if (!parsed.ok) return parsed
  const { request } = parsed
  const measured = await replayer.read(request.asOf ?? undefined, signal, (replayed) =>
    measureCoverageWhatIf(replayed, request),
  )
  return measured.ok ? measured : { ok: false, issues: [measured.issue] }
}
