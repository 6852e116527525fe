import { identityKey, Outcome } from '../domain/index.js';
import {
  type AdmissionRecord,
  AuditRecordType,
  type DecisionRecord,
  type OutcomeCounts,
  type RunRecord,
  type RunSummary,
} from '../ports/index.js';

/** Value of `pendingKey` while an intent is pending (the sparse `pending` index). */
export const PENDING_KEY = 'PENDING';

/** Value of `pendingKey` while a `terminated` record waits for the connection to be seen ended. */
export const UNCONFIRMED_KEY = 'UNCONFIRMED';

const SUMMARY_SK = 'SUMMARY';
const DECISION_SK_PREFIX = 'DECISION#';
const ADMISSION_SK_PREFIX = 'ADMISSION#';
const SECONDS_PER_DAY = 86_400;

/** Partition key of every record of one run. */
export function runPk(runId: string): string {
  return `RUN#${runId}`;
}

/** Sort key of a decision record: one per run, endpoint and connection. */
export function decisionSk(endpointId: string, connectionId: string): string {
  return `${DECISION_SK_PREFIX}${endpointId}#${connectionId}`;
}

/** Sort key of an admission record: one per connection attempt (its connection id) in the day's bucket. */
export function admissionSk(endpointId: string, connectionId: string): string {
  return `${ADMISSION_SK_PREFIX}${endpointId}#${connectionId}`;
}

/** Partition of the `byTime` index holding decisions made on one UTC day. */
export function dayTimeKey(isoTime: string): string {
  return `DAY#${isoTime.slice(0, 10)}`;
}

/** Partition of the `byTime` index holding the summaries of runs of one UTC day. */
export function runsTimeKey(isoTime: string): string {
  return `RUNS#${isoTime.slice(0, 10)}`;
}

/** The `ttl` of an item of the audit table made at `isoTime`: epoch seconds, `retentionDays` later. */
export function ttlOf(isoTime: string, retentionDays: number): number {
  return Math.floor(Date.parse(isoTime) / 1000) + retentionDays * SECONDS_PER_DAY;
}

/**
 * A final record (of a run, or of the client connect handler) as its DynamoDB item, with the keys of every
 * index it belongs to: an admission is on `byTime`, `byIdentity`, `byEndpoint` and `byPolicy` (when a policy
 * decided) like a decision, never on `pending`.
 */
export function recordToItem(record: RunRecord | AdmissionRecord, retentionDays: number): Record<string, unknown> {
  const keys =
    record.recordType === AuditRecordType.DECISION
      ? {
          sk: decisionSk(record.endpointId, record.connectionId),
          identityKey: identityOf(record),
          pendingKey: record.outcome === Outcome.PENDING ? PENDING_KEY : undefined,
        }
      : record.recordType === AuditRecordType.ADMISSION
        ? {
            sk: admissionSk(record.endpointId, record.connectionId),
            identityKey: identityOf(record),
            notes: record.notes === undefined ? undefined : [...record.notes],
          }
        : { sk: `POLICY#${record.policyId}` };
  return dropUndefined({
    ...record,
    firedPolicies: [...record.firedPolicies],
    pk: runPk(record.runId),
    ...keys,
    timeKey: dayTimeKey(record.at),
    ttl: ttlOf(record.at, retentionDays),
  });
}

/** The decision's identity as the `byIdentity` index keys it (folded as the run matches). */
function identityOf(record: DecisionRecord | AdmissionRecord): string | undefined {
  if (!record.username && !record.commonName) return undefined;
  return identityKey({ username: record.username, commonName: record.commonName } as Parameters<typeof identityKey>[0]);
}

/** A run summary as its DynamoDB item. */
export function summaryToItem(summary: RunSummary, retentionDays: number): Record<string, unknown> {
  return dropUndefined({
    ...summary,
    endpointErrors: [...summary.endpointErrors],
    counts: { ...summary.counts },
    pk: runPk(summary.runId),
    sk: SUMMARY_SK,
    recordType: AuditRecordType.SUMMARY,
    timeKey: runsTimeKey(summary.at),
    ttl: ttlOf(summary.at, retentionDays),
  });
}

const ITEM_ONLY = ['pk', 'sk', 'timeKey', 'identityKey', 'pendingKey', 'ttl'];

/** True when the item is a run summary. */
export function isSummaryItem(item: Record<string, unknown>): boolean {
  return item.recordType === AuditRecordType.SUMMARY || item.sk === SUMMARY_SK;
}

/** True when the item is an admission record of the client connect handler. */
export function isAdmissionItem(item: Record<string, unknown>): boolean {
  return typeof item.sk === 'string' && item.sk.startsWith(ADMISSION_SK_PREFIX);
}

/** An admission item back as its record (index attributes dropped). */
export function itemToAdmission(item: Record<string, unknown>): AdmissionRecord {
  return {
    ...withoutItemKeys(item),
    recordType: AuditRecordType.ADMISSION,
    firedPolicies: toStringList(item.firedPolicies),
    ...(item.notes === undefined ? {} : { notes: toStringList(item.notes) }),
  } as unknown as AdmissionRecord;
}

/** An audit item of a run's decision or invalid row back as its record (index attributes dropped). */
export function itemToRecord(item: Record<string, unknown>): RunRecord {
  // The sort key says what the item records, whatever its `recordType` attribute holds.
  const recordType =
    typeof item.sk === 'string' && item.sk.startsWith(DECISION_SK_PREFIX)
      ? AuditRecordType.DECISION
      : AuditRecordType.INVALID_POLICY;
  return {
    ...withoutItemKeys(item),
    recordType,
    firedPolicies: toStringList(item.firedPolicies),
  } as unknown as RunRecord;
}

/** A summary item back as a summary. */
export function itemToSummary(item: Record<string, unknown>): RunSummary {
  return {
    ...withoutItemKeys(item),
    recordType: AuditRecordType.SUMMARY,
    endpointErrors: toStringList(item.endpointErrors),
    counts: (item.counts ?? {}) as OutcomeCounts,
  } as unknown as RunSummary;
}

function withoutItemKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !ITEM_ONLY.includes(key)));
}

function toStringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value instanceof Set) return [...value].map(String);
  return [];
}

function dropUndefined(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined && value !== ''));
}
