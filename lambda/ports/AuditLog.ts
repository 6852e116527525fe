import type {
  AdmissionOutcome,
  EnforcingKind,
  FailModeCause,
  Outcome,
  PolicyMode,
  SummaryStatus,
} from '../domain/index.js';
import type { CanaryOutcome } from './ConnectHandlerProbe.js';
import type { HandedOn, RunTrigger } from './RunTrigger.js';

/**
 * The four transitions of a record of one run (a decision, or an invalid policy row), each one method
 * of {@link AuditLog} of the same name; the log allows no other. A record is absent, `pending` (an
 * intent), unconfirmed (`terminated` while EC2 still showed the connection `terminating`) or final.
 */
export const AuditTransition = {
  /**
   * absent → final: a decision that calls nothing, a decision deferred to the next run, an invalid
   * policy row. A record that already exists is left as it is.
   */
  RECORD: 'record',
  /** absent → `pending`: the intent written before a terminate call; no call is made without one. */
  INTEND: 'intend',
  /**
   * `pending` → the call's outcome (final, or unconfirmed while the connection is still `terminating`):
   * by the run that made the call, or by a later run reconciling an intent a run that died left
   * pending. Only while the record is pending.
   */
  COMPLETE: 'complete',
  /**
   * unconfirmed → final: a later run saw how the connection ended, `terminated` (or no longer listed)
   * or `failed` (it failed to terminate and is still up). Only while the record is unconfirmed.
   */
  CONFIRM: 'confirm',
} as const;
/** One of the transitions of an audit record. */
export type AuditTransition = (typeof AuditTransition)[keyof typeof AuditTransition];

/** What an audit record records; stored as its item's `recordType`. */
export const AuditRecordType = {
  /** One decision of one run about one connection. */
  DECISION: 'decision',
  /** A policy row that failed validation in one run (it matched nothing). */
  INVALID_POLICY: 'invalid-policy',
  /** The summary of one run. */
  SUMMARY: 'summary',
  /** What the client connect handler answered one connection attempt (written with `record` only). */
  ADMISSION: 'admission',
} as const;
/** One of the audit record types. */
export type AuditRecordType = (typeof AuditRecordType)[keyof typeof AuditRecordType];

/** The outcome of a decision record: every outcome but `invalid-policy` and those of admissions. */
export type DecisionOutcome = Exclude<Outcome, typeof Outcome.INVALID_POLICY | AdmissionOutcome>;

/** Records of a run, by outcome; an outcome no record has is absent. */
export type OutcomeCounts = Readonly<Partial<Record<Outcome, number>>>;

/** What every record of a run holds. */
interface RunRecordFields {
  readonly runId: string;
  /** ISO time the decision was made. */
  readonly at: string;
  /** The deciding policy (or, for an invalid row, the row at fault). */
  readonly policyId: string;
  /** Every policy that fired, as `policyId (kind, mode)`, strongest first; none for an invalid row. */
  readonly firedPolicies: readonly string[];
  /** A sentence a person can read, with its evidence. */
  readonly reason: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /**
   * The account and Region of the deployment that wrote it (a spoke, or a single deployment its own): the audit
   * table's `byAccount` index. @default absent: written by a deployment that did not know its account
   */
  readonly accountId?: string;
  /** The Region of the deployment that wrote it, with `accountId`. */
  readonly region?: string;
}

/** What only a decision record holds. */
interface DecisionFields {
  /** The deciding policy's kind. */
  readonly policyKind: EnforcingKind;
  /** The deciding policy's mode (after the global dry run). */
  readonly mode: PolicyMode;
  readonly endpointId: string;
  readonly connectionId: string;
  readonly username?: string;
  readonly commonName?: string;
  readonly clientIp?: string;
  /** For `exempted`: the exempt row that won. */
  readonly exemptedBy?: string;
  /** How the terminate call targeted the connection. */
  readonly calledBy?: 'connection-id' | 'username';
  readonly previousStatus?: string;
  readonly currentStatus?: string;
  readonly requestId?: string;
  /** ISO time the outcome was recorded (for intents completed later). */
  readonly completedAt?: string;
  /** ISO time a later run saw how an unconfirmed termination ended (`completedAt` keeps the call's answer). */
  readonly confirmedAt?: string;
  /** The deciding row's own `reason` text, when the row has one (the generated `reason` keeps the evidence). */
  readonly policyReason?: string;
  /**
   * ISO time the same decision (endpoint, connection, policy, outcome) was first recorded in an unbroken
   * sequence of runs: this record's own `at` when it is new.
   */
  readonly firstSeenAt?: string;
  /**
   * ISO time the deciding rule's condition became true for the connection (the decision's `conditionAt`).
   * @default absent: not known (a row without `updatedAt`, or a record written before records said), so the time
   * to enforce is not measured
   */
  readonly conditionAt?: string;
  /** ISO time the connection was established, as EC2 listed it. @default absent: not known */
  readonly connectedAt?: string;
}

