import type { EnforcerConfig } from '../config.js';
import type { EnforcementOptions } from '../enforce.js';

/** What varies per invocation. */
export interface InvocationSettings {
  readonly runId: string;
  /** Asked for by the event; it can only add to the deployment's dry run, never turn it off. @default false */
  readonly dryRun?: boolean;
  /** Milliseconds the function has left. */
  readonly remainingTimeMs: () => number;
  /** Lambda's request id (a retry of the same asynchronous invocation keeps it). @default a new id per run */
  readonly invocationId?: string;
}

/** The options of one run, from the deployment's configuration and the invocation. */
export function enforcementOptions(config: EnforcerConfig, invocation: InvocationSettings): EnforcementOptions {
  return {
    runId: invocation.runId,
    dryRun: config.dryRun || invocation.dryRun === true,
    disabled: config.disabled,
    endpointSelection: {
      endpointIds: config.endpointIds.length ? config.endpointIds : undefined,
      tag: config.endpointTag,
    },
    maxTerminationsPerRun: config.maxTerminationsPerRun,
    leaseMs: config.leaseMs,
    invocationId: invocation.invocationId,
    ...(config.connectHandlerFunction ? { canary: { functionName: config.connectHandlerFunction } } : {}),
    termination: {
      ratePerSecond: config.terminateRate,
      burst: config.terminateBurst,
      concurrency: config.terminateConcurrency,
      timeMarginMs: config.timeMarginMs,
      remainingTimeMs: invocation.remainingTimeMs,
    },
  };
}
