/**
 * @module Between two measures of one server: the read model folds what the last measure stored
 * (the runner folds a load's events while it runs, and the rest after it), so that the next measure
 * starts on a quiet server and does not pay for the last one's catch-up. Without it, the single
 * events measured right after 1,000-event batches shared the core with the batches' catch-up.
 */
import type { RunningServer } from "../../src/server.js"

export const settle = async (server: RunningServer): Promise<void> => {
  if (!(await server.scorecardsCaughtUp(120_000))) throw new Error("the read model did not catch up within 2 minutes between two measures")
}