/** Fields a record does not have, declared absent so that a reader of any record may ask for them. */
type Absent<T> = { readonly [K in keyof T]?: undefined };

/** The record of one decision of one run about one connection. */
export interface DecisionRecord extends RunRecordFields, DecisionFields {
  readonly recordType: typeof AuditRecordType.DECISION;
  readonly outcome: DecisionOutcome;
}

/** The record of a policy row that failed validation: it matched nothing in this run, and names no connection. */
export interface InvalidPolicyRecord extends RunRecordFields, Absent<DecisionFields> {
  readonly recordType: typeof AuditRecordType.INVALID_POLICY;
  readonly outcome: typeof Outcome.INVALID_POLICY;
}

/** The summary of one run. */
export interface RunSummary {
  readonly recordType: typeof AuditRecordType.SUMMARY;
  readonly runId: string;
  readonly at: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** `completed`, `disabled` (kill switch) or `partial` (some endpoints failed). */
  readonly status: SummaryStatus;
  readonly dryRun: boolean;
  readonly endpoints: number;
  readonly endpointErrors: readonly string[];
  readonly connectionsSeen: number;
  /**
   * Connections each endpoint listed in the run, by endpoint id (an endpoint that listed none is there with 0).
   * @default absent: a summary written before summaries said, or of a run that stopped before listing (disabled)
   */
  readonly connectionsByEndpoint?: Readonly<Record<string, number>>;
  readonly counts: OutcomeCounts;
  readonly invalidPolicies: number;
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  readonly reconciled: number;
  /** Terminations of earlier runs found to have failed (`failed-to-terminate`) by this run. */
  readonly lateFailures?: number;
  /** What the client connect handler answered the run's canary. @default absent: no canary was sent */
  readonly canary?: CanaryOutcome;
  /** What started the run. @default absent: a summary written before runs said (a schedule or manual run) */
  readonly trigger?: RunTrigger;
  /** For a continuation: the run id of the run it continues. */
  readonly continues?: string;
  /** The continuation this run started once it had released the lease, and why. @default absent: none */
  readonly handedOn?: HandedOn;
  /**
   * The account and Region of the deployment that wrote it (a spoke, or a single deployment its own): the audit
   * table's `byAccount` index. @default absent: written by a deployment that did not know its account
   */
  readonly accountId?: string;
  /** The Region of the deployment that wrote it, with `accountId`. */
  readonly region?: string;
}

/**
 * What the client connect handler answered one connection attempt: a final record, written with `record`.
 * Its `runId` is the UTC day's bucket, `gate-YYYY-MM-DD` (see `gateRunId`), so one day's attempts are one
 * query by the base key, and the connection id (unique per attempt) keys it within the day.
 */
