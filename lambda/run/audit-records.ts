import { type Decision, Outcome, type PolicyValidationError, Verdict } from '../domain/index.js';
import {
  type AuditCompletion,
  type AuditConfirmation,
  AuditRecordType,
  type DecisionKey,
  type DecisionOutcome,
  type DecisionRecord,
  type InvalidPolicyRecord,
  type OutcomeCounts,
  type RunRecord,
} from '../ports/index.js';

/** The outcome a decision's record starts with: a `terminate` is a `pending` intent until its call is answered. */
const OUTCOME_OF_VERDICT = {
  [Verdict.TERMINATE]: Outcome.PENDING,
  [Verdict.WOULD_TERMINATE]: Outcome.WOULD_TERMINATE,
  [Verdict.EXEMPTED]: Outcome.EXEMPTED,
  [Verdict.CAPPED]: Outcome.CAPPED,
} as const satisfies Record<Verdict, DecisionOutcome>;

/** The outcome a decision's record starts with. */
export function outcomeOfVerdict(verdict: Verdict): DecisionOutcome {
  return OUTCOME_OF_VERDICT[verdict];
}

/**
 * The audit record of one decision, before any call (a `terminate` starts as a `pending` intent).
 * `firstSeenAt` is when the same decision was first recorded in an unbroken sequence of runs. @default `at`
 */
export function decisionRecord(runId: string, at: Date, decision: Decision, firstSeenAt: Date = at): DecisionRecord {
  const { connection } = decision;
  return {
    recordType: AuditRecordType.DECISION,
    runId,
    at: at.toISOString(),
    outcome: outcomeOfVerdict(decision.verdict),
    policyId: decision.decidingPolicyId,
    policyKind: decision.decidingKind,
    firedPolicies: decision.fired.map((firing) => `${firing.policyId} (${firing.kind}, ${firing.mode})`),
    mode: decision.mode,
    reason: decision.reason,
    ...(decision.policyReason === undefined ? {} : { policyReason: decision.policyReason }),
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    username: connection.username,
    commonName: connection.commonName,
    clientIp: connection.clientIp,
    exemptedBy: decision.exemptedBy,
    previousStatus: connection.status,
    firstSeenAt: firstSeenAt.toISOString(),
    ...(decision.conditionAt === undefined ? {} : { conditionAt: decision.conditionAt.toISOString() }),
    // An unreadable establishment time is not evidence.
    ...(Number.isNaN(connection.establishedAt.getTime())
      ? {}
      : { connectedAt: connection.establishedAt.toISOString() }),
  };
}

/**
 * The intent of a connection a call by user name ended although no decision planned it (one opened after
 * the listing): it carries the deciding policy of the call's decisions (`template`), and EC2's status of it.
 * It was never listed, so neither its establishment nor when the condition held for it is known.
 */
export function endedByUsernameCall(
  template: DecisionRecord,
  username: string,
  status: { readonly connectionId: string; readonly previousStatus?: string },
): DecisionRecord {
  return {
    recordType: AuditRecordType.DECISION,
    runId: template.runId,
    at: template.at,
    outcome: Outcome.PENDING,
    policyId: template.policyId,
    policyKind: template.policyKind,
    firedPolicies: template.firedPolicies,
    mode: template.mode,
    reason: `ended by the user-name call of policy ${template.policyId}`,
    ...(template.policyReason === undefined ? {} : { policyReason: template.policyReason }),
    endpointId: template.endpointId,
    connectionId: status.connectionId,
    username,
    previousStatus: status.previousStatus,
    firstSeenAt: template.at,
  };
}

/** The audit record of a policy row that failed validation. */
export function invalidPolicyRecord(runId: string, at: Date, finding: PolicyValidationError): InvalidPolicyRecord {
  return {
    recordType: AuditRecordType.INVALID_POLICY,
    runId,
    at: at.toISOString(),
    outcome: Outcome.INVALID_POLICY,
    policyId: finding.policyId,
    firedPolicies: [],
    reason: finding.message,
    errorCode: 'PolicyValidation',
    errorMessage: finding.issues.map((issue) => `${issue.field}: expected ${issue.expected}`).join('; '),
  };
}

/** The key of a decision record. */
export function decisionKey(record: DecisionRecord): DecisionKey {
  return { runId: record.runId, endpointId: record.endpointId, connectionId: record.connectionId };
}

/**
 * A decision record as a completion or a confirmation leaves it, as the audit log stores it: the
 * fields given replace the record's, those left undefined or empty keep their value.
 */
export function withOutcome(record: DecisionRecord, change: AuditCompletion | AuditConfirmation): DecisionRecord {
  const given = Object.entries(change).filter(
    ([name, value]) => name !== 'awaitingConfirmation' && value !== undefined && value !== '',
  );
  return { ...record, ...Object.fromEntries(given) } as DecisionRecord;
}

/** Records by outcome. */
export function countOutcomes(records: readonly RunRecord[]): OutcomeCounts {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const record of records) counts[record.outcome] = (counts[record.outcome] ?? 0) + 1;
  return counts;
}
