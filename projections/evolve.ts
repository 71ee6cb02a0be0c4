/**
 * @module The fold of the whole ledger: `evolve` reads the state and returns the changes an event
 * causes (never mutating), `applyChanges` applies them, `foldEvent` does both (and counts when the
 * event happened), `foldAll` folds a history.
 *
 * Day keys are computed in the team time zone in force when the event is folded; credit follows
 * shared/METRICS.md "Who gets credit". The fold is total: no event makes it throw. Decisions where
 * the spec is silent are documented in the module of each family of events: activities.ts,
 * meetings.ts, deals.ts, team.ts.
 *
 * @example
 * const state = emptyLedgerState()
 * for (const event of events) foldEvent(state, event)
 * // or: const state = foldAll(events)
 */
import type { LedgerEvent } from "../events/index.js"
import { foldCall, foldEmail, foldTouch } from "./activities.js"
import { applyChanges, type Change, noChanges } from "./changes.js"
import { foldDealAmountChanged, foldDealCloseDateChanged, foldDealClosed, foldDealOpened } from "./deals.js"
import { foldRepIdentityLinked, resolveIdentities } from "./identities.js"
import { foldMeetingBooked, foldMeetingHeld, foldMeetingMissed } from "./meetings.js"
import { countOccurrence } from "./occurrences.js"
import { emptyLedgerState, type LedgerState } from "./state.js"
import { foldTargetAccountReassigned } from "./targetLists.js"
import {
  foldAccountTargeted,
  foldAccountUntargeted,
  foldProspectDeclined,
  foldQuotaSet,
  foldRepJoined,
  foldRepLeft,
  foldTeamSettingsChanged,
} from "./team.js"

/**
 * The changes one event makes to the read model, given the state before it. Pure: reads `state`,
 * never mutates it. Apply the result with {@link applyChanges} before folding the next event.
 * Every rep it names is first resolved through the linked vendor identities (identities.ts).
 * `occurredMs` is the event's instant, when the caller has it already (a catch-up reads it so).
 */
export const evolve = (
  state: LedgerState,
  sent: LedgerEvent,
  occurredMs = Date.parse(sent.occurredAt),
): ReadonlyArray<Change> => {
  const event = resolveIdentities(state.identities, sent)
  switch (event.type) {
    case "RepJoined":
      return foldRepJoined(state, event)
    case "RepLeft":
      return foldRepLeft(state, event)
    case "QuotaSet":
      return foldQuotaSet(state, event)
    case "RepIdentityLinked":
      return foldRepIdentityLinked(state, event)
    case "AccountTargeted":
      return foldAccountTargeted(state, event)
    case "AccountUntargeted":
      return foldAccountUntargeted(state, event)
    case "TargetAccountReassigned":
      return foldTargetAccountReassigned(state, event)
    case "CallLogged":
      return foldCall(state, event, occurredMs)
    case "EmailSent":
      return foldEmail(state, event, occurredMs)
    case "TouchLogged":
      return foldTouch(state, event, occurredMs)
    case "ProspectDeclined":
      return foldProspectDeclined(state, event)
    case "MeetingBooked":
      return foldMeetingBooked(state, event)
    case "MeetingHeld":
      return foldMeetingHeld(state, event)
    case "MeetingCanceled":
    case "MeetingNoShow":
      return foldMeetingMissed(state, event)
    case "DealOpened":
      return foldDealOpened(state, event)
    case "DealAmountChanged":
      return foldDealAmountChanged(state, event)
    case "DealCloseDateChanged":
      return foldDealCloseDateChanged(state, event)
    case "DealWon":
    case "DealLost":
      return foldDealClosed(state, event)
    case "TeamSettingsChanged":
      return foldTeamSettingsChanged(state, event)
    case "CallEventReceived": // a dialer's raw signal; its call counts once, as the CallLogged it leads to
    case "PersonErased": // personal data is kept apart from the log; no figure depends on it
      return noChanges
    default:
      return assertNever(event)
  }
}

/**
 * Folds one event into the state, in place: its changes applied, its instant counted
 * (occurrences.ts). Answers the changes (the live runner writes the rows they touched). The one
 * way an event enters a state: the live read model, rebuilds and what-if replays all fold with it.
 */
export const foldEvent = (
  state: LedgerState,
  event: LedgerEvent,
  occurredMs = Date.parse(event.occurredAt),
): ReadonlyArray<Change> => {
  const changes = evolve(state, event, occurredMs)
  applyChanges(state, changes)
  countOccurrence(state.occurrences, occurredMs)
  return changes
}

/**
 * Folds a history into a state (a new empty one unless given; a given state is updated in place
 * and returned).
 *
 * @example foldAll(events).repDays.get("ana|2026-11-02")?.dials
 */
export const foldAll = (events: Iterable<LedgerEvent>, state: LedgerState = emptyLedgerState()): LedgerState => {
  for (const event of events) foldEvent(state, event)
  return state
}

function assertNever(event: never): never {
  throw new Error(`unhandled event ${JSON.stringify(event)}`)
}
