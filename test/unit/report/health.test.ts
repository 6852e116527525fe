import { describe, expect, it } from '@jest/globals';
import { ENDPOINT_LISTING } from '../../../lambda/report/index.js';
import { ACCOUNT, admission, ENDPOINT_A, ENDPOINT_B, on, OTHER_ACCOUNT, REGION, reportOf, summary } from './records.js';

/** Scheduled runs every 5 minutes on day `day` from `from` for `count` runs. */
function every5Minutes(day: number, fromMinute: number, count: number, overrides = {}) {
  return Array.from({ length: count }, (_, index) => {
    const minutes = fromMinute + index * 5;
    const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
    return summary({ at: on(day, time), ...overrides });
  });
}

describe('ReportAccumulator › health', () => {
  it('counts runs by what started them: no trigger counts as scheduled, continues marks a continuation', () => {
    const report = reportOf([
      summary({ trigger: 'schedule' }),
      summary({ trigger: undefined }),
      summary({ trigger: 'manual' }),
      summary({ trigger: 'change' }),
      summary({ trigger: 'continuation', continues: 'run-0' }),
      summary({ trigger: undefined, continues: 'run-0' }),
    ]);
    expect(report.health.runs).toEqual({ total: 6, scheduled: 2, manual: 1, eventDriven: 1, continuations: 2 });
  });

  it('counts runs per bucket, with every bucket of the period present', () => {
    const report = reportOf([summary({ at: on(2) }), summary({ at: on(2, '23:59:59'), trigger: 'change' })]);
    expect(report.health.runsOverTime).toHaveLength(7);
    expect(report.health.runsOverTime[1]).toEqual({
      bucket: '2026-11-02T00:00:00.000Z',
      scheduled: 1,
      manual: 0,
      eventDriven: 1,
      continuations: 0,
    });
    expect(report.health.runsOverTime[0]).toMatchObject({ scheduled: 0, eventDriven: 0 });
  });

  it("finds gaps in each placement's scheduled runs, and the stretch after the last one", () => {
    const report = reportOf(
      [
        ...every5Minutes(2, 0, 4),
        ...every5Minutes(2, 60, 3),
        ...every5Minutes(2, 0, 3, { accountId: OTHER_ACCOUNT }),
        summary({ at: on(2, '00:30:00'), trigger: 'change' }),
      ],
      { generatedAt: new Date(on(2, '01:21:00')) },
    );
    expect(report.health.gaps).toEqual([
      {
        placement: `${ACCOUNT}/${REGION}`,
        from: on(2, '00:15:00'),
        to: on(2, '01:00:00'),
        seconds: 2700,
      },
      {
        placement: `${ACCOUNT}/${REGION}`,
        from: on(2, '01:10:00'),
        to: on(2, '01:21:00'),
        seconds: 660,
      },
      {
        placement: `${OTHER_ACCOUNT}/${REGION}`,
        from: on(2, '00:10:00'),
        to: on(2, '01:21:00'),
        seconds: 4260,
      },
    ]);
  });

  it('counts partial runs, terminate calls, throttled calls, and endpoint errors per endpoint once a run', () => {
    const report = reportOf([
      summary({
        status: 'partial',
        endpointErrors: [`${ENDPOINT_A}: AccessDenied`, `${ENDPOINT_A}: again`, `${ENDPOINT_B}: Throttling`],
        terminateCalls: 3,
        throttledCalls: 2,
      }),
      summary({ status: 'partial', endpointErrors: [`${ENDPOINT_B}: Throttling`], terminateCalls: 1 }),
      summary({ status: 'partial', endpointErrors: ['listing endpoints failed: Error: no network'] }),
    ]);
    expect(report.health).toMatchObject({
      partialRuns: 3,
      terminateCalls: 4,
      throttledCalls: 2,
      endpointErrors: [
        { endpointId: ENDPOINT_B, runs: 2 },
        { endpointId: ENDPOINT_LISTING, runs: 1 },
        { endpointId: ENDPOINT_A, runs: 1 },
      ],
    });
  });

  it('counts canary runs, and as failures every answer that was not well formed', () => {
    const report = reportOf([
      summary({ canary: { ok: true, endpointId: ENDPOINT_A, allow: true, latencyMs: 40 } }),
      summary({ canary: { ok: true, endpointId: ENDPOINT_A, allow: false, latencyMs: 40 } }),
      summary({ canary: { ok: false, endpointId: ENDPOINT_A, reason: 'timeout', latencyMs: 3000 } }),
      summary(),
    ]);
    expect(report.health).toMatchObject({ canaryRuns: 3, canaryFailures: 1 });
  });

  it("counts the gate's fail-mode answers by cause, in the causes' order", () => {
    const failOpen = { outcome: 'admitted-fail-open', policyId: undefined, policyKind: undefined } as const;
    const report = reportOf([
      admission({ ...failOpen, failMode: 'deadline' }),
      admission({ ...failOpen, failMode: 'deadline' }),
      admission({ ...failOpen, outcome: 'refused-fail-closed', failMode: 'deadline' }),
      admission({ ...failOpen, failMode: 'no-policies' }),
      admission({ outcome: 'refused' }),
    ]);
    expect(report.health.failModeUses).toEqual([
      { cause: 'no-policies', admitted: 1, refused: 0 },
      { cause: 'deadline', admitted: 2, refused: 1 },
    ]);
  });
});
