import type { Placement, Decision, PolicyValidationError, RunStatus } from '../domain/index.js';
import type { CanaryOutcome } from './connect-handler-canary.js';
import type {
  ContinuationReason,
  DecisionRecord,
  HandedOn,
  OutcomeCounts,
  RunRecord,
  RunTrigger,
} from '../ports/index.js';
import type { GroupsInPlan } from './decide-run.js';

/** What became of a run's hand-on, once it had released the lease. */
export const HandOnStatus = {
  /** Lambda queued the continuation. */
  STARTED: 'started',
  /** The chain is at `maxContinuations`: the next scheduled run takes the work up. */
  REFUSED: 'refused',
  /** The asynchronous Invoke failed: the next scheduled run takes the work up. */
  FAILED: 'failed',
} as const;
/** One of the ends of a hand-on. */
export type HandOnStatus = (typeof HandOnStatus)[keyof typeof HandOnStatus];

/** A run that had a reason to hand on, and what became of it. */
export interface HandOn {
  readonly status: HandOnStatus;
  /** The continuation's run id (started, or the one it would have had). */
  readonly runId: string;
  readonly reason: ContinuationReason;
  /** Why it was refused or failed, in words. */
  readonly error?: string;
}

/** What one enforcement run did. */
export interface RunReport {
  readonly runId: string;
  /** A spoke's run: the spoke, named in its digest. @default absent: a single deployment's run */
  readonly spoke?: Placement;
  /** What started the run. */
  readonly trigger: RunTrigger;
  /** For a continuation: the run it continues. */
  readonly continues?: string;
  /** The continuation this run started, and why. @default absent: none */
  readonly handedOn?: HandedOn;
  /** When the run had a reason to hand on: whether it did. @default absent: no reason to */
  readonly handOn?: HandOn;
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly endpoints: number;
  /** One line per endpoint that could not be read (or selected endpoint that does not exist). */
  readonly endpointErrors: readonly string[];
  readonly connectionsSeen: number;
  /** Connections each endpoint listed, by endpoint id. @default absent: the run stopped before listing */
  readonly connectionsByEndpoint?: Readonly<Record<string, number>>;
  /** The engine's decisions of this run. */
  readonly decisions: readonly Decision[];
  /** The final audit record of every decision (and invalid policy) of this run. */
  readonly records: readonly RunRecord[];
  /** Records by outcome. */
  readonly counts: OutcomeCounts;
  readonly findings: readonly PolicyValidationError[];
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  /** Pending intents of earlier runs completed by this one. */
  readonly reconciled: number;
  /**
   * Terminations of earlier runs that EC2 accepted but that did not take effect (the connection went
   * `failed-to-terminate`), found and confirmed as `failed` by this run.
   */
  readonly lateFailures: readonly DecisionRecord[];
  /** Records that could not be written; they are logged, and pending ones are reconciled next run. */
  readonly auditFailures: number;
  /** What the client connect handler answered the run's canary. @default absent: no canary was sent */
  readonly canary?: CanaryOutcome;
  /** Active connections whose groups were unknown (no facts from the gate), and the rows selecting by groups. */
  readonly groups: GroupsInPlan;
}
