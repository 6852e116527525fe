/** What bench/organization-run.ts and its organization process (bench/organization-process.ts) say over IPC. */
import type { Placement } from '../lambda/domain/types.js';
import type { OrganizationSpec } from './organization-scenario.js';
import type { ObservedTerminateCall } from './revoke-protocol.js';

/** How one spoke is made unreachable during a pass. */
export interface OrganizationFault {
  readonly placement: Placement;
  /** Simulated ms after all spokes were started. */
  readonly atMs: number;
  /** What is done: the spoke's enforcer role is deleted (its Region stays up: the other accounts' spokes share it). */
  readonly kind: 'role-deleted';
}

/** Run one pass of the organization of `spec`, with or without a fault, and report what was seen. */
export interface OrganizationCommand {
  readonly spec: OrganizationSpec;
  /** Simulated ms every EC2 call takes. */
  readonly ec2LatencyMs: number;
  /** @default none: the baseline pass */
  readonly fault?: OrganizationFault;
}

/** One spoke's enforcer run as its invocation returned (simulated ms after all spokes were started). */
export interface ObservedInvocation {
  readonly returnedAtMs: number;
  readonly runId?: string;
  readonly status?: string;
  /** The invocation's error, when it did not return a report. */
  readonly error?: string;
}

/** One run summary of the hub's audit table. */
export interface ObservedSummary {
  readonly runId: string;
  readonly status: string;
  readonly durationMs: number;
  readonly terminateCalls: number;
  readonly throttledCalls: number;
}

/** What one spoke saw. */
export interface ObservedSpoke {
  readonly placement: Placement;
  readonly invocation: ObservedInvocation;
  /** Every TerminateClientVpnConnections call the spoke's EC2 took, at simulated ms after all spokes were started. */
  readonly terminateCalls: readonly ObservedTerminateCall[];
  /** The spoke's connections that are not active at the end (terminating or terminated), by id. */
  readonly ended: readonly string[];
  /** Connection ids of the hub's audit decisions `terminated` this spoke wrote (its `accountId` and `region`). */
  readonly auditTerminated: readonly string[];
  /** The spoke's run summaries in the hub's audit table. */
  readonly summaries: readonly ObservedSummary[];
}

/** Everything one pass saw. */
export interface OrganizationObservation {
  readonly spokes: readonly ObservedSpoke[];
  /** Throttled DynamoDB answers (every caller: only the spokes call DynamoDB during a pass), by action. */
  readonly dynamodbThrottles: Readonly<Record<string, number>>;
  /** DynamoDB calls during the pass, by action. */
  readonly dynamodbCalls: Readonly<Record<string, number>>;
  /** Simulated ms from the start of all spokes to the end of the pass (every invocation returned, Lambda settled). */
  readonly observedMs: number;
  readonly wallMs: number;
  /** Wall ms to build the sandbox, its connections and the installation. */
  readonly setupWallMs: number;
  /** The fault applied, if any, and when it actually was (simulated ms after the start). */
  readonly fault?: OrganizationFault & { readonly appliedAtMs: number };
}

/** The process's one answer. */
export type OrganizationEvent =
  | { readonly type: 'observed'; readonly observation: OrganizationObservation }
  | { readonly type: 'failed'; readonly message: string };
