import { type Decision, Outcome, type PolicyValidationError, Verdict } from '../domain/index.js';
import type { AuditRecord } from '../ports/index.js';

const OUTCOME_OF_VERDICT = {
  [Verdict.TERMINATE]: Outcome.PENDING,
  [Verdict.WOULD_TERMINATE]: Outcome.WOULD_TERMINATE,
  [Verdict.EXEMPTED]: Outcome.EXEMPTED,
  [Verdict.CAPPED]: Outcome.CAPPED,
} as const;

/** The audit record of one decision, before any call (a `terminate` starts as a `pending` intent). */
export function decisionRecord(runId: string, at: Date, decision: Decision): AuditRecord {
  const { connection } = decision;
  return {
    runId,
    at: at.toISOString(),
    outcome: OUTCOME_OF_VERDICT[decision.verdict],
    policyId: decision.decidingPolicyId,
    policyKind: decision.decidingKind,
    firedPolicies: decision.fired.map((firing) => `${firing.policyId} (${firing.kind}, ${firing.mode})`),
    mode: decision.mode,
    reason: decision.reason,
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    username: connection.username,
    commonName: connection.commonName,
    clientIp: connection.clientIp,
    exemptedBy: decision.exemptedBy,
    previousStatus: connection.status,
  };
}

/** The audit record of a policy row that failed validation. */
export function invalidPolicyRecord(runId: string, at: Date, finding: PolicyValidationError): AuditRecord {
  return {
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

/** Key of a decision within a run. */
export function decisionKeyOf(endpointId: string, connectionId: string): string {
  return `${endpointId}#${connectionId}`;
}
