/**
 * @module The what-if measured on a log held in memory, the way the specification says: the log as a
 * whole folded for the outcomes, and the log truncated at each period's start (by occurredAt, or by
 * recordedAt) folded afresh for what was known then. The oracle the replayer is held to.
 */
import type { LedgerEvent } from "../../events/index.js"
import { foldAll } from "../../projections/index.js"
import type { CoverageWhatIfResult } from "../../src/whatif/answer.js"
import { measureCoverageWhatIf, periodStartBounds } from "../../src/whatif/coverageWhatIf.js"
import { type AsOfBound, boundKey } from "../../src/whatif/replayer.js"
import type { WhatIfCoverage } from "../../src/whatif/request.js"

/** The log: its events in log order, each one's recording instant (default: when it occurred). */
export type LogInMemory = {
  readonly events: ReadonlyArray<LedgerEvent>
  readonly recordedAt?: ReadonlyArray<string>
  /** Whether the log holds events beyond the ones given (an `asOf` bound cut them off). */
  readonly logHasEvents?: boolean
}

const within = (log: LogInMemory, bound: AsOfBound): ReadonlyArray<LedgerEvent> =>
  log.events.filter((event, index) =>
    "occurred" in bound
      ? Date.parse(event.occurredAt) <= Date.parse(bound.occurred)
      : Date.parse(log.recordedAt?.[index] ?? event.occurredAt) <= Date.parse(bound.recorded),
  )

/** The what-if of `request` on the log in memory (bounded by `request.asOf`, when given). */
export const measureOnLog = (log: LogInMemory, request: WhatIfCoverage): CoverageWhatIfResult => {
  const replayed = request.asOf === null ? log.events : within(log, request.asOf)
  const state = foldAll(replayed)
  const starts = new Map(
    periodStartBounds(state, request).map((bound) => [boundKey(bound), foldAll(within(log, bound))]),
  )
  return measureCoverageWhatIf({ state, logHasEvents: log.logHasEvents ?? log.events.length > 0 }, request, starts)
}
