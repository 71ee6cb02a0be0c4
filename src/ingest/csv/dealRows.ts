/**
 * @module A row of a CRM's deal (opportunity) export as deal events: an open deal is a `DealOpened`; a closed
 * one is a `DealOpened` followed by its `DealWon` or `DealLost`, at the close date. The stage column says which,
 * through the stage mapping (`Closed Won=won`).
 *
 * Decisions:
 * - The idempotency keys are the deal's own (`csv:deals:<dealId>:opened|won|lost`): importing the file again
 *   appends nothing, and a later export in which an open deal has closed appends only its DealWon or DealLost.
 * - A closed deal's close date is when it was won or lost; an open deal's is its expected close date (unless an
 *   expectedCloseDate column is mapped, as Pipedrive exports both).
 * - A deal closed before it was created (a deal entered in the CRM after the fact, its close date backdated)
 *   is taken as opened at its close date: the CRM's creation date is then only when someone typed it in.
 * - The won amount is the row's amount: the export holds the deal as it ended. A won row needs one; an open or
 *   lost row may have none (real exports leave it empty on most open deals): the deal counts, in no value.
 * - A row without an account opens a deal on no account (never one bucket shared by every such deal).
 * - A row without a creation date is opened at `--opened-at-default` (the export's snapshot date, say) when
 *   given; without it the row is rejected, naming the option: a date is never guessed.
 * - An open deal keeps the export's stage as it is (`stage: "Prospecting"`), so the pipeline can be told by
 *   stage; the ledger keeps the stage it was first told, as it keeps the rest of an opening.
 */
import { amountOf, calendarDayOf } from "./cellValues.js"
import type { ImportSettings, RowEvents } from "./importKinds.js"
import { type FieldSpec, mapWord, type RowCells } from "./mapping.js"
import { checkedEvents, type DraftEvent, instantIn, type RowReader, repIdOf, rowReader } from "./rowFields.js"

export type DealOutcome = "open" | "won" | "lost"
export const dealOutcomes: ReadonlyArray<DealOutcome> = ["open", "won", "lost"]

export const dealFields: ReadonlyArray<FieldSpec> = [
  { field: "dealId", required: true, meaning: "The CRM's id of the deal (opportunity)" },
  {
    field: "owner",
    required: true,
    meaning: "The deal's owner: a rep id, or with --identity-source the CRM's user name or id",
  },
  {
    field: "account",
    required: true,
    meaning: "The account (company, organization) the deal is with; when empty, the deal is on no account",
  },
  {
    field: "stage",
    required: true,
    meaning: "The deal's stage (or status), read through --stages as open, won or lost",
  },
  {
    field: "openedAt",
    required: true,
    meaning: "When the deal was created or first engaged; when empty, --opened-at-default",
  },
  { field: "closeDate", required: true, meaning: "When a closed deal closed; an open deal's expected close date" },
  {
    field: "openStage",
    required: false,
    meaning: "An open deal's stage in the sales process, when the export has it apart from the status (Pipedrive)",
  },
  {
    field: "expectedCloseDate",
    required: false,
    meaning: "An open deal's expected close date, when the export has it apart",
  },
  { field: "amount", required: true, meaning: "The deal's amount; may be empty on an open or lost deal" },
  { field: "currency", required: false, meaning: "The amount's ISO 4217 currency" },
  { field: "lostReason", required: false, meaning: "Why a lost deal was lost" },
]

const fieldOfMember = {
  dealId: "dealId",
  repId: "owner",
  accountId: "account",
  amount: "amount",
  currency: "currency",
  expectedCloseDate: "closeDate",
  reason: "lostReason",
  stage: "stage",
}

/** What a stage's name most likely means, for the hint of an unknown stage: "Won", "Closed - Lost", "Demo". */
const likelyOutcome = (stage: string): DealOutcome =>
  /\b(won|win|signed|booked)\b/i.test(stage)
    ? "won"
    : /\b(lost|lose|dead|disqualified)\b/i.test(stage)
      ? "lost"
      : "open"

/** The fallback of a row without a creation date: `--opened-at-default`, else a problem naming it. */
const openedAtDefault = (row: RowReader, settings: ImportSettings): string | undefined => {
  if (row.problems.some((p) => p.field === "openedAt")) return undefined
  if (settings.openedAtDefault !== undefined) return settings.openedAtDefault
  row.problem(
    "openedAt",
    "is empty: the deal has no creation date; give the date to open such deals at with --opened-at-default (the export's date, say), or fill the cell",
  )
  return undefined
}

/** The events of one deal row. */
export const dealRowEvents = (cells: RowCells, settings: ImportSettings): RowEvents => {
  const row = rowReader(cells)
  const instant = instantIn(settings.dates)
  const dealId = row.text("dealId", true)
  const owner = row.text("owner", true)
  const account = row.text("account")
  const stage = row.text("stage", true)
  const outcome = stage === undefined ? undefined : mapWord(settings.stages, stage)
  if (stage !== undefined && outcome === undefined) {
    row.problem(
      "stage",
      `unknown stage "${stage}"; say what it means with --stages "${stage}=${likelyOutcome(stage)}" (or ${dealOutcomes.filter((o) => o !== likelyOutcome(stage)).join(", ")}), or "*=open" for every stage not listed`,
    )
  }
  const openedAt = row.value("openedAt", instant) ?? openedAtDefault(row, settings)
  const closed = outcome === "won" || outcome === "lost"
  const closeDate = row.value("closeDate", instant, closed)
  const expectedCloseDate = row.value("expectedCloseDate", instant)
  const amount = row.value("amount", amountOf, outcome === "won")
  const currency = row.text("currency")?.toUpperCase()
  const lostReason = row.text("lostReason")
  const openStage = closed ? undefined : (row.text("openStage") ?? stage)
  if (row.problems.length > 0) return { ok: false, problems: row.problems }

  const id = dealId as string
  const opened = closed && (closeDate as string) < (openedAt as string) ? (closeDate as string) : (openedAt as string)
  const expected = closed ? undefined : (expectedCloseDate ?? closeDate)
  const drafts: DraftEvent[] = [
    {
      type: "DealOpened",
      occurredAt: opened,
      idempotencyKey: `csv:deals:${id}:opened`,
      data: {
        dealId: id,
        repId: repIdOf(owner as string, settings.identitySource),
        accountId: account,
        amount,
        currency,
        source: settings.dealSource,
        expectedCloseDate: expected === undefined ? undefined : calendarDayOf(expected),
        stage: openStage,
      },
    },
  ]
  if (outcome === "won") {
    drafts.push({
      type: "DealWon",
      occurredAt: closeDate as string,
      idempotencyKey: `csv:deals:${id}:won`,
      data: { dealId: id, amount },
    })
  }
  if (outcome === "lost") {
    drafts.push({
      type: "DealLost",
      occurredAt: closeDate as string,
      idempotencyKey: `csv:deals:${id}:lost`,
      data: { dealId: id, reason: lostReason },
    })
  }
  return checkedEvents(drafts, fieldOfMember)
}
