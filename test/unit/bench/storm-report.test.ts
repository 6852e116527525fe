import { describe, expect, it } from '@jest/globals';
import type { ObservedAttempt, StormObservation } from '../../../bench/storm-protocol.js';
import { checkStormTargets, percentile, stormPhaseFigures } from '../../../bench/storm-report.js';
import { oracleVerdict } from '../../../bench/storm-oracle.js';
import { generateStorm, STORM_START } from '../../../bench/storm-scenario.js';
import { ConnectFailureReason } from '../../../local/index.js';

const storm = generateStorm({ attempts: 100, durationMs: 10_000, warmUpAttempts: 0, speed: 1 });
const AT = STORM_START;

/** What a perfect handler would have shown: every answer and record as the oracle expects. */
function perfect(): ObservedAttempt[] {
  return storm.storm.map((attempt, index) => {
    const expected = oracleVerdict(storm.policies, attempt, new Date(AT));
    const base = { index, role: attempt.role, at: AT };
    if (expected.verdict === 'refuse')
      return {
        ...base,
        admitted: false,
        message: expected.message,
        failureReason: ConnectFailureReason.DENIED,
        recordOutcome: 'refused',
      };
    if (expected.verdict === 'would-refuse') return { ...base, admitted: true, recordOutcome: 'would-refuse' };
    return { ...base, admitted: true, recordOutcome: expected.exemptedBy === undefined ? undefined : 'admitted' };
  });
}

function observation(attempts: ObservedAttempt[], overrides: Partial<StormObservation> = {}): StormObservation {
  return {
    dynamodbDown: false,
    attempts,
    timings: [
      { wallMs: 100, simulatedMs: 100, decideMs: 0, warm: false },
      ...Array.from({ length: 99 }, (_, index) => ({
        wallMs: index + 1,
        simulatedMs: index + 1,
        decideMs: index + 1 - (index % 2),
        warm: true,
      })),
    ],
    auditWriteMs: [5, 6, 7],
    handlerThrows: 0,
    metrics: { ConnectFailOpen: 2, ConnectFailClosed: 1 },
    counters: {
      dynamodb: { Scan: counter(2), PutItem: counter(40) },
      ec2: { DescribeClientVpnConnections: { ...counter(3), throttled: 1 } },
    },
    deadlineMs: 3000,
    wallMs: 10_000,
    ...overrides,
  };
}

function counter(calls: number) {
  return { calls, succeeded: calls, throttled: 0, injected: 0, dropped: 0, errors: {} };
}

describe('percentile', () => {
  it('gives the nearest-rank value, and NaN for none', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);

    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('stormPhaseFigures', () => {
  it('finds no difference in the answers of a handler that does what the oracle says', () => {
    const figures = stormPhaseFigures(storm, observation(perfect()));

    expect(figures).toMatchObject({ differences: 0, recordDifferences: 0, errors: 0, attempts: 100 });
    expect(figures.revokedRefused).toBe(figures.revokedAttempts);
    expect(figures.revokedAttempts).toBeGreaterThan(0);
  });

  it('takes an attempt over max-connections admitted uncounted as the fallback, and admitted counted as a difference', () => {
    // Arrange: a staff attempt whose user already holds two connections (the limit).
    const index = storm.storm.findIndex((attempt) => attempt.role === 'staff');
    const base = perfect();
    const over = { ...base[index]!, held: 2, admitted: true, recordOutcome: 'admitted' };

    // Act
    const uncounted = stormPhaseFigures(storm, observation(base.with(index, { ...over, uncounted: true })));
    const counted = stormPhaseFigures(storm, observation(base.with(index, over)));

    // Assert
    expect(uncounted).toMatchObject({ differences: 0, uncountedAdmissions: 1 });
    expect(counted).toMatchObject({ differences: 1, uncountedAdmissions: 0, differencesByRole: { staff: 1 } });
  });

  it('counts answers and records that differ, handler failures, calls per attempt, and the warm durations', () => {
    // Arrange: admit the first refusal, refuse the first admission for a timeout, lose a would-refuse record.
    const attempts = perfect();
    const refusal = attempts.findIndex((attempt) => !attempt.admitted);
    const admission = attempts.findIndex((attempt) => attempt.admitted && attempt.recordOutcome === undefined);
    const wouldRefuse = attempts.findIndex((attempt) => attempt.recordOutcome === 'would-refuse');
    attempts[refusal] = { ...attempts[refusal]!, admitted: true, failureReason: undefined, message: undefined };
    attempts[admission] = {
      ...attempts[admission]!,
      admitted: false,
      failureReason: ConnectFailureReason.TIMED_OUT,
    };
    attempts[wouldRefuse] = { ...attempts[wouldRefuse]!, recordOutcome: undefined };

    // Act
    const figures = stormPhaseFigures(storm, observation(attempts, { handlerThrows: 1 }));

    // Assert
    expect(figures.differences).toBe(2);
    expect(figures.someDifferences.map((difference) => difference.index).sort((a, b) => a - b)).toEqual(
      [refusal, admission].sort((a, b) => a - b),
    );
    expect(figures.recordDifferences).toBe(1);
    expect(figures.errors).toBe(2);
    expect(figures.errorsByReason).toEqual({ [ConnectFailureReason.TIMED_OUT]: 1 });
    expect(figures).toMatchObject({
      ec2Calls: 3,
      ec2Throttles: 1,
      dynamodbReadsPerAttempt: 0.02,
      dynamodbWritesPerAttempt: 0.4,
      warmP50Ms: 50,
      warmP99Ms: 99,
      decideP50Ms: 49,
      decideP99Ms: 99,
      failModeUses: 3,
      overDeadline: 0,
    });
  });

  it('counts the answers slower than the deadline, and leaves records out while DynamoDB is down', () => {
    const attempts = perfect().map((attempt) => ({ ...attempt, recordOutcome: undefined }));

    const figures = stormPhaseFigures(
      storm,
      observation(attempts, {
        dynamodbDown: true,
        timings: [{ wallMs: 1, simulatedMs: 3001, decideMs: 0, warm: true }],
      }),
    );

    expect(figures).toMatchObject({ recordDifferences: 0, overDeadline: 1, maxSimulatedMs: 3001 });
  });
});

describe('checkStormTargets', () => {
  it('says which targets are met and which are missed', () => {
    const healthy = stormPhaseFigures(storm, observation(perfect()));
    const outage = stormPhaseFigures(
      storm,
      observation(perfect(), {
        dynamodbDown: true,
        timings: [{ wallMs: 1, simulatedMs: 3500, decideMs: 0, warm: true }],
      }),
    );

    const checks = checkStormTargets(healthy, outage, {
      medianImportMs: 100,
      medianFirstAnswerMs: 400,
      medianInitMs: 500,
      samples: 3,
    });

    expect(checks.map((check) => check.met)).toEqual([true, true, false, false, false, true, false]);
  });
});
