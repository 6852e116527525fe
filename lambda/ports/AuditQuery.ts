import type { Outcome } from '../domain/index.js';
import type { AdmissionRecord, RunRecord, RunSummary } from './AuditLog.js';

/** Which audit records to read. Every field narrows; the store reads through the index that fits best. */
export interface AuditRecordFilter {
  /** Records of one run. */
  readonly runId?: string;
  /** Records of one identity: a user name, or the common name of a certificate-only connection (folded as the table keys it). */
  readonly identity?: string;
  readonly endpointId?: string;
  readonly policyId?: string;
  /** Only these outcomes. @default every outcome */
  readonly outcomes?: readonly Outcome[];
  /** Only decisions first seen in their own run (`firstSeenAt` equals `at`): not the same decision again. @default all */
  readonly firstSightings?: boolean;
  /** Records made at or after this instant. Required when no other field selects an index. */
  readonly since?: Date;
  /** Records made at or before this instant. @default no bound (now, for the day walk) */
  readonly until?: Date;
  /** Only records written by spokes in these accounts (a hub's audit table). @default every account */
  readonly accountIds?: readonly string[];
  /** Only records written in these Regions (a hub's audit table). @default every Region */
  readonly regions?: readonly string[];
}

/** Which run summaries to read: a time window. */
export interface RunWindow {
  readonly since: Date;
  readonly until: Date;
  /** Only runs of spokes in these accounts (a hub's audit table). @default every account */
  readonly accountIds?: readonly string[];
  /** Only runs in these Regions (a hub's audit table). @default every Region */
  readonly regions?: readonly string[];
}

/** How much to read. */
export interface PageRequest {
  /** Most items to return. */
  readonly limit: number;
  /** Where an earlier page stopped. @default the start */
  readonly nextToken?: string;
}

/** One page of items, newest first. */
export interface AuditPage<T> {
  readonly items: readonly T[];
  /** Give it back to read on; absent when nothing is left. */
  readonly nextToken?: string;
}

/** A record an audit listing shows: a run's decision or invalid row, or the client connect handler's admission. */
export type ListedRecord = RunRecord | AdmissionRecord;

/** The audit table as operators read it: newest first, through its indexes, never a scan. */
export interface AuditQuery {
  /** Decisions, invalid rows and admissions, newest first. */
  records(filter: AuditRecordFilter, page: PageRequest): Promise<AuditPage<ListedRecord>>;
  runs(window: RunWindow, page: PageRequest): Promise<AuditPage<RunSummary>>;
  /** A run's summary (if written) and every record of it. */
  run(runId: string): Promise<{ records: RunRecord[]; summary?: RunSummary }>;
}
