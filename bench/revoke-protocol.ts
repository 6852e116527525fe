/** What bench/revoke-run.ts and its revocation process (bench/revoke-process.ts) say to each other over IPC. */
import type { RevokeSpec } from './revoke-scenario.js';

/** Start the scenario of `spec` and report what was seen. */
export interface RevokeCommand {
  readonly spec: RevokeSpec;
  /** Simulated ms every EC2 call takes. */
  readonly ec2LatencyMs: number;
}

/** One revocation's write, as the writer saw it (simulated ms after the installation). */
export interface ObservedWrite {
  readonly username: string;
  readonly plannedAtMs: number;
  /** When PutItem was sent and when its acknowledgment came back. */
  readonly sentAtMs: number;
  readonly acknowledgedAtMs: number;
}

/** One TerminateClientVpnConnections call as EC2 took it (simulated ms after the installation). */
export interface ObservedTerminateCall {
  readonly atMs: number;
  readonly endpointId: string;
  readonly connectionId?: string;
  readonly username?: string;
  /** The connections it moved from active (or failed-to-terminate) to terminating. */
  readonly movedToTerminating: readonly string[];
  /** EC2's error code, when the call was refused. */
  readonly error?: string;
}

/** One run of the enforcer, from its summary in the audit table (simulated ms after the installation). */
export interface ObservedRun {
  readonly runId: string;
  readonly trigger: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly terminateCalls: number;
  readonly handedOn?: string;
}

/** Everything the process saw. */
export interface RevokeObservation {
  readonly writes: readonly ObservedWrite[];
  readonly terminateCalls: readonly ObservedTerminateCall[];
  readonly runs: readonly ObservedRun[];
  /** Each connection's status at the end, by connection id. */
  readonly finalStatus: Readonly<Record<string, string>>;
  /** Invocations of the enforcer by the stream's mapping, retries included. */
  readonly streamInvocations: number;
  /** Scheduled ticks. */
  readonly ticks: number;
  /** Simulated ms from the installation to the end of the observation. */
  readonly observedMs: number;
  readonly wallMs: number;
}

/** The process's one answer. */
export type RevokeEvent =
  | { readonly type: 'observed'; readonly observation: RevokeObservation }
  | { readonly type: 'failed'; readonly message: string };
