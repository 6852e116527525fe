import type { PolicyValidationError } from '../../lambda/domain/index.js';
import { AuditRecordType, type DecisionRecord, type OutcomeCounts, type RunRecord } from '../../lambda/ports/index.js';
import { CliOperationError } from '../errors.js';

/**
 * The report the enforcer returns, as JSON: its RunReport without `decisions` (the records carry them), `records`
 * capped (`recordsOmitted` says how many were left out, under Lambda's response limit), and the run's `trigger`.
 * Fields a version of the enforcer may leave out are optional here.
 */
export interface RunAnswer {
  readonly runId: string;
  readonly status: string;
  readonly trigger?: string;
  readonly dryRun?: boolean;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly endpoints?: number;
  readonly endpointErrors: readonly string[];
  readonly connectionsSeen?: number;
  readonly records: readonly RunRecord[];
  readonly recordsOmitted: number;
  readonly counts: OutcomeCounts;
  /** The invalid rows, as the engine found them (JSON: `policyId` and `issues`). */
  readonly findings: readonly PolicyValidationError[];
  readonly terminateCalls?: number;
  readonly throttledCalls?: number;
  readonly reconciled?: number;
  readonly lateFailures: readonly DecisionRecord[];
  readonly auditFailures?: number;
  readonly canary?: { readonly ok: boolean; readonly endpointId?: string; readonly reason?: string };
  readonly handedOn?: { readonly runId: string; readonly reason: string };
}

/** The function's answer read as a run's report; an operation error naming what came back when it is not one. */
export function parseRunAnswer(payload: string, functionName: string): RunAnswer {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw new CliOperationError(
      `${functionName} answered something that is not JSON (${JSON.stringify(payload.slice(0, 200))}): is it the cvpn-guard enforcer?`,
    );
  }
  const answer = (value ?? {}) as Partial<Record<keyof RunAnswer, unknown>>;
  if (typeof answer.runId !== 'string' || typeof answer.status !== 'string') {
    throw new CliOperationError(
      `${functionName} answered without a runId and status (${JSON.stringify(payload.slice(0, 200))}): is it the cvpn-guard enforcer?`,
    );
  }
  const list = <T>(field: unknown): readonly T[] => (Array.isArray(field) ? (field as T[]) : []);
  return {
    ...(answer as unknown as RunAnswer),
    endpointErrors: list<string>(answer.endpointErrors),
    records: list<RunRecord>(answer.records),
    recordsOmitted: typeof answer.recordsOmitted === 'number' ? answer.recordsOmitted : 0,
    counts: (answer.counts ?? {}) as OutcomeCounts,
    findings: list<PolicyValidationError>(answer.findings),
    lateFailures: list<DecisionRecord>(answer.lateFailures),
  };
}

/** The decision records of the answer (its invalid-row records left out: the findings say them). */
export function decisionRecordsOf(answer: RunAnswer): DecisionRecord[] {
  return answer.records.filter((record): record is DecisionRecord => record.recordType === AuditRecordType.DECISION);
}
