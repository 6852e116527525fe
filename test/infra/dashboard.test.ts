import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { KIND_PRECEDENCE } from '../../lambda/domain/constants.js';
import { DECISIONS_METRIC, GateMetric, METRICS_NAMESPACE, RunMetric, SERVICE_NAME } from '../../lambda/metrics.js';
import { DECISION_OUTCOMES } from '../../lib/run-metrics.js';
import { synthTemplate } from './stack-factory.js';

/** The dashboard body with its CloudFormation references flattened to `<ref>`, parsed. */
function dashboardBody(template: Template): { widgets: { properties: { title: string; metrics?: unknown[][] } }[] } {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join(''));
}

describe('Dashboard', () => {
  let body: ReturnType<typeof dashboardBody>;
  let metrics: string;
  beforeAll(() => {
    const template = synthTemplate();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    body = dashboardBody(template);
    metrics = JSON.stringify(body.widgets.flatMap((widget) => widget.properties.metrics ?? []));
  });

  it('Compliance 1: has the widgets an operator reads, alarms included', () => {
    expect(body.widgets.map((widget) => widget.properties.title)).toEqual([
      'Decisions by outcome',
      'Terminated, by policy kind',
      'Would terminate (observe mode, dry run), by policy kind',
      'Connections seen per run',
      'Run duration (ms)',
      'Throttling',
      'Problems',
      'Function',
      'Runs, and policy changes given up on',
      'Connection attempts (client connect handler)',
      'Client connect handler duration (ms)',
      'Client connect handler errors',
      'Alarms',
    ]);
  });

  it('Compliance 2: shows decisions for every outcome and policy kind', () => {
    for (const outcome of DECISION_OUTCOMES) {
      for (const kind of KIND_PRECEDENCE) {
        expect(metrics).toContain(
          JSON.stringify([
            METRICS_NAMESPACE,
            DECISIONS_METRIC,
            'kind',
            kind,
            'outcome',
            outcome,
            'service',
            SERVICE_NAME,
          ]).slice(1, -1),
        );
      }
    }
  });

  it.each([
    RunMetric.CONNECTIONS_SEEN,
    RunMetric.RUN_DURATION,
    RunMetric.THROTTLED_CALLS,
    RunMetric.FAILED,
    RunMetric.CAPPED,
    RunMetric.DEFERRED,
    RunMetric.INVALID_POLICIES,
    RunMetric.ENDPOINT_ERRORS,
    RunMetric.CONNECT_HANDLER_CANARY_FAILED,
  ])('Compliance 3: shows the run metric %s', (metricName) => {
    expect(metrics).toContain(JSON.stringify([METRICS_NAMESPACE, metricName, 'service', SERVICE_NAME]).slice(1, -1));
  });

  it.each([
    GateMetric.ATTEMPTS,
    GateMetric.ADMITTED,
    GateMetric.REFUSED,
    GateMetric.WOULD_REFUSE,
    GateMetric.FAIL_OPEN,
    GateMetric.FAIL_CLOSED,
  ])('Compliance 4: shows the client connect handler metric %s', (metricName) => {
    expect(metrics).toContain(JSON.stringify([METRICS_NAMESPACE, metricName, 'service', SERVICE_NAME]).slice(1, -1));
  });

  it("Compliance 5: shows the client connect handler's duration p50 and p99, and its errors", () => {
    const widget = (title: string) =>
      JSON.stringify(body.widgets.find((candidate) => candidate.properties.title === title)?.properties.metrics);

    expect(widget('Client connect handler duration (ms)')).toMatch(
      /"AWS\/Lambda","Duration".*"stat":"p50".*"stat":"p99"/,
    );
    expect(widget('Client connect handler errors')).toContain('"AWS/Lambda","Errors"');
  });

  it('Compliance 6: shows every alarm, those of the client connect handler and of the runs included', () => {
    const alarms = body.widgets.find((widget) => widget.properties.title === 'Alarms')?.properties as unknown as {
      alarms: unknown[];
    };

    expect(alarms.alarms).toHaveLength(11);
  });
});
