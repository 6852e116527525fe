import { Verdict } from '../constants.js';
import type { Decision } from '../types.js';

/** Decisions after the caps, and which caps tripped. */
export interface CappedDecisions {
  readonly decisions: readonly Decision[];
  /** Policy ids whose own `maxTerminations` tripped, sorted. */
  readonly cappedPolicies: readonly string[];
  /** True when the global cap tripped. */
  readonly globallyCapped: boolean;
}

/**
 * Applies the caps, failing closed. First each row's `maxTerminations`: when a row decided more
 * `terminate` decisions than its cap, every one of them becomes `capped`. Then the run's cap: when the
 * `terminate` decisions left exceed `maxTerminationsPerRun`, every one of them becomes `capped`. A global
 * cap that is not a number ≥ 0 (NaN, negative) counts as 0: it caps everything rather than nothing.
 * Other verdicts are never counted nor changed. Capped decisions say which cap tripped, with the numbers.
 */
export function applyCaps(
  decisions: readonly Decision[],
  rowCaps: ReadonlyMap<string, number>,
  maxTerminationsPerRun: number | undefined,
): CappedDecisions {
  const perRow = countTerminations(decisions);
  const overRowCap = new Set(
    [...perRow]
      .filter(([policyId, count]) => count > (rowCaps.get(policyId) ?? Infinity))
      .map(([policyId]) => policyId),
  );
  const afterRowCaps = decisions.map((decision) =>
    decision.verdict === Verdict.TERMINATE && overRowCap.has(decision.decidingPolicyId)
      ? capped(
          decision,
          `policy ${decision.decidingPolicyId} decided ${perRow.get(decision.decidingPolicyId)} terminations this run, more than its maxTerminations of ${rowCaps.get(decision.decidingPolicyId)}`,
        )
      : decision,
  );
  const globalCap = effectiveCap(maxTerminationsPerRun);
  const left = afterRowCaps.filter((decision) => decision.verdict === Verdict.TERMINATE).length;
  const globallyCapped = left > globalCap;
  const final = globallyCapped
    ? afterRowCaps.map((decision) =>
        decision.verdict === Verdict.TERMINATE
          ? capped(decision, `this run decided ${left} terminations, more than the global cap of ${globalCap}`)
          : decision,
      )
    : afterRowCaps;
  return { decisions: final, cappedPolicies: [...overRowCap].sort(), globallyCapped };
}

function countTerminations(decisions: readonly Decision[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const decision of decisions) {
    if (decision.verdict === Verdict.TERMINATE)
      counts.set(decision.decidingPolicyId, (counts.get(decision.decidingPolicyId) ?? 0) + 1);
  }
  return counts;
}

function effectiveCap(cap: number | undefined): number {
  if (cap === undefined) return Infinity;
  return Number.isNaN(cap) || cap < 0 ? 0 : cap;
}

function capped(decision: Decision, why: string): Decision {
  return {
    ...decision,
    verdict: Verdict.CAPPED,
    reason: `${decision.reason}; capped: ${why}, so none of them is terminated`,
  };
}
