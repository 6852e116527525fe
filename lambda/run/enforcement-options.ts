import type { EnforcerConfig } from '../config.js';
import type { EnforcementOptions } from '../enforce.js';
import type { RunTrigger } from '../ports/index.js';

/** What varies per invocation. */
export interface InvocationSettings {
  readonly runId: string;
  /** What started the run. @default manual */
  readonly trigger?: RunTrigger;
  /** For a continuation: the run it continues. */
  readonly continues?: string;
  /** Asked for by the event; it can only add to the deployment's dry run, never turn it off. @default false */
  readonly dryRun?: boolean;
  /** Milliseconds the function has left. */
  readonly remainingTimeMs: () => number;
  /** Lambda's request id (a retry of the same asynchronous invocation keeps it). @default a new id per run */
  readonly invocationId?: string;
  /**
   * The function this invocation runs as (`context.invokedFunctionArn`), the chain's first run id and this
   * run's generation in it (0 for the first): what a continuation needs. @default no continuation
   */
  readonly chain?: { readonly functionArn: string; readonly rootRunId: string; readonly generation: number };
}

/** The options of one run, from the deployment's configuration and the invocation. */
export function enforcementOptions(config: EnforcerConfig, invocation: InvocationSettings): EnforcementOptions {
  return {
    runId: invocation.runId,
    ...(invocation.trigger === undefined ? {} : { trigger: invocation.trigger }),
    ...(invocation.continues === undefined ? {} : { continues: invocation.continues }),
    ...(invocation.chain === undefined
      ? {}
      : { continuation: { ...invocation.chain, maxContinuations: config.maxContinuations } }),
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
