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
import { measureCoverageWhatIf, periodStartBounds } from "./coverageWhatIf.js"
import { boundKey, type LogReplayer } from "./replayer.js"
import { type FieldIssue, parseWhatIfCoverage } from "./request.js"

export type {
  CoverageWhatIfAnswer,
  PeriodAnswer,
  PolicyTotals,
  RepPeriod,
  ScenarioDifference,
  ScenarioTotals,
  TeamTotals,
} from "./answer.js"
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
  const asOf = request.asOf ?? undefined
  // The period starts depend on the team's calendar, which the log may change between two reads: the
  // starts are folded again in the (unlikely) case the second read asks for other ones.
  for (let attempt = 0; ; attempt++) {
    const bounds = await replayer.read(asOf, signal, ({ state }) => periodStartBounds(state, request))
    const starts = await replayer.foldAt(bounds, signal)
    const measured = await replayer.read(asOf, signal, (replayed) => {
      const known = periodStartBounds(replayed.state, request).every((bound) => starts.has(boundKey(bound)))
      return known || attempt >= 2 ? measureCoverageWhatIf(replayed, request, starts) : undefined
    })
    if (measured !== undefined) return measured.ok ? measured : { ok: false, issues: [measured.issue] }
  }
}
