import { type Decision, type EnforcingKind, Outcome, type PolicyMode, Verdict } from '../../lambda/domain/index.js';
import type { DecisionRecord } from '../../lambda/ports/index.js';

/** One rule that fired on a connection, as `plan -o json` and `run -o json` print it. */
export interface FiringJson {
  readonly policyId: string;
  readonly kind: EnforcingKind | string;
  readonly mode: PolicyMode | string;
  /** The rule's own sentence: a plan has it; a run's record keeps only the deciding rule's `reason`. */
  readonly reason?: string;
}

/**
 * One decision as `plan -o json` prints it, and `run -o json` from the run's records: the same fields, so the two
 * compare decision by decision. A run's decision adds the record's `outcome` and `runId`; it has no `establishedAt`
 * (the record does not keep it).
 */
export interface DecisionJson {
  readonly endpointId: string;
  readonly connectionId: string;
  readonly username?: string;
  readonly commonName?: string;
  readonly clientIp?: string;
  readonly establishedAt?: string;
  readonly verdict: Verdict;
  readonly policyId: string;
  readonly kind: EnforcingKind;
  readonly mode: PolicyMode;
  readonly reason: string;
  readonly exemptedBy?: string;
  readonly fired: readonly FiringJson[];
  /** A run's only: what became of the decision. */
  readonly outcome?: string;
  readonly runId?: string;
}

/** The verdict a run's record carries out: every outcome of a `terminate` (done, pending, failed, deferred) is `terminate`. */
const VERDICT_OF_OUTCOME: Readonly<Record<string, Verdict>> = {
  [Outcome.TERMINATED]: Verdict.TERMINATE,
  [Outcome.PENDING]: Verdict.TERMINATE,
  [Outcome.FAILED]: Verdict.TERMINATE,
  [Outcome.DEFERRED]: Verdict.TERMINATE,
  [Outcome.WOULD_TERMINATE]: Verdict.WOULD_TERMINATE,
  [Outcome.EXEMPTED]: Verdict.EXEMPTED,
  [Outcome.CAPPED]: Verdict.CAPPED,
};

/** `policyId (kind, mode)`, as a record lists every rule that fired. */
const FIRED_ENTRY = /^(\S+) \(([^,()]+), ([^,()]+)\)$/;

/** A decision of the engine (a plan's), for JSON output. */
export function decisionJson(decision: Decision): DecisionJson {
  const { connection } = decision;
  return {
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    username: connection.username,
    commonName: connection.commonName,
    clientIp: connection.clientIp,
    establishedAt: connection.establishedAt.toISOString(),
    verdict: decision.verdict,
    policyId: decision.decidingPolicyId,
    kind: decision.decidingKind,
    mode: decision.mode,
    reason: decision.reason,
    exemptedBy: decision.exemptedBy,
    fired: decision.fired,
  };
}

/** A run's decision record, in the shape of a plan's decision (plus its outcome and run). */
export function recordDecisionJson(record: DecisionRecord): DecisionJson {
  return {
    endpointId: record.endpointId,
    connectionId: record.connectionId,
    username: record.username,
    commonName: record.commonName,
    clientIp: record.clientIp,
    verdict: VERDICT_OF_OUTCOME[record.outcome] ?? Verdict.TERMINATE,
    policyId: record.policyId,
    kind: record.policyKind,
    mode: record.mode,
    reason: record.reason,
    exemptedBy: record.exemptedBy,
    fired: record.firedPolicies.map(firingOf),
    outcome: record.outcome,
    runId: record.runId,
  };
}

function firingOf(entry: string): FiringJson {
  const match = FIRED_ENTRY.exec(entry);
  return match ? { policyId: match[1]!, kind: match[2]!, mode: match[3]! } : { policyId: entry, kind: '', mode: '' };
}
