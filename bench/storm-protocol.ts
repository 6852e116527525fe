/**
 * Messages between the bench's orchestrator (bench/run.ts) and the login storm's process (bench/storm-process.ts),
 * where the sandbox and the client connect handler run together, as Client VPN and its Lambda function do.
 */
import type { ActionCounter } from '../local/index.js';
import type { StormRole, StormSpec } from './storm-scenario.js';

/** Orchestrator → storm process: one phase, in a fresh sandbox with a fresh handler. */
export interface StormCommand {
  readonly spec: StormSpec;
  /** After the warm-up, every DynamoDB call fails (an injected InternalServerError) until the storm ends. */
  readonly dynamodbDown: boolean;
}

/** How one attempt of the storm ended, as the client saw it and as the audit table holds it. */
export interface ObservedAttempt {
  readonly index: number;
  readonly role: StormRole;
  /** The simulated instant Client VPN took the attempt. */
  readonly at: string;
  readonly admitted: boolean;
  /** What the client was told, when refused. */
  readonly message?: string;
  /** Client VPN's failure reason, when refused. */
  readonly failureReason?: string;
  /** The `outcome` of the attempt's admission record, when the table holds one. */
  readonly recordOutcome?: string;
  /** The record's notes say the handler could not count the user's connections (it admits then, by design). */
  readonly uncounted?: boolean;
  /**
   * The active connections of the same user name on the endpoint established before this attempt, from the
   * emulator's list after the storm (nothing ends a connection during it): the oracle's count.
   */
  readonly held?: number;
}

/** One invocation of the handler, timed in its wrapper. */
export interface InvocationTiming {
  /** Real ms from the invocation to the answer. */
  readonly wallMs: number;
  /** Simulated ms from the invocation to the answer. */
  readonly simulatedMs: number;
  /** Real ms from the invocation to the start of its audit write (to the answer, when it writes none): the decision. */
  readonly decideMs: number;
  /** Whether it began after the first answer (a warm container). */
  readonly warm: boolean;
}

/** What one phase showed. */
export interface StormObservation {
  readonly dynamodbDown: boolean;
  readonly attempts: readonly ObservedAttempt[];
  readonly timings: readonly InvocationTiming[];
  /** Real ms of each audit record the handler wrote during the storm. */
  readonly auditWriteMs: readonly number[];
  /** Invocations in which the handler threw (Client VPN refuses them). */
  readonly handlerThrows: number;
  /** The handler's metrics during the storm, summed by name. */
  readonly metrics: Record<string, number>;
  /** Calls per service and action during the storm (the attach and the warm-up are not counted). */
  readonly counters: Record<string, Record<string, ActionCounter>>;
  /** The handler's deadline, simulated ms. */
  readonly deadlineMs: number;
  /** Real ms the storm took. */
  readonly wallMs: number;
}

/** Storm process → orchestrator. */
export type StormEvent =
  | { readonly type: 'observed'; readonly observation: StormObservation }
  | { readonly type: 'failed'; readonly message: string };
