/**
 * @module Between two measures of one server: the read model folds what the last measure stored
 * (the runner folds a load's events while it runs, and the rest after it), so that the next measure
 * starts on a quiet server and does not pay for the last one's catch-up. Without it, the single
 * events measured right after 1,000-event batches shared the core with the batches' catch-up.
 */
import type { RunningServer } from "../../src/server.js"
import { type LoadReport, runHttpLoad } from "../httpLoad.js"

export const settle = async (server: RunningServer): Promise<void> => {
  if (!(await server.scorecardsCaughtUp(120_000)))
    throw new Error("the read model did not catch up within 2 minutes between two measures")
}

/** An HTTP load on `server` (runs of `seconds` unless told), each started once the server has settled. */
export const settledLoad =
  (server: RunningServer, apiKey: string, seconds: number) =>
  async (eventsPerRequest: number, connections: number, runSeconds = seconds): Promise<LoadReport> => {
    await settle(server)
    return runHttpLoad({ url: server.url, apiKey, eventsPerRequest, connections, seconds: runSeconds })
  }
