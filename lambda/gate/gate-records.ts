import {
  type Admission,
  type AdmissionOutcome,
  type ConnectionAttempt,
  type FailModeCause,
  type Firing,
  formatInstant,
  Outcome,
} from '../domain/index.js';
import { type AdmissionRecord, AuditRecordType, type ConnectionFact } from '../ports/index.js';
import { type ClientDetails, escapeField } from './connect-request.js';

/**
 * The `runId` of the gate's records: one bucket per UTC day, `gate-YYYY-MM-DD`. Attempts of one day are one
 * query by the base key, like the records of one run; the connection id, unique per attempt, keys each.
 */
export function gateRunId(at: Date): string {
  return `gate-${at.toISOString().slice(0, 10)}`;
}

/** The attempt's fields as a record holds them: escaped and truncated, so a hostile request cannot forge a line. */
function attemptFields(attempt: ConnectionAttempt) {
  const text = (value: string | undefined) => (value === undefined ? undefined : escapeField(value));
  return {
    endpointId: escapeField(attempt.endpointId) || 'unknown',
    connectionId: escapeField(attempt.connectionId) || 'unknown',
    username: text(attempt.username),
    commonName: text(attempt.commonName),
    clientIp: text(attempt.publicIp),
    platform: text(attempt.platform),
  };
}

const firedText = (firing: Firing) => `${firing.policyId} (${firing.kind}, ${firing.mode})`;

/** The record of an attempt the policy rows decided: `refused`, `would-refuse`, or `admitted` (a row was about it). */
export function admissionRecord(
  admission: Admission,
  outcome: AdmissionOutcome,
  at: Date,
  /** The day's bucket. @default `gateRunId(at)` (a spoke places it) */
  runId: string = gateRunId(at),
): AdmissionRecord {
  const deciding = admission.decidingRow;
  const countedBy = admission.counted[0]?.policyId;
  return {
    recordType: AuditRecordType.ADMISSION,
    outcome,
    runId,
    at: at.toISOString(),
    ...attemptFields(admission.attempt),
    policyId: deciding?.policyId ?? admission.exemptedBy ?? countedBy,
    policyKind: deciding?.kind,
    mode: deciding?.mode,
    firedPolicies: admission.fired.map(firedText),
    exemptedBy: admission.exemptedBy,
    reason: admission.reason,
    message: outcome === Outcome.ADMITTED ? undefined : admission.message,
    notes: admission.notes.length > 0 ? admission.notes : undefined,
  };
}

/** Why the fail mode answered, in words. */
const CAUSE_TEXT: Readonly<Record<FailModeCause, string>> = {
  'no-policies': 'no policy rows have been read yet',
  deadline: 'the decision was not ready within the connect deadline',
  'malformed-request': 'the request is not a well-formed Client VPN connection attempt',
  error: 'an unexpected error while deciding',
};

/** The record of an attempt answered by the fail mode: `admitted-fail-open` or `refused-fail-closed`, naming why. */
export function failModeRecord(
  attempt: ConnectionAttempt,
  outcome: typeof Outcome.ADMITTED_FAIL_OPEN | typeof Outcome.REFUSED_FAIL_CLOSED,
  cause: FailModeCause,
  at: Date,
  detail: { readonly message?: string; readonly errorMessage?: string; readonly rowsReadAt?: Date } = {},
  /** The day's bucket. @default `gateRunId(at)` (a spoke places it) */
  runId: string = gateRunId(at),
): AdmissionRecord {
  const answer =
    outcome === Outcome.ADMITTED_FAIL_OPEN ? 'admitted (connectFailMode admit)' : 'refused (connectFailMode refuse)';
  const rows = detail.rowsReadAt === undefined ? '' : ` (rows last read ${formatInstant(detail.rowsReadAt)})`;
  return {
    recordType: AuditRecordType.ADMISSION,
    outcome,
    runId,
    at: at.toISOString(),
    ...attemptFields(attempt),
    firedPolicies: [],
    reason: `${CAUSE_TEXT[cause]}${rows}: ${answer}`,
    message: detail.message,
    failMode: cause,
    errorMessage: detail.errorMessage === undefined ? undefined : escapeField(detail.errorMessage),
  };
}

/**
 * The facts of a connection the gate lets in, as the request gave them (not escaped: they are data for the
 * runs to join by identity, never a log line), admitted at `at`.
 */
export function connectionFact(attempt: ConnectionAttempt, client: ClientDetails, at: Date): ConnectionFact {
  return {
    endpointId: attempt.endpointId,
    connectionId: attempt.connectionId,
    username: attempt.username,
    commonName: attempt.commonName,
    groups: attempt.groups,
    platform: attempt.platform,
    platformVersion: client.platformVersion,
    publicIp: attempt.publicIp,
    clientOpenVpnVersion: client.clientOpenVpnVersion,
    admittedAt: at,
  };
}
