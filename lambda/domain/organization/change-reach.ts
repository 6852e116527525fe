import { PolicyMode } from '../constants.js';
import { changeEffect, type PolicyRowChange } from '../policy/change-effect.js';
import { parsePolicyRow } from '../policy/parse-policy-row.js';
import { isRowActive } from '../policy/policy-scope.js';
import { isEnforcingRow, isExemptRow } from '../policy/row-kind.js';
import type { PolicyRow } from '../policy/schema.js';

/** Where a row applies: its `accounts` and `regions` selectors (absent: every account, every Region). */
export type PlacementSelector = Pick<PolicyRow, 'accounts' | 'regions'>;

/** A change of one row that can end sessions, and the selectors of the images that can end them. */
export interface ReachingChange {
  readonly policyId: string;
  /** Why the change can end sessions, in words (`changeEffect`'s). */
  readonly why: string;
  /**
   * The selectors of the images that can end sessions: the row after the change when it ends sessions now, the
   * row before when it was an exemption in force (those it spared may now be ended where it applied). One or two.
   */
  readonly selectors: readonly PlacementSelector[];
}

/**
 * Whether a change of a policy row can end sessions at `now` (`changeEffect`) and, when it can, where: the spokes a
 * relay must wake are those the returned selectors select. Undefined for a change that ends no session.
 */
export function reachingChange(change: PolicyRowChange, now: Date): ReachingChange | undefined {
  const effect = changeEffect(change, now);
  if (!effect.startsRun) return undefined;
  const after = change.after === undefined ? undefined : parsePolicyRow(change.after);
  const before = change.before === undefined ? undefined : parsePolicyRow(change.before);
  const selectors: PlacementSelector[] = [];
  if (after?.ok && endsSessionsNow(after.row, now)) selectors.push(selectorOf(after.row));
  if (before?.ok && isExemptRow(before.row) && isRowActive(before.row, now)) selectors.push(selectorOf(before.row));
  return { policyId: effect.policyId, why: effect.why, selectors };
}

function endsSessionsNow(row: PolicyRow, now: Date): boolean {
  return isEnforcingRow(row) && isRowActive(row, now) && row.mode === PolicyMode.ENFORCE;
}

function selectorOf(row: PolicyRow): PlacementSelector {
  return {
    ...(row.accounts === undefined ? {} : { accounts: row.accounts }),
    ...(row.regions === undefined ? {} : { regions: row.regions }),
  };
}
