import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readPolicyImage } from './adapters/policy-image.js';
import { loadEnforcerConfig } from './config.js';
import { Outcome, RunStatus } from './domain/index.js';
import { runEnforcement } from './enforce.js';
import { EnforcerEventError } from './errors.js';
import { DECISIONS_METRIC, METRICS_NAMESPACE, RunMetric, RUNS_STARTED_METRIC, SERVICE_NAME } from './metrics.js';
import { AuditRecordType, RunTrigger, unqualifiedArn } from './ports/index.js';
import { type BatchVerdict, judgeBatch } from './run/change-filter.js';
import { ACCEPTED_EVENTS, type EnforcerEvent, parseEnforcerEvent } from './run/enforcer-event.js';
import { enforcementOptions, type InvocationSettings } from './run/enforcement-options.js';
import { changeRunId, continuationRunId, continuedRunId, runIdFor } from './run/run-id.js';
import { type EnforcerResult, ignoredBatchOf, runResultOf } from './run/run-result.js';
import { HandOnStatus, type RunReport } from './run/RunReport.js';
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
    }
  | { readonly runs: false; readonly batch: BatchVerdict };

/**
 * Builds the handler around a runtime made once, on the first invocation of the container. It accepts a
 * schedule tick, a manual run, a batch of the policies table's stream and a continuation (run/enforcer-event.ts).
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
    const invocation = invocationOf(
      parsed,
      runtime,
      startedAt,
      context.invokedFunctionArn ? unqualifiedArn(context.invokedFunctionArn) : undefined,
    );
    if (invocation.batch) reportBatch(logger, metrics, invocation.batch);
    if (!invocation.runs) {
      logger.info('no change of the batch can end sessions: no run', { changes: invocation.batch.records });
      return ignoredBatchOf(invocation.batch);
    }
    const { settings } = invocation;
    logger.appendKeys({ runId: settings.runId });
    // A change is noted before the lease is tried: a run holding it then sees the change once it releases.
    // With the kill switch on there is nothing to see: the run writes its disabled summary only.
    if (invocation.batch && !config.disabled) await ports.changes?.note(startedAt);
    const report = await runEnforcement(
      { ...ports, logger },
      enforcementOptions(config, {
        ...settings,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        invocationId: context.awsRequestId || undefined,
      }),
    );
    publishMetrics(metrics, report);
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
  switch (event.shape) {
    case 'run': {
      const { scheduledTime, dryRun } = event.event;
      const runId = runIdFor(scheduledTime ? new Date(scheduledTime) : undefined, startedAt);
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
      const runId = changeRunId(first.eventSourceArn, first.sequenceNumber, last.sequenceNumber);
      return { runs: true, batch, settings: { runId, trigger: RunTrigger.CHANGE, ...chain(runId, 0) } };
    }
  }
}

/** Logs what a batch holds, each record that is no change of the policies table by name, and counts those. */
function reportBatch(logger: Logger, metrics: Metrics, batch: BatchVerdict): void {
  for (const why of batch.rejected) logger.warn('a record of the batch is no change of the policies table', { why });
  for (const effect of batch.starting) logger.info('a change can end sessions', { ...effect });
  if (batch.unchanged.length > 0) logger.info('changes that end no session', { unchanged: batch.unchanged });
  metrics.addMetric(RunMetric.CHANGE_RECORDS_REJECTED, MetricUnit.Count, batch.rejected.length);
}

function publishMetrics(metrics: Metrics, report: RunReport): void {
  const count = (outcome: Outcome) => report.counts[outcome] ?? 0;
  const started = metrics.singleMetric();
  started.addDimensions({ trigger: report.trigger });
  started.addMetric(RUNS_STARTED_METRIC, MetricUnit.Count, 1);
  // A run that found the lease held, or its run already finished, did nothing: it reports no run metric, so runs
  // that never get the lease (one written never to expire) set off the runs-stopped alarm as no runs at all do.
  if (report.status === RunStatus.SKIPPED || report.status === RunStatus.ALREADY_DONE) return;
  metrics.addMetric(RunMetric.CONNECTIONS_SEEN, MetricUnit.Count, report.connectionsSeen);
  metrics.addMetric(RunMetric.TERMINATED, MetricUnit.Count, count(Outcome.TERMINATED));
  metrics.addMetric(RunMetric.WOULD_TERMINATE, MetricUnit.Count, count(Outcome.WOULD_TERMINATE));
  // Earlier terminations found to have failed count here too: the failed-terminations alarm must see them.
  metrics.addMetric(RunMetric.FAILED, MetricUnit.Count, count(Outcome.FAILED) + report.lateFailures.length);
  metrics.addMetric(RunMetric.CAPPED, MetricUnit.Count, count(Outcome.CAPPED));
  metrics.addMetric(RunMetric.DEFERRED, MetricUnit.Count, count(Outcome.DEFERRED));
  metrics.addMetric(RunMetric.EXEMPTED, MetricUnit.Count, count(Outcome.EXEMPTED));
  metrics.addMetric(RunMetric.INVALID_POLICIES, MetricUnit.Count, report.findings.length);
  metrics.addMetric(RunMetric.THROTTLED_CALLS, MetricUnit.Count, report.throttledCalls);
  metrics.addMetric(RunMetric.ENDPOINT_ERRORS, MetricUnit.Count, report.endpointErrors.length);
  metrics.addMetric(RunMetric.RUN_DURATION, MetricUnit.Milliseconds, report.durationMs);
  // Only a run that sent a canary says how it went: no datum, rather than a 0 that proves nothing.
  if (report.canary)
    metrics.addMetric(RunMetric.CONNECT_HANDLER_CANARY_FAILED, MetricUnit.Count, report.canary.ok ? 0 : 1);
  // Likewise only a run that had a reason to hand on says what became of it.
  if (report.handOn) {
    const { status } = report.handOn;
    metrics.addMetric(RunMetric.CONTINUATIONS_STARTED, MetricUnit.Count, status === HandOnStatus.STARTED ? 1 : 0);
    metrics.addMetric(RunMetric.CONTINUATIONS_REFUSED, MetricUnit.Count, status === HandOnStatus.REFUSED ? 1 : 0);
    metrics.addMetric(RunMetric.CONTINUATION_START_FAILED, MetricUnit.Count, status === HandOnStatus.FAILED ? 1 : 0);
  }
  const byOutcomeAndKind = new Map<string, { outcome: string; kind: string; count: number }>();
  for (const record of report.records) {
    if (record.recordType !== AuditRecordType.DECISION) continue;
    const key = `${record.outcome}|${record.policyKind}`;
    const entry = byOutcomeAndKind.get(key) ?? { outcome: record.outcome, kind: record.policyKind, count: 0 };
    entry.count += 1;
    byOutcomeAndKind.set(key, entry);
  }
  for (const { outcome, kind, count: value } of byOutcomeAndKind.values()) {
    const single = metrics.singleMetric();
    single.addDimensions({ outcome, kind });
    single.addMetric(DECISIONS_METRIC, MetricUnit.Count, value);
  }
}

/** The Lambda entry point: configuration is read and validated once, on the container's first run. */
export const handler = createHandler(() => createRuntime(loadEnforcerConfig(process.env)));
