import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readPolicyImage } from './adapters/policy-image.js';
import { loadEnforcerConfig } from './config.js';
import { type Placement, RunStatus } from './domain/index.js';
import { runEnforcement } from './enforce.js';
import { EnforcerEventError } from './errors.js';
import { HEARTBEAT_FAILED_METRIC, METRICS_NAMESPACE, RunMetric, SERVICE_NAME } from './metrics.js';
import { publishRunMetrics } from './publish-run-metrics.js';
import { RunTrigger, unqualifiedArn } from './ports/index.js';
import { type BatchVerdict, judgeBatch } from './run/change-filter.js';
import { ACCEPTED_EVENTS, type EnforcerEvent, parseEnforcerEvent } from './run/enforcer-event.js';
import { enforcementOptions, type InvocationSettings } from './run/enforcement-options.js';
import { changeRunId, continuationRunId, continuedRunId, placedRunId, runIdFor } from './run/run-id.js';
import { type EnforcerResult, ignoredBatchOf, runResultOf } from './run/run-result.js';
import type { RunReport } from './run/RunReport.js';
import { parseStreamBatch } from './run/stream-batch.js';
import { createRuntime, type EnforcerRuntime } from './runtime.js';

/** Observability the handler writes to. */
export interface HandlerObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The run an invocation makes, or the answer of a stream batch that makes none. */
type Invocation =
  | {
      readonly runs: true;
      readonly settings: Omit<InvocationSettings, 'remainingTimeMs'>;
      readonly batch?: BatchVerdict;
      /** A change (a stream batch, or one the hub relays): noted before the run tries the lease. */
      readonly noteChange?: true;
    }
  | { readonly runs: false; readonly batch: BatchVerdict };

/**
 * Builds the handler around a runtime made once, on the first invocation of the container. It accepts a
 * schedule tick, a manual run, a batch of the policies table's stream, a continuation and a change the hub relays
 * (run/enforcer-event.ts). A spoke's run ids are placed, and each run that ran announces the spoke to the hub.
 */
