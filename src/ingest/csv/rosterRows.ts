/**
 * @module A row of a team roster as a `RepJoined` (with team and manager), and, when the roster says how the
 * CRM names the rep, a `RepIdentityLinked` so that deals and activities imported with `--identity-source`
 * are credited to the rep. A rep of the roster with no activity at all still appears in every comparison.
 *
 * Decisions:
 * - The RepJoined's key carries a digest of what the row says: importing the same roster again appends
 *   nothing, and a roster in which a rep changed team or manager appends the new details (the fold reads a
 *   later RepJoined of a known rep as an update).
 * - Without a start-date column, a rep joined on `--joined-on` (default 2000-01-01): on the team before any
 *   activity imported.
 * - Without a name column, a rep's name is their id.
 */
import { contentKey } from "../idempotencyKey.js"
import type { ImportSettings, RowEvents } from "./importKinds.js"
import { type FieldSpec, mapWord, type RowCells } from "./mapping.js"
import { checkedEvents, type DraftEvent, instantIn, rowReader } from "./rowFields.js"

export type RepRole = "AE" | "BDR" | "manager" | "other"
export const repRoles: ReadonlyArray<RepRole> = ["AE", "BDR", "manager", "other"]

export const defaultRoles: ReadonlyArray<readonly [string, RepRole]> = [
  ["AE", "AE"],
  ["account executive", "AE"],
  ["BDR", "BDR"],
  ["SDR", "BDR"],
  ["business development representative", "BDR"],
  ["sales development representative", "BDR"],
  ["manager", "manager"],
  ["sales manager", "manager"],
  ["other", "other"],
]

export const rosterFields: ReadonlyArray<FieldSpec> = [
  { field: "repId", required: true, meaning: "The rep's id in the ledger" },
  { field: "name", required: false, meaning: "The rep's name (default: the id)" },
  { field: "email", required: false, meaning: "The rep's email" },
  { field: "role", required: false, meaning: "AE, BDR, manager or other, read through --roles (default --role)" },
  { field: "team", required: false, meaning: "The rep's team" },
  { field: "manager", required: false, meaning: "The rep id of the rep's manager" },
  { field: "joinedAt", required: false, meaning: "When the rep joined (default --joined-on)" },
  {
    field: "identity",
    required: false,
    meaning: "How the CRM names the rep (user name or id), with --identity-source",
  },
]

const fieldOfMember = {
  repId: "repId",
  name: "name",
  email: "email",
  role: "role",
  team: "team",
  managerRepId: "manager",
  externalId: "identity",
}

/** The events of one roster row. */
export const rosterRowEvents = (cells: RowCells, settings: ImportSettings): RowEvents => {
  const row = rowReader(cells)
  const repId = row.text("repId", true)
  const name = row.text("name")
  const email = row.text("email")
  const roleWord = row.text("role")
  const role = roleWord === undefined ? settings.defaultRole : mapWord(settings.roles, roleWord)
  if (roleWord !== undefined && role === undefined) {
    row.problem(
      "role",
      `unknown role "${roleWord}"; say what it is with --roles "${roleWord}=AE" (or BDR, manager, other)`,
    )
  }
  const team = row.text("team")
  const manager = row.text("manager")
  const joinedAt = row.value("joinedAt", instantIn(settings.dates)) ?? settings.joinedOn
  const identity = row.text("identity")
  if (row.problems.length > 0) return { ok: false, problems: row.problems }

  const id = repId as string
  const data = { repId: id, name: name ?? id, email, role, team, managerRepId: manager }
  const joined = { type: "RepJoined", occurredAt: joinedAt, data }
  const drafts: DraftEvent[] = [
    { ...joined, idempotencyKey: `csv:reps:${id}:joined:${contentKey(joined).slice("sha256:".length, 23)}` },
  ]
  if (identity !== undefined && settings.identitySource !== undefined) {
    drafts.push({
      type: "RepIdentityLinked",
      occurredAt: joinedAt,
      idempotencyKey: `csv:reps:${id}:identity:${settings.identitySource}:${identity}`,
      data: { repId: id, source: settings.identitySource, externalId: identity },
    })
  }
  return checkedEvents(drafts, fieldOfMember)
}
