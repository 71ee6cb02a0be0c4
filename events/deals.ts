/**
 * @module Deal events and the deal stream's decider: a deal is opened once, then won or lost once.
 *
 * `evolve` folds a deal's own stream into its state; `decide` checks a new event against that
 * state. Both are pure, so the store can run them inside the append's transaction.
 */
import { z } from "zod"
import { Amount, CalendarDate, Currency, DealSource, Id } from "./fields.js"

export const DealOpened = z.strictObject({
  dealId: Id,
  repId: Id.describe("The deal's owner"),
  accountId: Id.optional().describe("The account; a deal without one is on no account, never grouped with another"),
  amount: Amount.optional().describe("Unknown yet on many open deals: counted as a deal, not in pipeline value"),
  currency: Currency.optional(),
  source: DealSource,
  originatorRepId: Id.optional().describe("The rep (often a BDR) who sourced the deal"),
  expectedCloseDate: CalendarDate.optional(),
  stage: z
    .string()
    .min(1)
    .optional()
    .describe("The CRM's own stage of the open deal (Prospecting, Engaging), kept as it is"),
})

export const DealAmountChanged = z.strictObject({ dealId: Id, amount: Amount })
export const DealCloseDateChanged = z.strictObject({ dealId: Id, expectedCloseDate: CalendarDate })
export const DealWon = z.strictObject({
  dealId: Id,
  amount: Amount.optional().describe("The final amount; the last known amount when absent"),
})
export const DealLost = z.strictObject({
  dealId: Id,
  reason: z.string().optional(),
  competitor: z.string().optional(),
})

export type DealEvent =
  | { readonly type: "DealOpened"; readonly data: z.infer<typeof DealOpened> }
  | { readonly type: "DealAmountChanged"; readonly data: z.infer<typeof DealAmountChanged> }
  | { readonly type: "DealCloseDateChanged"; readonly data: z.infer<typeof DealCloseDateChanged> }
  | { readonly type: "DealWon"; readonly data: z.infer<typeof DealWon> }
  | { readonly type: "DealLost"; readonly data: z.infer<typeof DealLost> }

export type DealStatus = "none" | "open" | "won" | "lost"

export type DealState = {
  readonly status: DealStatus
  readonly repId?: string
  readonly accountId?: string
  readonly amount?: number
}

export const initialDealState: DealState = { status: "none" }

export const evolveDeal = (state: DealState, event: DealEvent): DealState => {
  switch (event.type) {
    case "DealOpened":
      return { status: "open", repId: event.data.repId, accountId: event.data.accountId, amount: event.data.amount }
    case "DealAmountChanged":
      return { ...state, amount: event.data.amount }
    case "DealCloseDateChanged":
      return state
    case "DealWon":
      return { ...state, status: "won", amount: event.data.amount ?? state.amount }
    case "DealLost":
      return { ...state, status: "lost" }
    default:
      return assertNever(event)
  }
}

/** Why a deal event cannot be appended to the deal as it stands; `undefined` when it can. */
export const decideDeal = (state: DealState, event: DealEvent): string | undefined => {
  switch (event.type) {
    case "DealOpened":
      return state.status === "none"
        ? undefined
        : `deal ${event.data.dealId} was already opened (it is ${state.status})`
    case "DealWon":
      if (state.status === "open" && event.data.amount === undefined && state.amount === undefined)
        return `deal ${event.data.dealId} has no amount: send the won amount with DealWon (or DealAmountChanged first)`
      return decideChange(state, event.data.dealId)
    case "DealAmountChanged":
    case "DealCloseDateChanged":
    case "DealLost":
      return decideChange(state, event.data.dealId)
    default:
      return assertNever(event)
  }
}

const decideChange = (state: DealState, dealId: string): string | undefined =>
  state.status === "open"
    ? undefined
    : state.status === "none"
      ? `deal ${dealId} has not been opened: send DealOpened first`
      : `deal ${dealId} is already ${state.status}: a closed deal cannot change`

function assertNever(event: never): never {
  throw new Error(`unhandled deal event ${JSON.stringify(event)}`)
}
