/**
 * @module Reading one row's fields, collecting every problem of the row (not just the first), and checking
 * the events a row makes against the event vocabulary, so that a CSV row is held to the same schemas as an
 * event sent over HTTP.
 */
import { type IncomingEvent, identityAlias, parseEvent } from "../../../events/index.js"
import type { CellValue, DateOrder } from "./cellValues.js"
import { instantOf } from "./cellValues.js"
import type { RowEvents, RowProblem } from "./importKinds.js"
import type { RowCells } from "./mapping.js"

/** A row being read: its cells, and the problems found so far. */
export type RowReader = {
  readonly problems: RowProblem[]
  /** The field's cell; a problem when the field is required and the cell empty. */
  text(field: string, required?: boolean): string | undefined
  /** The field's cell read by `read`; `undefined` (and a problem) when it cannot be read. */
  value<A>(field: string, read: (cell: string) => CellValue<A>, required?: boolean): A | undefined
  problem(field: string, reason: string): void
}

export const rowReader = (cells: RowCells): RowReader => {
  const problems: RowProblem[] = []
  const text = (field: string, required = false): string | undefined => {
    const cell = cells(field)
    if (cell === undefined || cell === "") {
      if (required) problems.push({ field, reason: "is empty" })
      return undefined
    }
    return cell
  }
  return {
    problems,
    text,
    value: <A>(field: string, read: (cell: string) => CellValue<A>, required = false): A | undefined => {
      const cell = text(field, required)
      if (cell === undefined) return undefined
      const parsed = read(cell)
      if (!parsed.ok) {
        problems.push({ field, reason: parsed.reason })
        return undefined
      }
      return parsed.value
    },
    problem: (field, reason) => problems.push({ field, reason }),
  }
}

/** The rep id of an owner cell: the cell itself, or the identity alias of the CRM's user it names. */
export const repIdOf = (owner: string, identitySource: string | undefined): string =>
  identitySource === undefined ? owner : identityAlias(identitySource, owner)

/** Reads an instant with the import's date order. */
export const instantIn =
  (order: DateOrder) =>
  (cell: string): CellValue<string> =>
    instantOf(cell, order)

/** An event as a client would send it, before the vocabulary checks it. */
export type DraftEvent = {
  readonly type: string
  readonly occurredAt: string
  readonly idempotencyKey: string
  readonly data: Record<string, unknown>
}

/**
 * The row's events, each checked by the vocabulary's schema; an issue on `data.<member>` is the problem of the
 * field `fieldOfMember[member]` (the column it came from).
 */
export const checkedEvents = (
  drafts: ReadonlyArray<DraftEvent>,
  fieldOfMember: Readonly<Record<string, string>>,
): RowEvents => {
  const events: IncomingEvent[] = []
  const problems: RowProblem[] = []
  for (const draft of drafts) {
    const parsed = parseEvent(withoutUndefined(draft))
    if (parsed.ok) events.push(parsed.event)
    else {
      for (const issue of parsed.issues) {
        const member = issue.path.startsWith("data.") ? (issue.path.split(".")[1] ?? "") : ""
        const field = fieldOfMember[member] ?? member
        if (!problems.some((p) => p.field === field))
          problems.push({ field, reason: `${issue.message} (${draft.type}.${member || issue.path})` })
      }
    }
  }
  return problems.length === 0 ? { ok: true, events } : { ok: false, problems }
}

const withoutUndefined = (draft: DraftEvent): DraftEvent => ({
  ...draft,
  data: Object.fromEntries(Object.entries(draft.data).filter(([, value]) => value !== undefined)),
})
