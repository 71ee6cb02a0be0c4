/**
 * @module The scorecard read model as a snapshot of the fold: the state its active generation holds
 * and the checkpoint it holds it at, read in one transaction. A what-if replay starts from it and
 * folds only the events after it, instead of folding the whole log again (the read model is the
 * pure fold of the log up to its checkpoint: test/projectionRunner.int.test.ts).
 */
import type { LedgerState } from "../../projections/index.js"
import { activeGeneration } from "../readModel/registry.js"
import { loadState } from "../readModel/scorecardState.js"
import { scorecardFoldVersion, scorecardModel } from "../readModel/scorecardTables.js"
import type { Checkpoint } from "../store/eventLog.js"
import { type SqlDatabase, sqlErrorCode } from "../store/sql.js"

export type FoldedSnapshot = { readonly state: LedgerState; readonly checkpoint: Checkpoint }

/**
 * The active generation's state at its checkpoint, or `undefined` when there is none to trust: no
 * generation is active yet, or the active one was folded by other folds (an older fold version,
 * while its successor builds), or it was retired while being read.
 */
export const foldedSnapshot = async (db: SqlDatabase): Promise<FoldedSnapshot | undefined> => {
  try {
    return await db.transaction(async (tx) => {
      // One snapshot of every table: the runner commits batches meanwhile (PostgreSQL; on PGlite a
      // transaction is alone anyway).
      await tx.query("set transaction isolation level repeatable read, read only")
      const generation = await activeGeneration(tx, scorecardModel)
      if (generation === undefined || generation.foldVersion !== scorecardFoldVersion) return undefined
      return { state: await loadState(tx, generation.generation), checkpoint: generation.checkpoint }
    })
  } catch (error) {
    // 42P01: a promotion dropped the generation's tables under the read; the caller folds the log instead.
    if (sqlErrorCode(error) === "42P01") return undefined
    throw error
  }
}
