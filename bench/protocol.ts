/**
 * Messages between the bench's processes: the orchestrator (bench/run.ts), the sandbox process
 * (bench/sandbox-process.ts) and the contender process (bench/worker.ts). The sandbox runs apart
 * so the contender's memory is its own; the contender runs apart so each one starts cold.
 */
import type { ActionCounter } from '../local/index.js';
import type { ScenarioSpec } from './scenarios.js';
import type { InvocationKind, Timeline } from './schedule-timeline.js';

/** Who runs against the scenario. */
export const Contender = {
  CVPN_GUARD: 'cvpn-guard',
  /** The common script, reading one page of connections per endpoint. */
  BASELINE_FIRST_PAGE: 'baseline (first page)',
  /** The common script, reading every page. */
  BASELINE_ALL_PAGES: 'baseline (all pages)',
} as const;
/** One contender. */
export type Contender = (typeof Contender)[keyof typeof Contender];

/** How the simulation runs. */
export interface SimulationSettings {
  /** Simulated ms per real ms (the scenario's, unless `--speed` overrides it). */
  readonly speed: number;
  /** Latency of every EC2 call, simulated ms. */
  readonly latencyMs: number;
  /** Random extra latency, up to this many simulated ms. */
  readonly jitterMs: number;
  /** Latency of every DynamoDB call, simulated ms (on top of dynalite's own time). */
  readonly dynamodbLatencyMs: number;
}

/** A simulated instant and the real instant it was read at, so another process can run the same clock. */
export interface ClockSync {
  readonly simulatedMs: number;
  readonly realMs: number;
  readonly speed: number;
}

/** Orchestrator → sandbox process. */
export type SandboxCommand =
  | {
      readonly type: 'start';
      readonly spec: ScenarioSpec;
      readonly start: string;
      readonly simulation: SimulationSettings;
    }
  | { readonly type: 'inspect'; readonly audit: boolean }
  | { readonly type: 'stop' };

/** Sandbox process → orchestrator. */
export type SandboxEvent =
  | { readonly type: 'ready'; readonly ready: SandboxReady }
  | { readonly type: 'inspection'; readonly inspection: SandboxInspection }
  | { readonly type: 'failed'; readonly message: string };

/** A started sandbox, as the contender needs it. */
export interface SandboxReady {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The product's environment for this sandbox (table names, topic). */
  readonly environment: Record<string, string>;
  readonly clock: ClockSync;
  readonly connections: number;
  readonly targeted: number;
  /** What the baseline script is told to end: the revoked user names and the session limit. */
  readonly revokedUsernames: readonly string[];
  readonly maxSessionMinutes: number;
  /** Real ms the sandbox took to generate and load the scenario. */
  readonly loadMs: number;
}

/** What the sandbox saw, after a contender ran. */
export interface SandboxInspection {
  /** Calls per service and action. */
  readonly counters: Record<string, Record<string, ActionCounter>>;
  /** Targeted connections (revoked users and sessions over the enforced limit). */
  readonly targeted: number;
  /** Targeted connections now ended (terminating or terminated). */
  readonly targetedEnded: number;
  /** Connections that should have stayed up but were ended, by role (exempt, observed, ordinary). */
  readonly wronglyEnded: Record<string, number>;
  /** The audit table, when asked for. */
  readonly audit?: AuditInspection;
  /** CPU time of the sandbox process since the scenario was loaded (user + system), real ms. */
  readonly cpuMs: number;
}

/** The audit table's decision records. */
export interface AuditInspection {
  /** Decision records by outcome. */
  readonly byOutcome: Record<string, number>;
  /** Run summaries. */
  readonly summaries: number;
  /** Decision records still `pending`. */
  readonly pending: number;
  /** Targeted connections with a `terminated` record. */
  readonly terminatedRecords: number;
}

/** Orchestrator → contender process. */
export interface WorkerInput {
  readonly contender: Contender;
  readonly sandbox: SandboxReady;
  /** Environment variables of the enforcer on top of the sandbox's (cvpn-guard only). */
  readonly enforcerEnvironment: Record<string, string>;
  /** The function's timeout, simulated ms. */
  readonly timeoutMs: number;
  /** Stop after this many invocations even if some decisions are still deferred. */
  readonly maxRuns: number;
  /** How cvpn-guard is invoked: ticks back to back, or on the schedule's timeline with its continuations. */
  readonly timeline: Timeline;
  /** The schedule's period, simulated ms (the schedule timeline's gap between two ticks). */
  readonly schedulePeriodMs: number;
}

/** One enforcement run (one Lambda invocation). */
export interface RunFigures {
  readonly status: string;
  /** A schedule tick or a continuation. */
  readonly kind: InvocationKind;
  readonly runId: string;
  /** The handler instance (execution environment) it ran on, from 0. */
  readonly instance: number;
  /** Simulated ms from the first tick to this invocation's start. */
  readonly startedMs: number;
  /** Simulated ms, from the invocation to its answer. */
  readonly simulatedMs: number;
  readonly wallMs: number;
  /** CPU time of the contender's process during the run (user + system), real ms. */
  readonly cpuMs: number;
  readonly connectionsSeen: number;
  readonly decisions: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly terminateCalls: number;
  readonly throttledCalls: number;
  readonly auditFailures: number;
  readonly endpointErrors: number;
  /** Connections listed per endpoint this run (to compute the minimum describe pages). */
  readonly listedPerEndpoint: readonly number[];
  /** Simulated ms from the start of the run to the end of each phase. */
  readonly phases: { readonly listed: number; readonly firstTerminate?: number; readonly lastTerminate?: number };
}

/** What the baseline script did. */
export interface BaselineFigures {
  readonly describeCalls: number;
  readonly connectionsRead: number;
  readonly candidates: number;
  readonly terminated: number;
  readonly failed: number;
  readonly errors: Record<string, number>;
}

/** Memory of the contender process. */
export interface MemoryFigures {
  /** Peak resident set size of the whole process (`resourceUsage().maxRSS`), bytes. */
  readonly peakRssBytes: number;
  /** RSS once the code was loaded and the clients built, before the first run, bytes. */
  readonly readyRssBytes: number;
  /** Peak V8 heap in use, sampled every 100 ms, bytes. */
  readonly peakHeapUsedBytes: number;
}

/** Contender process → orchestrator: each run as it ends, then the result. */
export type WorkerEvent =
  | { readonly type: 'run'; readonly index: number; readonly run: RunFigures }
  | { readonly type: 'result'; readonly result: WorkerResult };

/** What the contender did. */
export interface WorkerResult {
  readonly contender: Contender;
  readonly simulatedMs: number;
  readonly wallMs: number;
  /** CPU time of the contender's process from the first call to the last answer, real ms. */
  readonly cpuMs: number;
  /** Mean time of an SDK call as the contender saw it, simulated ms, by service (`ec2`, `dynamodb`). */
  readonly apiLatency: Record<string, { readonly calls: number; readonly meanSimulatedMs: number }>;
  readonly runs: readonly RunFigures[];
  /** How cvpn-guard was invoked (cvpn-guard only). */
  readonly timeline?: Timeline;
  /** Simulated ms from the first tick to the end of the last terminate call (cvpn-guard, when it made one). */
  readonly lastTerminateMs?: number;
  readonly baseline?: BaselineFigures;
  readonly memory: MemoryFigures;
}
