/**
 * @module How large a window of days a read may ask for: the one bound shared by the scorecards
 * (`GET /v1/reps/{repId}/scorecard`, `GET /v1/team/comparison`) and the what-if replay. Checked in
 * closed form, before any bucket is built: unbounded, `from=0001-01-01&to=9999-12-31` bucketed by
 * week built 520,000 buckets (a 500 after 10 s), and by day burned minutes of CPU (found by
 * test/fuzz.e2e.test.ts).
 *
 * @example
 * windowIssue({ from: "2026-01-01", to: "2026-12-31" }, "day") // undefined: 365 buckets
 * windowIssue({ from: "2000-01-01", to: "2026-12-31" })        // { parameter: "to", message: "the window may span at most 3660 days…" }
 */
import { daysBetween } from "./calendar.js"
import { bucketCountOf, type Granularity, maxWindowBuckets } from "./periods.js"

/** The longest window: `to` at most 3,660 days after `from` (ten years, leap days and a margin included). */
export const maxWindowDays = 3_660

/** What is wrong with a window, and which query parameter to change. */
export type WindowIssue = { readonly parameter: "from" | "to" | "bucket"; readonly message: string }

/**
 * The first thing wrong with a window of day keys (`from` after `to`, a span over `maxWindowDays`,
 * more than `maxWindowBuckets` buckets of `granularity`), or `undefined` for a window a read can
 * answer. Both days must be calendar days (`isCalendarDay`): requests validate them first.
 */
export const windowIssue = (
  window: { readonly from: string; readonly to: string },
  granularity?: Granularity,
  fiscalYearStartMonth = 1,
): WindowIssue | undefined => {
  const span = daysBetween(window.from, window.to)
  if (span < 0)
    return { parameter: "from", message: `must be on or before \`to\` (${window.from} is after ${window.to})` }
  if (span > maxWindowDays) {
    return {
      parameter: "to",
      message: `the window may span at most ${maxWindowDays} days (10 years); ${window.from} to ${window.to} spans ${span}: narrow \`from\`–\`to\``,
    }
  }
  if (granularity === undefined) return undefined
  const buckets = bucketCountOf(window.from, window.to, granularity, fiscalYearStartMonth)
  return buckets <= maxWindowBuckets
    ? undefined
    : {
        parameter: "bucket",
        message: `bucket=${granularity} cuts ${window.from} to ${window.to} into ${buckets} buckets, over the limit of ${maxWindowBuckets}; use a coarser bucket (week, month, quarter) or a shorter window`,
      }
}
