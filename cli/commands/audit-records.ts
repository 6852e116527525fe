import { Outcome } from '../../lambda/domain/index.js';
import { type AdmissionRecord, AuditRecordType, type ListedRecord, type RunRecord } from '../../lambda/ports/index.js';
import type { Column } from '../output/index.js';
import { formatAt } from '../time.js';

/** The widest the default `audit list` table prints: a terminal of 120 columns. */
export const DEFAULT_TABLE_WIDTH = 120;
/** Characters an id keeps in the default table, after an ellipsis: enough to tell them apart at a glance. */
const SHORT_ID = 8;

/** Records newest first, then by endpoint, then by connection id: the same order in every output format. */
export function orderRecords<T extends ListedRecord>(records: readonly T[]): T[] {
  return [...records].sort(
    (left, right) =>
      compare(right.at, left.at) ||
      compare(left.endpointId ?? '', right.endpointId ?? '') ||
      compare(left.connectionId ?? '', right.connectionId ?? ''),
  );
}

/** The columns of the default table: at most {@link DEFAULT_TABLE_WIDTH} characters wide, ids shortened. */
export const RECORD_COLUMNS: readonly Column<ListedRecord>[] = [
  { header: 'TIME', value: (record) => formatAt(record.at), maxWidth: 20 },
  { header: 'OUTCOME', value: (record) => record.outcome, maxWidth: 19 },
  { header: 'POLICY', value: (record) => record.policyId, maxWidth: 12 },
  { header: 'ENDPOINT', value: (record) => shortId(record.endpointId) },
  { header: 'CONNECTION', value: (record) => shortId(record.connectionId) },
  { header: 'IDENTITY', value: identityOf, maxWidth: 10 },
  { header: 'STATUS', value: statusChange, maxWidth: 18 },
  { header: 'REQUEST', value: (record) => runRecordOf(record)?.requestId, maxWidth: SHORT_ID },
];

/** The columns of `--wide`: full ids, the run, the first-seen and confirmation times, the reasons. */
export const WIDE_RECORD_COLUMNS: readonly Column<ListedRecord>[] = [
  { header: 'TIME', value: (record) => formatAt(record.at) },
  { header: 'OUTCOME', value: (record) => record.outcome },
  { header: 'POLICY', value: (record) => record.policyId },
  { header: 'ENDPOINT', value: (record) => record.endpointId },
  { header: 'CONNECTION', value: (record) => record.connectionId },
  { header: 'IDENTITY', value: identityOf },
  { header: 'STATUS', value: statusChange },
  { header: 'REQUEST', value: (record) => runRecordOf(record)?.requestId },
  { header: 'RUN', value: (record) => record.runId },
  { header: 'FIRST SEEN', value: (record) => formatAt(runRecordOf(record)?.firstSeenAt) },
  { header: 'CONFIRMED', value: (record) => formatAt(runRecordOf(record)?.confirmedAt) },
  { header: 'POLICY REASON', value: (record) => runRecordOf(record)?.policyReason },
  { header: 'REASON', value: reasonText },
];

/** Every field, for CSV. */
export const RECORD_CSV_COLUMNS: readonly Column<ListedRecord>[] = [
  { header: 'at', value: (record) => record.at },
  { header: 'runId', value: (record) => record.runId },
  { header: 'outcome', value: (record) => record.outcome },
  { header: 'policyId', value: (record) => record.policyId },
  { header: 'policyKind', value: (record) => record.policyKind },
  { header: 'mode', value: (record) => record.mode },
  { header: 'endpointId', value: (record) => record.endpointId },
  { header: 'connectionId', value: (record) => record.connectionId },
  { header: 'username', value: (record) => record.username },
  { header: 'commonName', value: (record) => record.commonName },
  { header: 'clientIp', value: (record) => record.clientIp },
  { header: 'firedPolicies', value: (record) => record.firedPolicies.join('; ') },
  { header: 'exemptedBy', value: (record) => record.exemptedBy },
  { header: 'calledBy', value: (record) => runRecordOf(record)?.calledBy },
  { header: 'previousStatus', value: (record) => runRecordOf(record)?.previousStatus },
  { header: 'currentStatus', value: (record) => runRecordOf(record)?.currentStatus },
  { header: 'requestId', value: (record) => runRecordOf(record)?.requestId },
  { header: 'errorCode', value: (record) => runRecordOf(record)?.errorCode },
  { header: 'errorMessage', value: (record) => record.errorMessage },
  { header: 'completedAt', value: (record) => runRecordOf(record)?.completedAt },
  { header: 'confirmedAt', value: (record) => runRecordOf(record)?.confirmedAt },
  { header: 'firstSeenAt', value: (record) => runRecordOf(record)?.firstSeenAt },
  { header: 'reason', value: (record) => record.reason },
  { header: 'policyReason', value: (record) => runRecordOf(record)?.policyReason },
  // The client connect handler's own fields, after every column a decision has.
  { header: 'recordType', value: (record) => record.recordType },
  { header: 'message', value: (record) => admissionOf(record)?.message },
  { header: 'platform', value: (record) => admissionOf(record)?.platform },
  { header: 'failMode', value: (record) => admissionOf(record)?.failMode },
];

/** How the record saw the connection's status change: `active→terminating`, or the one status it saw. */
function statusChange(record: ListedRecord): string | undefined {
  const run = runRecordOf(record);
  if (!run?.previousStatus) return run?.currentStatus;
  return run.currentStatus && run.currentStatus !== run.previousStatus
    ? `${run.previousStatus}→${run.currentStatus}`
    : run.previousStatus;
}

/** The id's last characters after an ellipsis (`…0000a001`); a short id as it is. */
function shortId(id: string | undefined): string | undefined {
  if (id === undefined || id.length <= SHORT_ID + 1) return id;
  return `…${id.slice(-SHORT_ID)}`;
}

function identityOf(record: ListedRecord): string {
  return record.username ?? (record.commonName ? `cn:${record.commonName}` : '');
}

/** The record when it is a run's (a decision or an invalid row), else undefined. */
function runRecordOf(record: ListedRecord): RunRecord | undefined {
  return record.recordType === AuditRecordType.ADMISSION ? undefined : record;
}

/** The record when it is the client connect handler's, else undefined. */
function admissionOf(record: ListedRecord): AdmissionRecord | undefined {
  return record.recordType === AuditRecordType.ADMISSION ? record : undefined;
}

/** The reason, with the AWS error code of a failed termination, or the message a refused client was shown. */
function reasonText(record: ListedRecord): string {
  const run = runRecordOf(record);
  if (run?.errorCode && run.outcome === Outcome.FAILED) return `${run.reason} [${run.errorCode}]`;
  const message = admissionOf(record)?.message;
  return message ? `${record.reason}; shown: ${JSON.stringify(message)}` : record.reason;
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
