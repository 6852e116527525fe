import { DomainError } from '../errors.js';
import { compareText } from '../order/compare.js';
import { inEndpointScope, isRowActive } from '../policy/policy-scope.js';
import { isEnforcingRow, isExemptRow } from '../policy/row-kind.js';
import type { PolicyRow } from '../policy/schema.js';
import { firstExemption } from '../rules/exempt.js';
import type { Admission, AdmissionOptions, ConnectionAttempt } from '../types.js';
import { admissionVerdict } from './admission-verdict.js';
import { fireAtConnect } from './fire-at-connect.js';

/**
 * Decides, when a client tries to connect at `now`, whether to admit it: the pure decision a Client VPN
 * client connect handler calls. It judges by the rules of a run, so whom a run would end is refused here:
 *
 * - Only rows in force at `now` on the attempt's endpoint apply ({@link isRowActive}, {@link inEndpointScope}),
 *   scoped to identities as in a run. `rows` are parsed rows (`parseRows` turns raw items into them); a
 *   raw item that fails to parse is not among them, so it refuses no one and admits no one.
 * - `lockdown` and `revoked-user` refuse; `off-hours` refuses outside every allowed window; `max-connections`
 *   refuses an attempt that would take the identity over its limit (`known + 1 > maxConnections`), and
 *   refuses nothing when `known` is undefined (a note says so; the next run counts). `idle` and `max-session`
 *   judge sessions and do not apply.
 * - Every rule that fired is listed, strongest first; the deciding rule is the one a run would pick.
 *   An exemption wins over every rule (`admit`, recorded with `exemptedBy`); an `observe` rule or the
 *   deployment's dry run never refuses (`would-refuse`).
 *
 * `known` is what is known of the connections the attempting identity (by `identityKey`) already holds: the
 * number of its active connections on the attempt's endpoint, or `undefined` when that cannot be known. A
 * run counts across every endpoint a row scopes; on one endpoint the count can be lower, and the next run
 * ends what is over the limit.
 *
 * @throws DomainError when `now` is not a valid date or `known` is not a whole number ≥ 0 (a caller's bug).
 */
export function decideAdmission(
  rows: readonly PolicyRow[],
  attempt: ConnectionAttempt,
  known: number | undefined,
  now: Date,
  options: AdmissionOptions = {},
): Admission {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new DomainError(`decideAdmission needs a valid date for now, got ${String(now)}`);
  if (known !== undefined && !(Number.isSafeInteger(known) && known >= 0))
    throw new DomainError(`decideAdmission needs a whole number ≥ 0 or undefined for known, got ${String(known)}`);
  // Sorted by policy id, so counts and notes come in one order whatever the order of the rows.
  const applying = rows
    .filter((row) => isRowActive(row, now) && inEndpointScope(row, attempt.endpointId))
    .sort((left, right) => compareText(left.policyId, right.policyId));
  const exemptions = applying.filter(isExemptRow);
  const { firings, counted, notes } = fireAtConnect(applying.filter(isEnforcingRow), attempt, known, now);
  const settled = admissionVerdict(attempt, firings, firstExemption(exemptions, attempt), options.dryRun === true);
  return { attempt, ...settled, counted, notes };
}
