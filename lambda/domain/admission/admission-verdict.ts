import { AdmissionVerdict, DEFAULT_REFUSAL_MESSAGE, PolicyMode } from '../constants.js';
import { compareFirings, decidingFiring } from '../evaluate/precedence.js';
import { formatHolder } from '../format/format-identity.js';
import type { MatchedIdentity } from '../identity/match-identity.js';
import type { ExemptRow } from '../policy/schema.js';
import { exemptedAtConnectReason } from '../rules/exempt.js';
import type { Admission, ConnectionAttempt } from '../types.js';
import type { AttemptFiring } from './fire-at-connect.js';

/** The part of an admission the verdict settles. */
export type SettledVerdict = Pick<Admission, 'verdict' | 'decidingRow' | 'fired' | 'exemptedBy' | 'reason' | 'message'>;

/**
 * The verdict on an attempt, given every rule that fired on it and the first exemption covering it, as a
 * run settles a connection: no rule fired, `admit`; an exemption wins over every rule (`admit`, naming
 * it); otherwise the deciding rule ({@link decidingFiring}: the strongest `enforce` rule, else the strongest)
 * gives `refuse` when it enforces and the deployment does not run dry, `would-refuse` when it only
 * observes or under the dry run. The message is the deciding row's, else {@link DEFAULT_REFUSAL_MESSAGE}.
 */
export function admissionVerdict(
  attempt: ConnectionAttempt,
  firings: readonly AttemptFiring[],
  exemption: readonly [ExemptRow, MatchedIdentity] | undefined,
  dryRun: boolean,
): SettledVerdict {
  const sorted = [...firings].sort((left, right) => compareFirings(left.firing, right.firing));
  const fired = sorted.map(({ firing }) => firing);
  const [first] = fired;
  if (first === undefined)
    return {
      verdict: AdmissionVerdict.ADMIT,
      fired,
      reason: `no policy in force refuses ${formatHolder(attempt)} on endpoint ${attempt.endpointId}`,
    };
  const deciding = decidingFiring([first, ...fired.slice(1)]);
  if (exemption !== undefined) {
    const [row, identity] = exemption;
    return {
      verdict: AdmissionVerdict.ADMIT,
      decidingRow: deciding,
      fired,
      exemptedBy: row.policyId,
      reason: exemptedAtConnectReason(row, identity, deciding),
    };
  }
  const message = sorted.find(({ firing }) => firing === deciding)?.message ?? DEFAULT_REFUSAL_MESSAGE;
  if (deciding.mode === PolicyMode.ENFORCE && !dryRun)
    return { verdict: AdmissionVerdict.REFUSE, decidingRow: deciding, fired, reason: deciding.reason, message };
  const why = dryRun ? 'dry run' : 'observe mode';
  return {
    verdict: AdmissionVerdict.WOULD_REFUSE,
    decidingRow: deciding,
    fired,
    reason: `${deciding.reason}; ${why}: admitted`,
    message,
  };
}
