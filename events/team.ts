/**
 * @module Team settings, as events so that a replay sees them as they were at the time.
 */
import { z } from "zod"
import { Currency } from "./fields.js"

export const TeamSettingsChanged = z
  .object({
    timeZone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Paris or UTC").optional(),
    conversationSeconds: z.number().int().positive().optional(),
    declineQuietDays: z.number().int().nonnegative().optional(),
    fiscalYearStartMonth: z.number().int().min(1).max(12).optional(),
    currency: Currency.optional(),
    targetListCap: z.number().int().positive().optional(),
    proactiveLookbackDays: z.number().int().positive().optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), "must change at least one setting")

export type TeamSettings = {
  readonly timeZone: string
  readonly conversationSeconds: number
  readonly declineQuietDays: number
  readonly fiscalYearStartMonth: number
  readonly currency: string
  /** How many target accounts one seller's list should hold at most: warned about, never enforced. */
  readonly targetListCap: number
  /** How far back before a deal opened its owner's outbound activity makes it proactive (projections/proactive.ts). */
  readonly proactiveLookbackDays: number
}

export const defaultTeamSettings: TeamSettings = {
  timeZone: "UTC",
  conversationSeconds: 60,
  declineQuietDays: 90,
  fiscalYearStartMonth: 1,
  currency: "USD",
  targetListCap: 60,
  proactiveLookbackDays: 90,
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}
