import type { Decision, PolicyValidationError } from '../domain/index.js';
import type { AuditRecord } from '../ports/index.js';

/** How a run ended. */
export const RunStatus = {
  /** Every selected endpoint was read and every decision recorded. */
  COMPLETED: 'completed',
  /** Some endpoints could not be read; the others were enforced. */
  PARTIAL: 'partial',
  /** The kill switch is on: nothing was read or terminated. */
  DISABLED: 'disabled',
  /** Another run holds the lease: this one did nothing. */
  SKIPPED: 'skipped',
  /** This run id already finished (a retried tick): nothing was done again. */
  ALREADY_DONE: 'already-done',
} as const;
/** One of the run statuses. */
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** What one enforcement run did. */
export interface RunReport {
  readonly runId: string;
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly endpoints: number;
  /** One line per endpoint that could not be read (or selected endpoint that does not exist). */
  readonly endpointErrors: readonly string[];
  readonly connectionsSeen: number;
  /** The engine's decisions of this run. */
  readonly decisions: readonly Decision[];
  /** The final audit record of every decision (and invalid policy) of this run. */
  readonly records: readonly AuditRecord[];
  /** Records by outcome. */
  readonly counts: Readonly<Record<string, number>>;
  readonly findings: readonly PolicyValidationError[];
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  /** Pending intents of earlier runs completed by this one. */
  readonly reconciled: number;
  /**
   * Terminations of earlier runs that EC2 accepted but that did not take effect (the connection went
   * `failed-to-terminate`), found and settled as `failed` by this run.
   */
  readonly lateFailures: readonly AuditRecord[];
  /** Records that could not be written; they are logged, and pending ones are reconciled next run. */
  readonly auditFailures: number;
}
