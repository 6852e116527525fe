import { Outcome } from '../../lambda/domain/index.js';
import {
  type AdmissionRecord,
  type AuditCompletion,
  type AuditConfirmation,
  type AuditLog,
  AuditRecordType,
  AuditTransition,
  type DecisionKey,
  type DecisionRecord,
  type RunRecord,
  type RunSummary,
} from '../../lambda/ports/index.js';
import { withOutcome } from '../../lambda/run/audit-records.js';

/**
 * An in-memory audit log that keeps the DynamoDB one's rules (the contract suite in
 * test/support/audit-log-contract.ts runs against both); failures can be scripted.
 */
export class MemoryAuditLog implements AuditLog {
  /** Every record, by key (`runId|endpointId|connectionId`, or `runId|policy|policyId`). */
  public readonly records = new Map<string, RunRecord>();
  public readonly summaries = new Map<string, RunSummary>();
  /** The client connect handler's records, by key (`runId|endpointId|connectionId`). */
  public readonly admissions = new Map<string, AdmissionRecord>();
  /** Keys of `terminated` records still waiting for the connection to be seen ended. */
  public readonly unconfirmed = new Set<string>();
  /** Every transition asked for, in order, as `transition:connectionId` (or `:policyId`). */
  public readonly journal: string[] = [];
  /** Makes the next calls of one transition throw. */
  public failOn: { method?: AuditTransition; times: number } = { times: 0 };

  public async record(record: RunRecord | AdmissionRecord): Promise<boolean> {
    if (record.recordType === AuditRecordType.ADMISSION) {
      this.enter(AuditTransition.RECORD, record.connectionId);
      const id = decisionId(record);
      if (this.admissions.has(id)) return false;
      this.admissions.set(id, record);
      return true;
    }
    this.enter(
      AuditTransition.RECORD,
      record.recordType === AuditRecordType.DECISION ? record.connectionId : record.policyId,
    );
    return this.putIfAbsent(record);
  }

  public async intend(record: DecisionRecord): Promise<boolean> {
    this.enter(AuditTransition.INTEND, record.connectionId);
    return this.putIfAbsent({ ...record, outcome: Outcome.PENDING });
  }

  public async complete(key: DecisionKey, completion: AuditCompletion): Promise<void> {
    this.enter(AuditTransition.COMPLETE, key.connectionId);
    const id = decisionId(key);
    const existing = this.records.get(id);
    if (existing?.recordType !== AuditRecordType.DECISION || existing.outcome !== Outcome.PENDING) return;
    this.records.set(id, withOutcome(existing, completion));
    if (completion.awaitingConfirmation) this.unconfirmed.add(id);
  }

  public async confirm(key: DecisionKey, confirmation: AuditConfirmation): Promise<void> {
    this.enter(AuditTransition.CONFIRM, key.connectionId);
    const id = decisionId(key);
    const existing = this.records.get(id);
    if (existing?.recordType !== AuditRecordType.DECISION || !this.unconfirmed.delete(id)) return;
    this.records.set(id, withOutcome(existing, confirmation));
  }

  public async listPending(): Promise<DecisionRecord[]> {
    return this.decisions().filter((record) => record.outcome === Outcome.PENDING);
  }

  public async listUnconfirmed(): Promise<DecisionRecord[]> {
    return this.decisions().filter(
      (record) => this.unconfirmed.has(decisionId(record)) && record.outcome === Outcome.TERMINATED,
    );
  }

  public async getRun(runId: string): Promise<{ records: RunRecord[]; summary?: RunSummary }> {
    const keyed = [...this.records.values()]
      .filter((record) => record.runId === runId)
      .map((record) => [sortKey(record), record] as const)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return { records: keyed.map(([, record]) => record), summary: this.summaries.get(runId) };
  }

  public async putSummary(summary: RunSummary): Promise<void> {
    this.summaries.set(summary.runId, summary);
  }

  private enter(transition: AuditTransition, subject: string): void {
    this.journal.push(`${transition}:${subject}`);
    if (this.failOn.method === transition && this.failOn.times > 0) {
      this.failOn.times -= 1;
      throw new Error(`scripted ${transition} failure`);
    }
  }

  private putIfAbsent(record: RunRecord): boolean {
    const id =
      record.recordType === AuditRecordType.DECISION ? decisionId(record) : `${record.runId}|policy|${record.policyId}`;
    if (this.records.has(id)) return false;
    this.records.set(id, stored(record));
    return true;
  }

  private decisions(): DecisionRecord[] {
    return [...this.records.values()].filter(
      (record): record is DecisionRecord => record.recordType === AuditRecordType.DECISION,
    );
  }
}

function decisionId(key: DecisionKey): string {
  return `${key.runId}|${key.endpointId}|${key.connectionId}`;
}

/** DynamoDB's order of a run's records: by sort key, decisions (`DECISION#…`) before rows (`POLICY#…`). */
function sortKey(record: RunRecord): string {
  return record.recordType === AuditRecordType.DECISION
    ? `DECISION#${record.endpointId}#${record.connectionId}`
    : `POLICY#${record.policyId}`;
}

/** A record as DynamoDB keeps it: attributes that are undefined or empty are not stored. */
function stored(record: RunRecord): RunRecord {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined && value !== ''),
  ) as unknown as RunRecord;
}
