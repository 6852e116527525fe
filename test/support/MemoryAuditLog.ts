import type { AuditCompletion, AuditLog, AuditRecord, DecisionKey, RunSummary } from '../../lambda/ports/index.js';

/** An in-memory audit log with the same idempotency rules as the DynamoDB one; failures can be scripted. */
export class MemoryAuditLog implements AuditLog {
  public readonly records = new Map<string, AuditRecord>();
  public readonly summaries = new Map<string, RunSummary>();
  /** Every call, in order, as `method:connectionId`. */
  public readonly journal: string[] = [];
  /** Makes the next matching calls throw. */
  public failOn: { method?: 'putIntent' | 'complete' | 'putFinal'; times: number } = { times: 0 };

  private key(runId: string, endpointId?: string, connectionId?: string, policyId?: string): string {
    return connectionId ? `${runId}|${endpointId}|${connectionId}` : `${runId}|policy|${policyId}`;
  }

  private maybeFail(method: 'putIntent' | 'complete' | 'putFinal'): void {
    if (this.failOn.method === method && this.failOn.times > 0) {
      this.failOn.times -= 1;
      throw new Error(`scripted ${method} failure`);
    }
  }

  public async putFinal(record: AuditRecord): Promise<boolean> {
    this.journal.push(`putFinal:${record.connectionId ?? record.policyId}`);
    this.maybeFail('putFinal');
    const key = this.key(record.runId, record.endpointId, record.connectionId, record.policyId);
    if (this.records.has(key)) return false;
    this.records.set(key, record);
    return true;
  }

  public async putIntent(record: AuditRecord): Promise<boolean> {
    this.journal.push(`putIntent:${record.connectionId}`);
    this.maybeFail('putIntent');
    const key = this.key(record.runId, record.endpointId, record.connectionId);
    if (this.records.has(key)) return false;
    this.records.set(key, { ...record, outcome: 'pending' });
    return true;
  }

  public async complete(key: DecisionKey, completion: AuditCompletion): Promise<void> {
    this.journal.push(`complete:${key.connectionId}`);
    this.maybeFail('complete');
    const id = this.key(key.runId, key.endpointId, key.connectionId);
    const existing = this.records.get(id);
    if (existing?.outcome !== 'pending') return;
    const { awaitingConfirmation, ...attributes } = completion;
    this.records.set(id, { ...existing, ...attributes } as AuditRecord);
    if (awaitingConfirmation) this.unconfirmed.add(id);
  }

  /** Keys of `terminated` records still waiting for the connection to be seen ended. */
  public readonly unconfirmed = new Set<string>();

  public async listUnconfirmed(): Promise<AuditRecord[]> {
    return [...this.unconfirmed].map((id) => this.records.get(id)!).filter((record) => record.outcome === 'terminated');
  }

  public async settle(key: DecisionKey, completion: AuditCompletion): Promise<void> {
    const id = this.key(key.runId, key.endpointId, key.connectionId);
    if (!this.unconfirmed.delete(id)) return;
    const { awaitingConfirmation: _ignored, ...attributes } = completion;
    this.records.set(id, { ...this.records.get(id)!, ...attributes } as AuditRecord);
  }

  public async listPending(): Promise<AuditRecord[]> {
    return [...this.records.values()].filter((record) => record.outcome === 'pending');
  }

  public async getRun(runId: string): Promise<{ records: AuditRecord[]; summary?: RunSummary }> {
    return {
      records: [...this.records.values()].filter((record) => record.runId === runId),
      summary: this.summaries.get(runId),
    };
  }

  public async putSummary(summary: RunSummary): Promise<void> {
    this.summaries.set(summary.runId, summary);
  }
}
