/**
 * @module The `ledger_read_models` table: each read model's generations, their fold version,
 * status (building → active → retired) and checkpoint.
 */
import type { Checkpoint } from "../store/eventLog.js"
import type { SqlQueryable } from "../store/sql.js"

export type GenerationStatus = "building" | "active" | "retired"

export type Generation = {
  readonly name: string
  readonly generation: number
  readonly foldVersion: number
  readonly status: GenerationStatus
  readonly checkpoint: Checkpoint
  readonly eventsApplied: number
  readonly updatedAt: string
}

type Row = {
  name: string
  generation: number
  fold_version: number
  status: GenerationStatus
  checkpoint_tx: string
  checkpoint_position: number | string
  events_applied: number | string
  updated_at: Date
}

const columns = `name, generation, fold_version, status, checkpoint_tx::text as checkpoint_tx, checkpoint_position, events_applied, updated_at`

const toGeneration = (row: Row): Generation => ({
  name: row.name,
  generation: Number(row.generation),
  foldVersion: Number(row.fold_version),
  status: row.status,
  checkpoint: { transactionId: row.checkpoint_tx, position: Number(row.checkpoint_position) },
  eventsApplied: Number(row.events_applied),
  updatedAt: row.updated_at.toISOString(),
})

/** The generations that are building or active, oldest first. */
export const liveGenerations = async (q: SqlQueryable, name: string): Promise<ReadonlyArray<Generation>> =>
  (
    await q.query<Row>(
      `select ${columns} from ledger_read_models where name = $1 and status <> 'retired' order by generation`,
      [name],
    )
  ).map(toGeneration)

export const activeGeneration = async (q: SqlQueryable, name: string): Promise<Generation | undefined> => {
  const row = (
    await q.query<Row>(`select ${columns} from ledger_read_models where name = $1 and status = 'active'`, [name])
  )[0]
  return row === undefined ? undefined : toGeneration(row)
}

/** Registers a new generation; the first one of a read model is active at once (it has nothing to replace). */
export const addGeneration = async (q: SqlQueryable, name: string, foldVersion: number): Promise<Generation> => {
  const rows = await q.query<Row>(
    `insert into ledger_read_models (name, generation, fold_version, status)
     select $1, coalesce(max(generation), 0) + 1, $2,
            case when exists (select 1 from ledger_read_models where name = $1 and status = 'active') then 'building' else 'active' end
     from ledger_read_models where name = $1
     returning ${columns}`,
    [name, foldVersion],
  )
  return toGeneration(rows[0] as Row)
}

/**
 * A SQL expression for a generation's events applied, as the transaction it runs in sees them:
 * after `advanceCheckpoint`, with the batch being written (deal rows are stamped with it).
 */
export const eventsAppliedExpression = (name: string, generation: number): string =>
  `(select events_applied from ledger_read_models where name = '${name.replaceAll("'", "''")}' and generation = ${Math.trunc(generation)})`

/**
 * Moves a generation's checkpoint from `from` to `to`, only if it is still at `from`, and answers the
 * generation's events applied with these; `undefined` when another runner moved it meanwhile:
 * nothing is written and the caller's transaction must roll back.
 */
export const advanceCheckpoint = async (
  q: SqlQueryable,
  generation: Generation,
  from: Checkpoint,
  to: Checkpoint,
  events: number,
): Promise<number | undefined> => {
  const rows = await q.query<{ events_applied: number | string }>(
    `update ledger_read_models
     set checkpoint_tx = $4::text::xid8, checkpoint_position = $5, events_applied = events_applied + $6, updated_at = now()
     where name = $1 and generation = $2 and checkpoint_tx = $3::text::xid8 and checkpoint_position = $7 and status <> 'retired'
     returning events_applied`,
    [generation.name, generation.generation, from.transactionId, to.transactionId, to.position, events, from.position],
  )
  return rows[0] === undefined ? undefined : Number(rows[0].events_applied)
}

/** Makes a caught-up building generation the active one, and retires the one it replaces. */
export const promote = async (q: SqlQueryable, generation: Generation): Promise<ReadonlyArray<number>> => {
  const retired = await q.query<{ generation: number }>(
    `update ledger_read_models set status = 'retired', updated_at = now()
     where name = $1 and status = 'active' and generation <> $2 returning generation`,
    [generation.name, generation.generation],
  )
  await q.query(
    `update ledger_read_models set status = 'active', updated_at = now() where name = $1 and generation = $2`,
    [generation.name, generation.generation],
  )
  return retired.map((r) => Number(r.generation))
}

/** Whether checkpoint `a` is at or past `b` in the log's order. */
export const reached = (a: Checkpoint, b: Checkpoint): boolean => {
  const ta = BigInt(a.transactionId)
  const tb = BigInt(b.transactionId)
  return ta > tb || (ta === tb && a.position >= b.position)
}
