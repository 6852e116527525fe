import { PolicyMode, Verdict } from '../constants.js';
import type { ExemptRow } from '../policy/schema.js';
import { exemptedReason, firstExemption } from '../rules/exempt.js';
import type { Connection, Decision, Firing } from '../types.js';
import { compareFirings, decidingFiring } from './precedence.js';

/**
 * The single decision for one active connection, given every rule that fired on it and the exempt rows in
 * force (sorted by policy id); `undefined` when no rule fired. An exemption covering the connection wins
 * over every rule (`exempted`); otherwise the deciding rule's mode gives `terminate` (enforce) or
 * `would-terminate` (observe, or any mode under the global dry run, which makes the decision `observe`).
 */
export function decide(
  connection: Connection,
  firings: readonly Firing[],
  exemptions: readonly ExemptRow[],
  dryRun: boolean,
): Decision | undefined {
  const fired = [...firings].sort(compareFirings);
  if (!isNonEmpty(fired)) return undefined;
  const deciding = decidingFiring(fired);
  const terminates = deciding.mode === PolicyMode.ENFORCE && !dryRun;
  const base = {
    connection,
    decidingPolicyId: deciding.policyId,
    decidingKind: deciding.kind,
    mode: terminates ? PolicyMode.ENFORCE : PolicyMode.OBSERVE,
    fired,
    ...(deciding.conditionAt === undefined ? {} : { conditionAt: deciding.conditionAt }),
  };
  const exemption = firstExemption(exemptions, connection);
  if (exemption !== undefined) {
    const [row, identity] = exemption;
    return {
      ...base,
      verdict: Verdict.EXEMPTED,
      exemptedBy: row.policyId,
      reason: exemptedReason(row, identity, deciding),
    };
  }
  if (terminates) return { ...base, verdict: Verdict.TERMINATE, reason: deciding.reason };
  const why = dryRun ? 'dry run' : 'observe mode';
  return { ...base, verdict: Verdict.WOULD_TERMINATE, reason: `${deciding.reason}; ${why}: not terminated` };
}

function isNonEmpty<T>(list: readonly T[]): list is readonly [T, ...T[]] {
  return list.length > 0;
}
