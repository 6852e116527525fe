/**
 * The enforcer's metrics of one run, as CloudWatch EMF through Powertools Metrics: the names come from
 * lambda/metrics.ts, which the stack's alarms and dashboard read too.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Outcome, RunStatus } from './domain/index.js';
import { DECISIONS_METRIC, RunMetric, RUNS_STARTED_METRIC } from './metrics.js';
import { AuditRecordType } from './ports/index.js';
import { enforcementMeasures } from './run/enforcement-measures.js';
import { HandOnStatus, type RunReport } from './run/RunReport.js';

/**
 * Publishes what a run did: one `RunsStarted` datum with its trigger, then (for a run that ran) the run-level
 * metrics, `TimeToEnforce` per termination, and `Decisions` by outcome and policy kind.
 */
export function publishRunMetrics(metrics: Metrics, report: RunReport): void {
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
  const measures = enforcementMeasures(report.decisions, report.records);
  metrics.addMetric(RunMetric.CONNECTION_HOURS_SAVED, MetricUnit.Count, measures.connectionHoursSaved);
  // One value per termination: CloudWatch keeps the distribution, so the dashboard reads its percentiles.
  for (const seconds of measures.secondsToEnforce) {
    metrics.addMetric(RunMetric.TIME_TO_ENFORCE, MetricUnit.Seconds, seconds);
  }
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