export interface AdmissionRecord {
  readonly recordType: typeof AuditRecordType.ADMISSION;
  readonly outcome: AdmissionOutcome;
  /** `gate-YYYY-MM-DD`, the UTC day of the attempt. */
  readonly runId: string;
  /** ISO time the attempt was decided. */
  readonly at: string;
  readonly endpointId: string;
  readonly connectionId: string;
  readonly username?: string;
  readonly commonName?: string;
  /** The client's public IP address, as the request gave it. */
  readonly clientIp?: string;
  readonly platform?: string;
  /**
   * The deciding policy: the rule that refused (or would have), the rule an exemption overrode, else the
   * `max-connections` row that counted the attempt; absent for a fail-mode answer decided by no row.
   */
  readonly policyId?: string;
  /** The deciding policy's kind, when a rule decided. */
  readonly policyKind?: EnforcingKind;
  /** The deciding rule's mode (after the global dry run), when a rule decided. */
  readonly mode?: PolicyMode;
  /** Every policy that fired, as `policyId (kind, mode)`, strongest first. */
  readonly firedPolicies: readonly string[];
  /** The exempt row that admitted the attempt. */
  readonly exemptedBy?: string;
  /** A sentence a person can read, with its evidence. */
  readonly reason: string;
  /** What the client showed (or would have shown) the user. */
  readonly message?: string;
  /** What the decision could not judge, in words. */
  readonly notes?: readonly string[];
  /** For `admitted-fail-open` and `refused-fail-closed`: why the fail mode answered. */
  readonly failMode?: FailModeCause;
  readonly errorMessage?: string;
  /**
   * The account and Region of the deployment that wrote it (a spoke, or a single deployment its own): the audit
   * table's `byAccount` index. @default absent: written by a deployment that did not know its account
   */
  readonly accountId?: string;
  /** The Region of the deployment that wrote it, with `accountId`. */
  readonly region?: string;
}

/** One record of the audit table: a decision, an invalid policy row, a run's summary, or an admission. */
export type AuditRecord = DecisionRecord | InvalidPolicyRecord | RunSummary | AdmissionRecord;

/** A record of one run's decisions and findings: every audit record but the run's summary. */
export type RunRecord = DecisionRecord | InvalidPolicyRecord;

/** The key of one decision record in a run. */
export interface DecisionKey {
  readonly runId: string;
  readonly endpointId: string;
  readonly connectionId: string;
}

/** How a `pending` intent ended ({@link AuditTransition.COMPLETE}). Fields left undefined or empty keep their value. */
export interface AuditCompletion {
  readonly outcome: DecisionOutcome;
  /** How the terminate call targeted the connection. */
  readonly calledBy?: 'connection-id' | 'username';
  readonly reason?: string;
  readonly previousStatus?: string;
  readonly currentStatus?: string;
  readonly requestId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly completedAt: string;
  /**
   * EC2 accepted the call but the connection is still `terminating`: the record stays unconfirmed
   * (on the `pending` index) until a later run sees how it ended. @default false
   */
  readonly awaitingConfirmation?: boolean;
}

/** How an unconfirmed termination really ended ({@link AuditTransition.CONFIRM}). */
export interface AuditConfirmation {
  readonly outcome: typeof Outcome.TERMINATED | typeof Outcome.FAILED;
  /** EC2's status of the connection, or `not-listed`. */
  readonly currentStatus: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** ISO time the run saw how it ended; the record keeps its `completedAt`. */
  readonly confirmedAt: string;
}

/** The audit table. The run writes and updates records through the four transitions, never deletes them. */
export interface AuditLog {
  /**
   * {@link AuditTransition.RECORD}: writes a final record (of a run, or of the client connect handler); false
   * when the run already had it (left as it was).
   */
  record(record: RunRecord | AdmissionRecord): Promise<boolean>;
  /** {@link AuditTransition.INTEND}: writes a `pending` intent; false when the run already has a record for it. */
  intend(record: DecisionRecord): Promise<boolean>;
  /** {@link AuditTransition.COMPLETE}: gives a `pending` intent its outcome; nothing changes unless it is pending. */
  complete(key: DecisionKey, completion: AuditCompletion): Promise<void>;
  /** {@link AuditTransition.CONFIRM}: records how an unconfirmed termination ended; nothing changes otherwise. */
  confirm(key: DecisionKey, confirmation: AuditConfirmation): Promise<void>;
  /** Every intent still `pending`, from any run. */
  listPending(): Promise<DecisionRecord[]>;
  /** Every unconfirmed termination, from any run. */
  listUnconfirmed(): Promise<DecisionRecord[]>;
  /** Every record of one run (decisions, then invalid policy rows, each in key order), and its summary if written. */
  getRun(runId: string): Promise<{ records: RunRecord[]; summary?: RunSummary }>;
  /** Writes the run's summary record (a second write replaces the first). */
  putSummary(summary: RunSummary): Promise<void>;
}

/** Each transition is the audit log's method of the same name (this fails to compile when one is not). */
export type AuditTransitionMethods = Pick<AuditLog, AuditTransition>;
