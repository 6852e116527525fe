import type { Outcome, PolicyMode } from '../domain/index.js';

/** One audit record: one decision (or one invalid policy row) of one run. */
export interface AuditRecord {
  readonly runId: string;
  /** ISO time the decision was made. */
  readonly at: string;
  readonly outcome: Outcome;
  /** The deciding policy (or, for `invalid-policy`, the row at fault). */
  readonly policyId: string;
  /** The deciding policy's kind (absent for `invalid-policy`). */
  readonly policyKind?: string;
  /** Every policy that fired, as `policyId (kind, mode)`, strongest first. */
  readonly firedPolicies: readonly string[];
  readonly mode?: PolicyMode;
  /** A sentence a person can read, with its evidence. */
  readonly reason: string;
  readonly endpointId?: string;
  readonly connectionId?: string;
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
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** ISO time the outcome was recorded (for `pending` intents completed later). */
  readonly completedAt?: string;
}

/** The key of one decision record in a run. */
export interface DecisionKey {
  readonly runId: string;
  readonly endpointId: string;
  readonly connectionId: string;
}

/** How a `pending` intent ended. */
export interface AuditCompletion {
  readonly outcome: Outcome;
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
   * EC2 accepted the call but the connection is still `terminating`: the record stays on the
   * `pending` index (as unconfirmed) until a later run sees how it ended.
   */
  readonly awaitingConfirmation?: boolean;
}

/** The summary of one run. */
export interface RunSummary {
  readonly runId: string;
  readonly at: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** `completed`, `disabled` (kill switch) or `partial` (some endpoints failed). */
  readonly status: 'completed' | 'disabled' | 'partial';
  readonly dryRun: boolean;
  readonly endpoints: number;
  readonly endpointErrors: readonly string[];
  readonly connectionsSeen: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly invalidPolicies: number;
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  readonly reconciled: number;
  /** Terminations of earlier runs found to have failed (`failed-to-terminate`) by this run. */
  readonly lateFailures?: number;
}

/** The audit table. The run may put and update records, never delete them. */
export interface AuditLog {
  /**
   * Writes a final record (no terminate call follows). Idempotent per run and key: a record that
   * already exists is left as it is. Returns false when it existed.
   */
  putFinal(record: AuditRecord): Promise<boolean>;
  /** Writes a `pending` intent before a terminate call; false when the run already has a record for it. */
  putIntent(record: AuditRecord): Promise<boolean>;
  /** Completes a `pending` intent with its outcome (only while it is still pending). */
  complete(key: DecisionKey, completion: AuditCompletion): Promise<void>;
  /** Every intent still `pending`, from any run. */
  listPending(): Promise<AuditRecord[]>;
  /** Every `terminated` record whose connection was still `terminating` when it was written. */
  listUnconfirmed(): Promise<AuditRecord[]>;
  /** Settles an unconfirmed record with how the connection really ended (only while it is unconfirmed). */
  settle(key: DecisionKey, completion: AuditCompletion): Promise<void>;
  /** Every record of one run (decisions and invalid-policy findings), and its summary if written. */
  getRun(runId: string): Promise<{ records: AuditRecord[]; summary?: RunSummary }>;
  /** Writes the run's summary record (idempotent). */
  putSummary(summary: RunSummary): Promise<void>;
}
