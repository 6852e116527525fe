import { describe, expect, it } from '@jest/globals';
import { Contender } from '../../../bench/protocol.js';
import {
  type ContenderFigures,
  checkTargets,
  contenderLabel,
  invocationCounts,
  markdownTable,
  median,
  minimumDescribePages,
  type ScenarioFigures,
  tokenBucketLowerBoundSeconds,
} from '../../../bench/report.js';
import { InvocationKind, Timeline } from '../../../bench/schedule-timeline.js';

const LIMITS = { ratio: 1.15, rssMB: 256, rssAtConnections: 100_000, bundleBytes: 600_000, coldInitMs: 250 };

function figures(overrides: Partial<ContenderFigures>): ContenderFigures {
  return {
    contender: Contender.CVPN_GUARD,
    simulatedSeconds: 170,
    wallSeconds: 17,
    runs: 1,
    calls: {},
    throttled: {},
    targeted: 1000,
    ended: 1000,
    wronglyEnded: 0,
    wronglyEndedByRole: {},
    endedPerSecond: 1000 / 170,
    acceptedTerminateCalls: 850,
    lowerBoundSeconds: 160,
    ratioToLowerBound: 170 / 160,
    describePages: 100,
    minimumDescribePages: 100,
    auditWrites: 0,
    peakRssMB: 200,
    readyRssMB: 90,
    peakHeapUsedMB: 80,
    cpuSeconds: 10,
    sandboxCpuSeconds: 10,
    apiLatency: {},
    failedTerminateCalls: 0,
    ...overrides,
  };
}

function scenario(contenders: ContenderFigures[], connections = 100_000): ScenarioFigures {
  return { name: 'big', speed: 10, endpoints: 5, connections, targeted: 1000, contenders };
}

describe('tokenBucketLowerBoundSeconds', () => {
  it('lets the burst go at once and paces the rest at the refill rate', () => {
    expect(tokenBucketLowerBoundSeconds(1050, 5, 50)).toBe(200);
  });

  it('is zero for calls that fit the burst', () => {
    expect(tokenBucketLowerBoundSeconds(20, 5, 50)).toBe(0);
  });
});

describe('minimumDescribePages', () => {
  it('needs a page per 1,000 connections of each endpoint, and one for an empty endpoint', () => {
    expect(minimumDescribePages([20_000, 20_001, 999, 0])).toBe(20 + 21 + 1 + 1);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('checkTargets', () => {
  it('meets the targets when cvpn-guard is close to the bound, correct and small; a baseline that stops early is not compared on time', () => {
    // Arrange
    const firstPage = figures({
      contender: Contender.BASELINE_FIRST_PAGE,
      simulatedSeconds: 20,
      ended: 50,
      wronglyEnded: 5,
      wronglyEndedByRole: { exempt: 5 },
    });

    // Act
    const checks = checkTargets([scenario([figures({}), firstPage])], { bytes: 500_000, medianInitMs: 120 }, LIMITS);

    // Assert
    expect(checks.filter((check) => check.met === false)).toEqual([]);
    expect(checks.find((check) => check.target.includes('faster'))).toMatchObject({
      met: null,
      figure: 'not the same job: it ends 50/1000 in 20.0 s and stops',
    });
    expect(checks.find((check) => check.target.includes('correct where'))?.figure).toContain(
      'baseline (first page) ended 50/1000, wrongly 5 (5 exempt)',
    );
  });

  it('compares the time with a baseline that ends every targeted connection', () => {
    const allPages = figures({ contender: Contender.BASELINE_ALL_PAGES, simulatedSeconds: 150 });

    const faster = checkTargets([scenario([figures({}), allPages])], { bytes: 1, medianInitMs: 1 }, LIMITS).find(
      (check) => check.target.includes('faster'),
    );

    expect(faster).toMatchObject({ met: false, figure: '170.0 s vs 150.0 s to end all 1000' });
  });

  it('reports each missed target with its figure', () => {
    // Arrange
    const slow = figures({
      simulatedSeconds: 240,
      ratioToLowerBound: 1.5,
      describePages: 101,
      peakRssMB: 300,
      acceptedTerminateCalls: 1001,
    });

    // Act
    const missed = checkTargets([scenario([slow])], { bytes: 700_000, medianInitMs: 300 }, LIMITS).filter(
      (check) => check.met === false,
    );

    // Assert
    expect(missed.map((check) => check.figure)).toEqual([
      '240.0 s vs 160.0 s = 1.500×',
      '101 pages, minimum 100',
      '1001 calls for 1000 connections',
      '300 MB',
      '700 KB',
      '300 ms',
    ]);
  });

  it('checks each timeline of cvpn-guard apart, naming the schedule timeline', () => {
    // Arrange: back to back misses the bound, the schedule timeline meets it.
    const backToBack = figures({ timeline: Timeline.BACK_TO_BACK, simulatedSeconds: 240, ratioToLowerBound: 1.5 });
    const onSchedule = figures({ timeline: Timeline.SCHEDULE, simulatedSeconds: 176, ratioToLowerBound: 1.1 });

    // Act
    const ratios = checkTargets([scenario([backToBack, onSchedule])], { bytes: 1, medianInitMs: 1 }, LIMITS).filter(
      (check) => check.target.includes('token-bucket'),
    );

    // Assert
    expect(ratios).toEqual([
      {
        target: 'big: run time ≤ 1.15× the token-bucket lower bound',
        met: false,
        figure: '240.0 s vs 160.0 s = 1.500×',
      },
      {
        target: 'big (schedule timeline): run time ≤ 1.15× the token-bucket lower bound',
        met: true,
        figure: '176.0 s vs 160.0 s = 1.100×',
      },
    ]);
  });

  it('checks memory only on scenarios of 100,000 connections or more', () => {
    const checks = checkTargets([scenario([figures({ peakRssMB: 300 })], 200)], { bytes: 1, medianInitMs: 1 }, LIMITS);

    expect(checks.some((check) => check.target.includes('RSS'))).toBe(false);
  });
});

describe('invocationCounts', () => {
  it('counts ticks and continuations, and the invocations that found the lease held', () => {
    const counts = invocationCounts([
      { kind: InvocationKind.TICK, status: 'partial' },
      { kind: InvocationKind.CONTINUATION, status: 'partial' },
      { kind: InvocationKind.TICK, status: 'skipped' },
      { kind: InvocationKind.CONTINUATION, status: 'completed' },
    ]);

    expect(counts).toEqual({ ticks: 2, continuations: 2, skipped: 1 });
  });
});

describe('contenderLabel', () => {
  it("names cvpn-guard's timeline, and a script alone", () => {
    expect(contenderLabel({ contender: Contender.CVPN_GUARD, timeline: Timeline.SCHEDULE })).toBe(
      'cvpn-guard (schedule)',
    );
    expect(contenderLabel({ contender: Contender.BASELINE_ALL_PAGES })).toBe('baseline (all pages)');
  });
});

describe('markdownTable', () => {
  it('writes a header, a rule and a row per item, escaping pipes', () => {
    const table = markdownTable<{ name: string; count: number }>(
      [
        { header: 'name', value: (row) => row.name },
        { header: 'count', value: (row) => row.count },
      ],
      [{ name: 'a|b', count: 2 }],
    );

    expect(table).toBe('| name | count |\n| --- | --- |\n| a\\|b | 2 |\n');
  });
});
