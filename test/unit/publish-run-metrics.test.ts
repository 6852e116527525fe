import { describe, expect, it, jest } from '@jest/globals';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Outcome } from '../../lambda/domain/index.js';
import type { Decision } from '../../lambda/domain/types.js';
import { RunMetric } from '../../lambda/metrics.js';
import { publishRunMetrics } from '../../lambda/publish-run-metrics.js';
import { decisionRecord } from '../../lambda/run/audit-records.js';
import type { RunReport } from '../../lambda/run/RunReport.js';
import { aConnection, aDecision } from '../support/fixtures.js';

const AT = new Date('2026-11-26T10:00:00Z');

/** A run that ran, with `overrides`. */
function report(overrides: Partial<RunReport>): RunReport {
  return {
    runId: 'run-2026-11-26T10:00:00Z',
    trigger: 'schedule',
    status: 'completed',
    dryRun: false,
    startedAt: AT,
    finishedAt: AT,
    durationMs: 0,
    endpoints: 1,
    endpointErrors: [],
    connectionsSeen: 2,
    decisions: [],
    records: [],
    counts: {},
    findings: [],
    terminateCalls: 0,
    throttledCalls: 0,
    reconciled: 0,
    lateFailures: [],
    auditFailures: 0,
    groups: { unknown: 0, mismatched: 0, selectingRows: [] },
    ...overrides,
  };
}

/** Every datum published, as `[name, unit, value]`. */
function published(run: RunReport): Array<[string, string, number]> {
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const added: Array<[string, string, number]> = [];
  jest.spyOn(metrics, 'addMetric').mockImplementation((name, unit, value) => {
    added.push([name, unit, value]);
    return metrics;
  });
  jest
    .spyOn(metrics, 'singleMetric')
    .mockImplementation(() => ({ addDimensions: () => undefined, addMetric: () => undefined }) as unknown as Metrics);
  publishRunMetrics(metrics, run);
  return added;
}

/** A max-session decision on a connection established at 08:00, over its limit since `conditionAt`. */
function overLimit(connectionId: string, conditionAt?: string): Decision {
  return aDecision(aConnection({ connectionId, establishedAt: new Date('2026-11-26T08:00:00Z') }), {
    decidingPolicyId: 'max-1h',
    decidingKind: 'max-session',
    ...(conditionAt === undefined ? {} : { conditionAt: new Date(conditionAt) }),
  });
}

describe('publishRunMetrics', () => {
  it('publishes the time to enforce of each termination, in seconds, and the hours the run ended early', () => {
    // Arrange: two sessions over their limit since 09:00 and 09:59, ended at 10:00; one of them without an instant.
    const decisions = [
      overLimit('cvpn-connection-1', '2026-11-26T09:00:00Z'),
      overLimit('cvpn-connection-2', '2026-11-26T09:59:00Z'),
      overLimit('cvpn-connection-3'),
    ];
    const records = decisions.map((decision) => ({
      ...decisionRecord('run', AT, decision),
      outcome: Outcome.TERMINATED,
      completedAt: AT.toISOString(),
    }));

    // Act
    const added = published(report({ decisions, records, counts: { terminated: 3 } }));

    // Assert: each session would have run until 08:00 the next day, 22 hours on.
    expect(added.filter(([name]) => name === RunMetric.TIME_TO_ENFORCE)).toEqual([
      [RunMetric.TIME_TO_ENFORCE, 'Seconds', 3600],
      [RunMetric.TIME_TO_ENFORCE, 'Seconds', 60],
    ]);
    expect(added.filter(([name]) => name === RunMetric.CONNECTION_HOURS_SAVED)).toEqual([
      [RunMetric.CONNECTION_HOURS_SAVED, 'Count', 66],
    ]);
  });

  it('publishes no time to enforce for a run that ended nothing, and 0 hours saved', () => {
    const added = published(report({}));

    expect(added.filter(([name]) => name === RunMetric.TIME_TO_ENFORCE)).toEqual([]);
    expect(added.filter(([name]) => name === RunMetric.CONNECTION_HOURS_SAVED)).toEqual([
      [RunMetric.CONNECTION_HOURS_SAVED, 'Count', 0],
    ]);
  });

  it('publishes neither for a run that found the lease held', () => {
    const added = published(report({ status: 'skipped' }));

    expect(added.map(([name]) => name)).toEqual([]);
  });
});
