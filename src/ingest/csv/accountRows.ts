/**
 * @module A row of a CRM's accounts (companies) export as the target list's event: an account that buys what we
 * sell (the `customer` flag) or that a competitor serves (`competitorCustomer`) is an `AccountTargeted`, with its
 * name, industry, size and owner (the seller whose list it is on); any other account makes no event.
 *
 * Decisions:
 * - The customer flag reads yes, y, true, 1 or x, and any text holding the word "customer" (Salesforce's Type
 *   "Customer - Direct", HubSpot's Lifecycle Stage "Customer"); no, n, false, 0, an empty cell or any other text
 *   ("Prospect") is not a customer.
 * - The competitor's-customer cell reads the same yes and no words; any other text is the competitor's name (the
 *   account's `incumbent`). A customer of ours and of a competitor both is targeted as buying what we sell.
 * - The owner cell is read as the deals import reads its owner: a rep id, or with `--identity-source` the CRM's
 *   user name or id, recorded as its identity alias (`salesforce:Ana Lopez`) and credited to the rep once linked.
 *   It becomes `ownerRepId`: the account is on that seller's list from the event's date (`--joined-on`). An empty
 *   cell names no owner, and an account targeted again without one keeps the owner it has.
 * - The key carries a digest of what the row says (`csv:accounts:<id>:targeted:<digest>`), the owner included:
 *   importing the same file again appends nothing, and an account whose details or owner changed appends the new
 *   ones (a later `AccountTargeted` updates the account; a new owner takes it onto their list from its date). A
 *   row without an owner digests as it did before the owner column existed, so its key is unchanged. An account
 *   no longer flagged is not taken off the list: that is `AccountUntargeted`.
 */
import { contentKey } from "../idempotencyKey.js"
import type { ImportSettings, RowEvents } from "./importKinds.js"
import type { FieldSpec, RowCells } from "./mapping.js"
import { checkedEvents, repIdOf, rowReader } from "./rowFields.js"

export const accountFields: ReadonlyArray<FieldSpec> = [
  { field: "accountId", required: true, meaning: "The CRM's id of the account, as deals and activities name it" },
  { field: "name", required: false, meaning: "The account's name" },
  { field: "industry", required: false, meaning: "The account's industry" },
  { field: "size", required: false, meaning: "Its size: employees (1200) or a band (51-200)" },
  {
    field: "customer",
    required: false,
    meaning: 'Whether it buys what we sell: yes/no, or a type holding "customer"',
  },
  {
    field: "competitorCustomer",
    required: false,
    meaning: "Whether a competitor serves it: yes/no, or the competitor's name",
  },
  {
    field: "owner",
    required: false,
    meaning:
      "The seller whose list it is on: a rep id, or with --identity-source the CRM's user name or id; when empty, no owner",
  },
]

const fieldOfMember = {
  accountId: "accountId",
  name: "name",
  industry: "industry",
  size: "size",
  incumbent: "competitorCustomer",
  ownerRepId: "owner",
}

const yes = /^(yes|y|true|1|x)$/i
const no = /^(no|n|false|0)$/i

/** The events of one accounts row: its `AccountTargeted`, or none when it is no one's customer. */
export const accountRowEvents = (cells: RowCells, settings: ImportSettings): RowEvents => {
  const row = rowReader(cells)
  const accountId = row.text("accountId", true)
  const name = row.text("name")
  const industry = row.text("industry")
  const size = row.text("size")
  const customerCell = row.text("customer")
  const competitorCell = row.text("competitorCustomer")
  const owner = row.text("owner")
  if (row.problems.length > 0) return { ok: false, problems: row.problems }

  const customer = customerCell !== undefined && (yes.test(customerCell) || /\bcustomer\b/i.test(customerCell))
  const competitor = competitorCell !== undefined && !no.test(competitorCell)
  if (!customer && !competitor) return { ok: true, events: [] }
  const incumbent = competitor && !yes.test(competitorCell as string) ? competitorCell : undefined
  const targeted = {
    type: "AccountTargeted",
    occurredAt: settings.joinedOn,
    data: {
      accountId: accountId as string,
      name,
      reason: customer ? "buys_what_we_sell" : "displacement",
      incumbent,
      industry,
      size,
      // Undefined when the cell is empty: dropped from the digest, so such a row keeps the key it always had.
      ownerRepId: owner === undefined ? undefined : repIdOf(owner, settings.identitySource),
    },
  }
  const digest = contentKey(targeted).slice("sha256:".length, 23)
  return checkedEvents([{ ...targeted, idempotencyKey: `csv:accounts:${accountId}:targeted:${digest}` }], fieldOfMember)
}
