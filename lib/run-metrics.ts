/**
 * CloudWatch metric objects for what the enforcer and the client connect handler publish (EMF through Powertools). Names,
 * namespace and dimensions come from lambda/metrics.ts, so the alarms and the dashboard read
 * exactly what the handler writes.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { KIND_PRECEDENCE, Outcome, type EnforcingKind } from '../lambda/domain/constants.js';
import { DECISIONS_METRIC, GateMetric, METRICS_NAMESPACE, RunMetric, SERVICE_NAME } from '../lambda/metrics.js';

/** Outcomes the `Decisions` metric is published with (pending and invalid-policy are not decisions on a connection). */
export const DECISION_OUTCOMES = [
  Outcome.TERMINATED,
  Outcome.WOULD_TERMINATE,
  Outcome.FAILED,
  Outcome.CAPPED,
  Outcome.EXEMPTED,
  Outcome.DEFERRED,
] as const;
/** One outcome of the `Decisions` metric. */
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** Policy kinds that decide a connection's fate: the `kind` dimension of `Decisions`. */
export const DECISION_KINDS: readonly EnforcingKind[] = KIND_PRECEDENCE;

/** A metric of dimension `service` only, summed over 5 minutes unless told otherwise. */
function serviceMetric(metricName: RunMetric | GateMetric, options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...options,
  });
}

/** A run-level metric (dimension `service`), summed over 5 minutes unless told otherwise. */
export function runMetric(metricName: RunMetric, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return serviceMetric(metricName, options);
}

/** Runs that reported, one datum each (SampleCount of `RunDuration`, which every run that returns publishes). */
export function runsPerWindow(period: Duration, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return runMetric(RunMetric.RUN_DURATION, { statistic: cloudwatch.Stats.SAMPLE_COUNT, period, ...options });
}

/** A metric of the client connect handler (dimension `service`, one datum per attempt), summed over 5 minutes unless told otherwise. */
export function gateMetric(metricName: GateMetric, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return serviceMetric(metricName, options);
}

/** Attempts the fail mode answered, admitted or refused (SUM of the series: one with no data adds nothing). */
export function failModeAnswers(options: { readonly period?: Duration } = {}): cloudwatch.MathExpression {
  const period = options.period ?? Duration.minutes(5);
  return new cloudwatch.MathExpression({
    expression: 'SUM([fail_open, fail_closed])',
    usingMetrics: {
      fail_open: gateMetric(GateMetric.FAIL_OPEN, { period }),
      fail_closed: gateMetric(GateMetric.FAIL_CLOSED, { period }),
    },
    label: 'fail mode used',
    period,
  });
}

/** Decisions of one outcome made by one policy kind, summed over 5 minutes. */
export function decisionMetric(
  outcome: DecisionOutcome,
  kind: EnforcingKind,
  options: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: DECISIONS_METRIC,
    dimensionsMap: { service: SERVICE_NAME, outcome, kind },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    label: kind,
    ...options,
  });
}

/** Decisions of one outcome, every kind added up (SUM of the series: a kind with no data adds nothing). Ids are unique per outcome, so several fit in one graph. */
export function decisionsByOutcome(outcome: DecisionOutcome): cloudwatch.MathExpression {
  const usingMetrics = Object.fromEntries(
    DECISION_KINDS.map((kind, index) => [`${outcome.replace(/-/g, '_')}_${index}`, decisionMetric(outcome, kind)]),
  );
  return new cloudwatch.MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    label: outcome,
    period: Duration.minutes(5),
  });
}
