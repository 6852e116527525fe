import { type DynamoDBDocumentClient, PutCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { Outcome, type Placement } from '../domain/index.js';
import {
  type AdmissionRecord,
  type AuditCompletion,
  type AuditConfirmation,
  type AuditLog,
  AuditRecordType,
  type DecisionKey,
  type DecisionRecord,
  type RunRecord,
  type RunSummary,
} from '../ports/index.js';
import { AUDIT_COMPLETION_ATTRIBUTES, AuditIndex } from '../tables.js';
import { isConditionalCheckFailed } from './aws-errors.js';
import {
  PENDING_KEY,
  UNCONFIRMED_KEY,
  decisionSk,
  isAdmissionItem,
  isSummaryItem,
  itemToRecord,
  itemToSummary,
  recordToItem,
  runPk,
  summaryToItem,
} from './audit-item.js';

/** What a completion or confirmation may write. */
const WRITABLE: ReadonlySet<string> = new Set(AUDIT_COMPLETION_ATTRIBUTES);

/**
 * The audit table over DynamoDB: puts and conditional updates only, never a delete. Each transition is
 * one conditional write: record and intend put only an absent item; complete updates only a `pending`
 * one; confirm only one still on the `pending` index as unconfirmed.
 *
 * With a placement, every record and summary written carries its account and Region (the `byAccount` index), and
 * the pending and unconfirmed records another placement wrote are not listed: in a hub's audit table shared by
 * spokes, each reconciles and confirms only the terminate calls it made itself.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    /** The table's name, or (from another account: a spoke) its ARN. */
    private readonly tableName: string,
    /** Days a record is kept (its `ttl`). */
    private readonly retentionDays: number,
    /** Where the writer runs. @default none: records carry no account */
    private readonly placement?: Placement,
  ) {}

  public record(record: RunRecord | AdmissionRecord): Promise<boolean> {
    return this.putIfAbsent(recordToItem(this.placed(record), this.retentionDays));
  }

  public intend(record: DecisionRecord): Promise<boolean> {
    return this.putIfAbsent(recordToItem(this.placed({ ...record, outcome: Outcome.PENDING }), this.retentionDays));
  }

  /** The record with this writer's account and Region, when it has a placement. */
  private placed<R extends RunRecord | AdmissionRecord | RunSummary>(record: R): R {
    if (this.placement === undefined) return record;
    return { ...record, accountId: this.placement.accountId, region: this.placement.region };
  }

  /** True unless the record says another placement wrote it (one without an account is a single deployment's). */
  private isOwn(record: DecisionRecord): boolean {
    if (this.placement === undefined || record.accountId === undefined) return true;
    return record.accountId === this.placement.accountId && record.region === this.placement.region;
  }

  public complete(key: DecisionKey, completion: AuditCompletion): Promise<void> {
    return this.update(key, completion, '#outcome = :expected', { ':expected': Outcome.PENDING });
  }

  public confirm(key: DecisionKey, confirmation: AuditConfirmation): Promise<void> {
    return this.update(key, confirmation, 'pendingKey = :expected', { ':expected': UNCONFIRMED_KEY });
  }

  /**
   * Writes a completion or confirmation while the record is as `condition` expects; otherwise someone got
   * there first and nothing changes. It writes only {@link AUDIT_COMPLETION_ATTRIBUTES} (what the enforcer's
   * IAM condition allows).
   */
  private async update(
    key: DecisionKey,
    change: AuditCompletion | AuditConfirmation,
    condition: string,
    expected: Record<string, string>,
  ): Promise<void> {
    const { awaitingConfirmation, ...attributes } = { awaitingConfirmation: false, ...change };
    const fields = Object.entries(attributes).filter(([, value]) => value !== undefined && value !== '');
    const outside = fields.map(([name]) => name).filter((name) => !WRITABLE.has(name));
    if (outside.length > 0) {
      throw new Error(
        `audit update of ${key.runId} ${key.connectionId}: ${outside.join(', ')} may not be written by a completion ` +
          `or confirmation; the attributes allowed are ${AUDIT_COMPLETION_ATTRIBUTES.join(', ')} (lambda/tables.ts)`,
      );
    }
    const names = Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name]));
    const values = Object.fromEntries(fields.map(([, value], index) => [`:v${index}`, value]));
    const assignments = fields.map((_, index) => `#f${index} = :v${index}`);
    const pendingKey = awaitingConfirmation ? ['pendingKey = :unconfirmed'] : [];
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: runPk(key.runId), sk: decisionSk(key.endpointId, key.connectionId) },
          UpdateExpression: `SET ${[...assignments, ...pendingKey].join(', ')}${awaitingConfirmation ? '' : ' REMOVE pendingKey'}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { ...names, ...(condition.includes('#outcome') ? { '#outcome': 'outcome' } : {}) },
          ExpressionAttributeValues: {
            ...values,
            ...expected,
            ...(awaitingConfirmation ? { ':unconfirmed': UNCONFIRMED_KEY } : {}),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  public async listPending(): Promise<DecisionRecord[]> {
    // The index is eventually consistent: keep only what is still pending.
    return (await this.queryPendingIndex(PENDING_KEY)).filter(
      (record) => record.outcome === Outcome.PENDING && this.isOwn(record),
    );
  }

  public async listUnconfirmed(): Promise<DecisionRecord[]> {
    return (await this.queryPendingIndex(UNCONFIRMED_KEY)).filter(
      (record) => record.outcome === Outcome.TERMINATED && this.isOwn(record),
    );
  }

  /** The decisions on one partition of the `pending` index (only decisions are ever on it). */
  private async queryPendingIndex(value: string): Promise<DecisionRecord[]> {
    const records: DecisionRecord[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: AuditIndex.PENDING,
        KeyConditionExpression: 'pendingKey = :value',
        ExpressionAttributeValues: { ':value': value },
      },
    );
    for await (const page of pages) {
      for (const record of (page.Items ?? []).map(itemToRecord))
        if (record.recordType === AuditRecordType.DECISION) records.push(record);
    }
    return records;
  }

  public async getRun(runId: string): Promise<{ records: RunRecord[]; summary?: RunSummary }> {
    const records: RunRecord[] = [];
    let summary: RunSummary | undefined;
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': runPk(runId) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (isSummaryItem(item)) summary = itemToSummary(item);
        // The gate's day buckets hold admissions, which are no record of a run.
        else if (!isAdmissionItem(item)) records.push(itemToRecord(item));
      }
    }
    return { records, summary };
  }

  public async putSummary(summary: RunSummary): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: summaryToItem(this.placed(summary), this.retentionDays) }),
    );
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
