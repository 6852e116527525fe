import { PolicyMode } from '../constants.js';
import { NO_POLICY_ID, parsePolicyRow } from './parse-policy-row.js';
import { isRowActive } from './policy-scope.js';
import { isEnforcingRow, isExemptRow } from './row-kind.js';
import type { PolicyRow } from './schema.js';

/** One change of one policy row: the item before and after, as the table held them (absent: no item). */
export interface PolicyRowChange {
  /** The item before the change; absent for an insert. */
  readonly before?: unknown;
  /** The item after the change; absent for a removal. */
  readonly after?: unknown;
}

/** Whether a change can end sessions, and why, in words. */
export interface ChangeEffect {
  /** True when the change can end sessions now: a run should look at once. */
  readonly startsRun: boolean;
  /** The row the change is about (its `policyId`, or a placeholder when it has none). */
  readonly policyId: string;
  /** Why, in words: what a person reads in the log and in the handler's answer. */
  readonly why: string;
}

/**
 * Attributes that change no decision of a run: bookkeeping, the row's reason and the text a refused client
 * is shown (refusals at connect are the gate's, never a run's). A change of these alone starts nothing.
 */
export const BOOKKEEPING_ATTRIBUTES: readonly string[] = ['updatedAt', 'updatedBy', 'version', 'reason', 'message'];

/**
 * Whether a change of a policy row can end sessions at `now`, so that a run should start at once rather
 * than wait for the schedule. It can when the row after the change is valid, enabled, unexpired, of a kind
 * that ends sessions (not `exempt`) and in `enforce` mode; or when the row before was an exemption in force
 * and the change removed, disabled, invalidated or otherwise changed it (the identities it spared may now be
 * ended: deciding whether a change only widened it is not worth a mistake). A change of
 * {@link BOOKKEEPING_ATTRIBUTES} alone starts nothing. Never throws, whatever the items.
 */
export function changeEffect(change: PolicyRowChange, now: Date): ChangeEffect {
  const after = change.after === undefined ? undefined : parsePolicyRow(change.after);
  const before = change.before === undefined ? undefined : parsePolicyRow(change.before);
  const afterRow = after?.ok ? after.row : undefined;
  const beforeRow = before?.ok ? before.row : undefined;
  const policyId =
    afterRow?.policyId ??
    beforeRow?.policyId ??
    (after && !after.ok ? after.error.policyId : undefined) ??
    (before && !before.ok ? before.error.policyId : NO_POLICY_ID);
  const effect = (startsRun: boolean, why: string): ChangeEffect => ({ startsRun, policyId, why });

  if (afterRow && beforeRow && sameDecisions(beforeRow, afterRow))
    return effect(false, `${policyId}: only ${BOOKKEEPING_ATTRIBUTES.join(', ')} can have changed`);
  if (afterRow && endsSessionsNow(afterRow, now))
    return effect(true, `${policyId}: a ${afterRow.kind} row in force in enforce mode`);
  if (beforeRow && isExemptRow(beforeRow) && isRowActive(beforeRow, now))
    return effect(
      true,
      `${policyId}: an exemption in force was ${afterRow ? 'changed' : after ? 'made invalid' : 'removed'}`,
    );
  if (after === undefined) return effect(false, `${policyId}: removed, and it was no exemption in force`);
  if (!after.ok) return effect(false, `${policyId}: invalid, it matches nothing (${after.error.message})`);
  return effect(false, `${policyId}: ${whyNotInForce(after.row, now)}`);
}

/** Whether a row ends sessions at `now`: it can terminate, is in force and acts. */
function endsSessionsNow(row: PolicyRow, now: Date): boolean {
  return isEnforcingRow(row) && isRowActive(row, now) && row.mode === PolicyMode.ENFORCE;
}

/** Why a valid row ends no session at `now`. */
function whyNotInForce(row: PolicyRow, now: Date): string {
  if (!row.enabled) return 'disabled';
  if (!isRowActive(row, now)) return `expired at ${row.expiresAt ?? 'an earlier time'}`;
  if (isExemptRow(row)) return 'an exemption: it ends no session';
  return 'observe mode: it ends no session';
}

/** Whether two rows decide alike: equal in every attribute but {@link BOOKKEEPING_ATTRIBUTES}. */
function sameDecisions(before: PolicyRow, after: PolicyRow): boolean {
  return canonical(before) === canonical(after);
}

function canonical(row: PolicyRow): string {
  const entries = Object.entries(row)
    .filter(([name, value]) => !BOOKKEEPING_ATTRIBUTES.includes(name) && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
