/**
 * @module The what-if coverage's specification: how every figure of its answer is computed, in
 * words and formulas. It is the OpenAPI description of `POST /v1/what-if/coverage` and, word for
 * word, the section "How each figure is computed" of src/whatif/README.md, the one document of the
 * what-if: test/docs.whatif.unit.test.ts fails when the two differ, and runs that document's worked
 * example through the replay's code. Change them together.
 */

export const coverageWhatIfFormulas = `
Replays the event log under a flat coverage mandate and answers, per rep and period, what the mandate
asks for, what it costs at the rep's own history and what it plans to lose, side by side with the
rep-specific target (\`requiredCoverage\`), and back-tests both against the quotas actually hit.
Read-only: it never changes the log or the read models. Same log and same request: the same bytes.

**Replay.** The log is read in its order (transaction, position), behind the store's fence, and folded
by the live read model's own fold (\`projections/\`: \`evolve\`, \`applyChanges\`). \`asOf.occurred\` keeps
only the events with occurredAt ≤ the instant; \`asOf.recorded\` only those with recordedAt ≤ it. The
outcomes (\`wonByEnd\`, \`hitQuota\`), the quota (the last \`QuotaSet\` for its period: a period's target, which
a team may set on its first morning) and the reps on the team are measured on that whole (bounded) fold.
**No hindsight.** Everything measured at a period's start (pipelines, coverage, \`wonSoFar\`,
\`requiredCoverage\`, \`history\`) is measured on the log as it stood at that instant, folded afresh: the
events that had occurred by it (\`asOf: "occurred"\`, the default, or \`asOf.occurred\`) or that had been
recorded by it (\`asOf: "recorded"\`, or \`asOf.recorded\`), and within the bound, when sooner. A deal is
priced at the amount known then, not at a later one. Time zone and fiscal calendar: the team settings of
the replayed state.

**Periods.** Every month, or (fiscal) quarter, with a day in [from, to], each whole: \`start\` is local
midnight of its first day, \`end\` local midnight after its last day (exclusive).
**Reps.** Every rep (of \`team\`, when given: RepJoined.team) on the team during the period — joined (or,
never joined, first seen) before \`end\` and not left before \`start\` — sorted by repId.

**Per rep and period**, measured at \`at\` = the period's \`start\`:
- \`quota\`: the quota in force at \`at\` (the quarter's, else the month's). \`wonSoFar\`: wonValue of the
  rep's deals won in [quota period start, at]. \`remainingQuota\` = max(0, quota − wonSoFar); null without a quota.
- \`openPipeline\`, \`qualifiedPipeline\`: amounts of the rep's deals open at \`at\` (qualified by a second
  meeting by \`at\`, for the latter).
- \`coverage\` = openPipeline / (quota − wonSoFar); \`qualifiedCoverage\` = qualifiedPipeline / (quota − wonSoFar);
  null when the quota is unset or met.
- \`closedDeals\`, \`valueWinRate\`: the rep's deals closed (won or lost) in (at − 365 days, at], and won value /
  closed value. \`requiredCoverage\` = 1 / valueWinRate, given only from \`minClosedDeals\` closed deals (default
  2: one closed deal is a rate of 0% or 100%, never a rate; 5 is the rankings' minimum); otherwise null, with
  \`requiredCoverageReason\` saying why (too few deals closed, nothing of value won). The scenarios use the same
  rate, under the same minimum.
- \`pipelineCounted\` / \`coverageCounted\`: the qualified figures with \`rules.qualifiedOnly\`, else the open ones.
- \`history\`: the rep's day counters summed over the 365 days before the period's first day
  (\`history.from\`..\`history.to\`): \`activities\` (minus \`badgering\` with \`rules.excludeBadgering\`),
  \`meetingsBooked\`, \`dealsOpened\`, \`openedValue\` (amounts at opening); \`avgDealSize\` = openedValue /
  dealsOpened; \`meetingsPerDeal\` = meetingsBooked / dealsOpened; \`activitiesPerMeeting\` = activities /
  meetingsBooked; \`activitiesPerDeal\` = activities / dealsOpened. A ratio with a zero denominator is null.
- For each policy, \`mandate\` (target = coverageTarget) and \`repTarget\` (target = requiredCoverage):
  - \`impliedLossRate\` = 1 − 1/target (8x ⇒ 0.875).
  - \`met\`: pipelineCounted ≥ target × remainingQuota (coverageCounted ≥ target); null without a target, a
    quota, or quota left.
  - \`gap\` = max(0, target × remainingQuota − pipelineCounted); null without a target or a quota.
  - \`extraDeals\` = gap / avgDealSize; \`extraMeetings\` = extraDeals × meetingsPerDeal; \`extraActivities\` =
    extraDeals × activitiesPerDeal. That equals extraMeetings × activitiesPerMeeting whenever
    the rep booked a meeting, and stays defined for a rep whose deals came without meetings booked. All 0
    when the gap is 0; null when the gap is positive and the rep opened no deal in the history window.
  - \`pipelineAtTarget\` = target × remainingQuota; \`expectedLostValue\` = pipelineAtTarget × impliedLossRate
    (= (target − 1) × remainingQuota); \`expectedLostDeals\` = expectedLostValue / avgDealSize.
- Back-test: the period is \`over\` when the replayed history reaches its last instant (\`asOf.occurred\` when
  given, else the latest occurredAt replayed). When over, with a quota in force at \`at\`: \`wonByEnd\` =
  wonValue won from the quota period's start to the period's end (or the quota period's end, if sooner);
  \`hitQuota\` = wonByEnd ≥ quota. Otherwise both are null.

**Scenarios** (\`scenarios\`, each a column; \`coverageTarget\` alone is one, and comes first beside them). Each
asks a rep for a coverage target and is priced by the formulas above (\`met\`, \`gap\`, \`extra…\`, \`pipelineAtTarget\`,
\`expectedLostValue\`): a flat mandate asks \`coverageTarget\`; \`own-required-coverage\` asks the rep's
\`requiredCoverage\`; \`effectiveness\` raises the rep's \`valueWinRate\` (of the deals closed in (at − 365 days,
at]) by \`winRateDelta\`, capped at 1, and asks 1 / that rate: the pipeline, meetings and activities the rep
would need for quota if they won more of what they work. Per rep and scenario: \`winRate\` = the rate it
expects the pipeline to close at (the rep's \`valueWinRate\`, raised for effectiveness); \`expectedWonValue\` =
pipelineAtTarget × winRate; \`quotaAttainmentExpected\` = (wonSoFar + expectedWonValue) / quota;
\`plannedLostValue\` = pipelineAtTarget × impliedLossRate (what the target plans to lose, whoever the rep) and
\`expectedLostValue\` = pipelineAtTarget × (1 − winRate) (what this rep would lose of it, at their own rate). Null where the
rate or the quota is unknown. A mandate below a rep's required coverage expects less than the quota; above
it, more, at the price of the pipeline it plans to lose. Team totals per scenario (\`totals.scenarios[]\`):
the policy sums below, \`quotaAttainmentExpected\` = Σ (wonSoFar + expectedWonValue) / Σ quota over the reps
where both are known, and the back-test. \`differences\`: for each pair of scenarios in the order asked, the
second's window totals minus the first's: \`pipelineAsked\` (Σ pipelineAtTarget), \`meetingsAsked\` (Σ
extraMeetings), \`activitiesAsked\` (Σ extraActivities), \`expectedLostValue\`, \`quotaAttainmentExpected\`.

**Team totals** (\`periods[].totals\`): \`quota\`, \`wonSoFar\`, \`remainingQuota\` summed over reps with a
quota; pipelines over every rep; \`coverage\`, \`qualifiedCoverage\`, \`coverageCounted\`: the same formulas
on the sums over reps with quota left (Σ pipeline / Σ (quota − wonSoFar)). Per policy: \`met\`, \`notMet\`
(reps), and the sums of \`gap\`, \`pipelineAtTarget\`, \`expectedLostValue\`, \`expectedLostDeals\`,
\`extraDeals\`, \`extraMeetings\`, \`extraActivities\` (null figures add nothing); \`unpriced\` counts the reps
with quota left and no deal opened in their history window, whose gap has no price. The team's own
\`requiredCoverage\` (always given, no minimum): 1 / the value win rate of every deal the period's reps closed in
the 365 days before its start; null, with its \`reason\`, only when none of value was closed or won.
**Back-test** (\`totals.backTest.mandate\` and \`.repTarget\`): of the reps whose \`met\` and \`hitQuota\` are
both known, \`met.reps\` met the policy at the period's start and \`met.hitQuota\` of them hit quota;
\`met.hitRate\` = met.hitQuota / met.reps, with \`interval\` its 95% Wilson interval (null for an empty group);
\`notMet\` the same for the others. The window's \`totals\` add the periods up (a rep counts once per period);
rates and intervals come from the sums. Each scenario's back-test is also split by \`quadrantAtStart\`
(\`backTestByQuadrant\`): each rep's effort (activities) against yield (revenuePerActivity for an AE,
heldMeetingYield for a BDR, else meetingYield) over the 365 days before the period, against the medians of
the period's reps of the same role (projections/comparison.ts; \`unplaced\` without activity): a policy met
only by effective reps says nothing about the policy. \`verdict\` says in one sentence what the back-test can
say: no finished period; no rep-period judged; none (or every one) met the scenario; or both rates with their
intervals, "too thin to conclude" when the intervals overlap, and whether any quadrant holds both groups.

**Refused (400)**: neither \`coverageTarget\` nor \`scenarios\`; a scenario with both or neither of
\`coverageTarget\` and \`policy\`, an effectiveness one without \`winRateDelta\` (above 0, at most 1), two of one name;
coverageTarget below 1 (a target under 1x plans no loss) or above 100, \`from\` after
\`to\`, a window over 10 years, \`asOf\` with both or neither of occurred/recorded, an \`asOf\` before the
first event, a window in which no replayed event occurred (except, with \`asOf\`, a window that starts after
the bound: the periods ahead as they looked then), a team no rep is on.
`.trim()
