/**
 * What a run's terminations measure, for the enforcer's headline metrics `TimeToEnforce` and
 * `ConnectionHoursSaved`: computed with the estimates the evidence report uses (domain/report/early-end.ts), so
 * the dashboard and the report tell the same story.
 */
import { connectionHoursEndedEarly, secondsToEnforce } from '../domain/report/early-end.js';
import { type Decision, Outcome } from '../domain/index.js';
import { AuditRecordType, type RunRecord } from '../ports/index.js';

/** The measures of one run's terminations. */
export interface EnforcementMeasures {
  /**
   * Seconds from the deciding rule's condition becoming true to the session's end, one per `terminated` record
   * whose decision knows when its condition became true (a decision without `conditionAt` is not measured).
   */
  readonly secondsToEnforce: readonly number[];
  /** Connection-hours the run's terminations ended early (idle, max-session and off-hours rows only). */
  readonly connectionHoursSaved: number;
}

const keyOf = (endpointId: string, connectionId: string): string => `${endpointId}|${connectionId}`;

/**
 * Measures each `terminated` record of the run against the decision it carried out, ended at the record's
 * completion (when EC2 answered the call). A connection a call by user name ended without a decision of its own
 * (one opened after the listing) has no known establishment or condition: it is not measured.
 */
export function enforcementMeasures(
  decisions: readonly Decision[],
  records: readonly RunRecord[],
): EnforcementMeasures {
  const byConnection = new Map(
    decisions.map((decision) => [keyOf(decision.connection.endpointId, decision.connection.connectionId), decision]),
  );
  const seconds: number[] = [];
  let hours = 0;
  for (const record of records) {
    if (record.recordType !== AuditRecordType.DECISION || record.outcome !== Outcome.TERMINATED) continue;
    const decision = byConnection.get(keyOf(record.endpointId, record.connectionId));
    if (decision === undefined) continue;
    const endedAt = new Date(record.completedAt ?? record.at);
    if (decision.conditionAt !== undefined) seconds.push(secondsToEnforce(decision.conditionAt, endedAt));
    hours += connectionHoursEndedEarly(decision.decidingKind, decision.connection.establishedAt, endedAt);
  }
  return { secondsToEnforce: seconds, connectionHoursSaved: hours };
}