export function createHandler(
  makeRuntime: () => EnforcerRuntime,
  observability: HandlerObservability = {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  },
) {
  const { logger, metrics } = observability;
  let runtime: EnforcerRuntime | undefined;

  const enforce = async (event: unknown, context: Context): Promise<EnforcerResult> => {
    runtime ??= makeRuntime();
    const parsed = parseEnforcerEvent(event);
    if (!parsed.ok) {
      throw new EnforcerEventError(
        `cvpn-guard: the event is not one the enforcer accepts (${ACCEPTED_EVENTS}): ${parsed.issues}`,
      );
    }
    const { config, ports } = runtime;
    const startedAt = ports.clock.now();
    const functionArn = context.invokedFunctionArn ? unqualifiedArn(context.invokedFunctionArn) : undefined;
    const invocation = invocationOf(parsed, runtime, startedAt, functionArn);
    if (invocation.batch) reportBatch(logger, metrics, invocation.batch);
    if (!invocation.runs) {
      logger.info('no change of the batch can end sessions: no run', { changes: invocation.batch.records });
      return ignoredBatchOf(invocation.batch);
    }
    const { settings } = invocation;
    logger.appendKeys({ runId: settings.runId });
    // A change is noted before the lease is tried: a run holding it then sees the change once it releases.
    // With the kill switch on there is nothing to see: the run writes its disabled summary only.
    if (invocation.noteChange && !config.disabled) await ports.changes?.note(startedAt);
    const spoke = spokeOf(config);
    const report = await runEnforcement(
      { ...ports, logger },
      {
        ...enforcementOptions(config, {
          ...settings,
          remainingTimeMs: () => context.getRemainingTimeInMillis(),
          invocationId: context.awsRequestId || undefined,
        }),
        ...(spoke === undefined ? {} : { spoke }),
      },
    );
    publishRunMetrics(metrics, report);
    if (runtime.spokes && spoke) await announce(runtime.spokes, spoke, report, functionArn, config, logger, metrics);
    logger.info('run finished', {
      status: report.status,
      trigger: report.trigger,
      counts: report.counts,
      connectionsSeen: report.connectionsSeen,
      endpointErrors: report.endpointErrors,
      invalidPolicies: report.findings.length,
      durationMs: report.durationMs,
      ...(report.canary ? { canary: report.canary } : {}),
      ...(report.handOn ? { handOn: report.handOn } : {}),
    });
    return runResultOf(report, invocation.batch);
  };

  return middy(enforce)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** The run an event asks for: its id, trigger and chain; for a stream batch, whether it asks for one at all. */
function invocationOf(
  event: EnforcerEvent,
  runtime: EnforcerRuntime,
  startedAt: Date,
  functionArn: string | undefined,
): Invocation {
  const chain = (rootRunId: string, generation: number) =>
    functionArn === undefined ? {} : { chain: { functionArn, rootRunId, generation } };
  const spoke = spokeOf(runtime.config);
  // A continuation's root arrives placed already: it is the run id this spoke gave the chain's first run.
  const placed = (runId: string) => (spoke === undefined ? runId : placedRunId(spoke, runId));
  switch (event.shape) {
    case 'run': {
      const { scheduledTime, dryRun } = event.event;
      const runId = placed(runIdFor(scheduledTime ? new Date(scheduledTime) : undefined, startedAt));
      const trigger = scheduledTime ? RunTrigger.SCHEDULE : RunTrigger.MANUAL;
      return { runs: true, settings: { runId, trigger, dryRun, ...chain(runId, 0) } };
    }
    case 'continuation': {
      const { of, generation } = event.continuation;
      return {
        runs: true,
        settings: {
          runId: continuationRunId(of, generation),
          trigger: RunTrigger.CONTINUATION,
          continues: continuedRunId(of, generation),
          ...chain(of, generation),
        },
      };
    }
    case 'stream': {
      const { config } = runtime;
      const batch = judgeBatch(parseStreamBatch(event.records, config.policiesTable, readPolicyImage), startedAt);
      if (batch.starting.length === 0 || batch.span === undefined) return { runs: false, batch };
      const { first, last } = batch.span;
      const runId = placed(changeRunId(first.eventSourceArn, first.sequenceNumber, last.sequenceNumber));
      return {
        runs: true,
        batch,
        noteChange: true,
        settings: { runId, trigger: RunTrigger.CHANGE, ...chain(runId, 0) },
      };
    }
    case 'change': {
      // The hub's relay decided already that the batch can end sessions here: the spoke runs for it.
      const runId = placed(event.change.runId);
      return { runs: true, noteChange: true, settings: { runId, trigger: RunTrigger.CHANGE, ...chain(runId, 0) } };
    }
  }
}

/** The spoke a function runs as: its placement, when it is a spoke of an organization deployment. */
function spokeOf(config: EnforcerRuntime['config']): Placement | undefined {
  return config.hubRegion === undefined ? undefined : config.placement;
}

/**
 * The spoke's heartbeat after a run that ran (one that found the lease held or its run already done did nothing
 * to announce). A heartbeat that cannot be written is logged and counted; the run stands as it ended.
 */
async function announce(
  spokes: NonNullable<EnforcerRuntime['spokes']>,
  spoke: Placement,
  report: RunReport,
  functionArn: string | undefined,
  config: EnforcerRuntime['config'],
  logger: Logger,
  metrics: Metrics,
): Promise<void> {
  if (report.status === RunStatus.SKIPPED || report.status === RunStatus.ALREADY_DONE) return;
  if (functionArn === undefined) {
    logger.warn('no function ARN in the invocation context: the spoke announces no heartbeat');
    return;
  }
  const gateFunctionArn = gateArnOf(functionArn, config.connectHandlerFunction);
  try {
    await spokes.announce({
      ...spoke,
      at: report.startedAt.toISOString(),
      runId: report.runId,
      status: report.status,
      functionArn,
      ...(gateFunctionArn === undefined ? {} : { gateFunctionArn }),
      stateTable: config.stateTable,
    });
    metrics.addMetric(HEARTBEAT_FAILED_METRIC, MetricUnit.Count, 0);
  } catch (error) {
    logger.error("could not write the spoke's heartbeat to the hub; the hub may report it unreachable", {
      error: String(error),
    });
    metrics.addMetric(HEARTBEAT_FAILED_METRIC, MetricUnit.Count, 1);
  }
}

/** The client connect handler's ARN: as configured when an ARN, else its name in the enforcer's own account. */
function gateArnOf(functionArn: string, connectHandler: string | undefined): string | undefined {
  if (connectHandler === undefined) return undefined;
  if (connectHandler.startsWith('arn:')) return unqualifiedArn(connectHandler);
  return functionArn.replace(/:function:[^:]+$/, `:function:${connectHandler}`);
}

/** Logs what a batch holds, each record that is no change of the policies table by name, and counts those. */
function reportBatch(logger: Logger, metrics: Metrics, batch: BatchVerdict): void {
  for (const why of batch.rejected) logger.warn('a record of the batch is no change of the policies table', { why });
  for (const effect of batch.starting) logger.info('a change can end sessions', { ...effect });
  if (batch.unchanged.length > 0) logger.info('changes that end no session', { unchanged: batch.unchanged });
  metrics.addMetric(RunMetric.CHANGE_RECORDS_REJECTED, MetricUnit.Count, batch.rejected.length);
}

/** The Lambda entry point: configuration is read and validated once, on the container's first run. */
export const handler = createHandler(() => createRuntime(loadEnforcerConfig(process.env)));
