import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { loadEnforcerConfig } from './config.js';
import { Outcome } from './domain/index.js';
import { runEnforcement } from './enforce.js';
import { EnforcerEventError } from './errors.js';
import { DECISIONS_METRIC, METRICS_NAMESPACE, RunMetric, SERVICE_NAME } from './metrics.js';
import { AuditRecordType } from './ports/index.js';
import { enforcementOptions } from './run/enforcement-options.js';
import { runIdFor } from './run/run-id.js';
import type { RunReport } from './run/RunReport.js';
import { createRuntime, type EnforcerRuntime } from './runtime.js';

/** The Scheduler's payload (`scheduledTime` from `<aws.scheduler.scheduled-time>`), or a manual `{ "dryRun": true }`. */
export const enforcementEventSchema = z
  .object({
    scheduledTime: z.iso.datetime({ offset: true }).optional(),
    source: z.string().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
/** The event the enforcer accepts. */
export type EnforcementEvent = z.infer<typeof enforcementEventSchema>;

/** Observability the handler writes to. */
export interface HandlerObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Builds the handler around a runtime made once, on the first invocation of the container. */
export function createHandler(
  makeRuntime: () => EnforcerRuntime,
  observability: HandlerObservability = {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  },
) {
  const { logger, metrics } = observability;
  let runtime: EnforcerRuntime | undefined;

  const enforce = async (event: unknown, context: Context): Promise<RunReport> => {
    runtime ??= makeRuntime();
    const parsed = enforcementEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new EnforcerEventError(
        `cvpn-guard: the event is not a schedule tick nor {"dryRun": true}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ')}`,
        { cause: parsed.error },
      );
    }
    const { config, ports } = runtime;
    const startedAt = ports.clock.now();
    const runId = runIdFor(parsed.data.scheduledTime ? new Date(parsed.data.scheduledTime) : undefined, startedAt);
    logger.appendKeys({ runId });
    const report = await runEnforcement(
      { ...ports, logger },
      enforcementOptions(config, {
        runId,
        dryRun: parsed.data.dryRun,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        invocationId: context.awsRequestId || undefined,
      }),
    );
    publishMetrics(metrics, report);
    logger.info('run finished', {
      status: report.status,
      counts: report.counts,
      connectionsSeen: report.connectionsSeen,
      endpointErrors: report.endpointErrors,
      invalidPolicies: report.findings.length,
      durationMs: report.durationMs,
      ...(report.canary ? { canary: report.canary } : {}),
    });
    return report;
  };

  return middy(enforce)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

function publishMetrics(metrics: Metrics, report: RunReport): void {
  const count = (outcome: Outcome) => report.counts[outcome] ?? 0;
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
