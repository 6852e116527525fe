import { describe, expect, it } from '@jest/globals';
import { ReportAccumulator } from '../../../lambda/report/index.js';
import {
  ACCOUNT,
  admission,
  decision,
  invalid,
  OTHER_ACCOUNT,
  options,
  policyIn,
  REGION,
  reportOf,
  SINCE,
  summary,
  UNTIL,
} from './records.js';

describe('ReportAccumulator › period and scope', () => {
  it('ignores records made outside the half-open period, and counts them as read', () => {
    const report = reportOf([
      decision({ at: SINCE.toISOString() }),
      decision({ at: new Date(SINCE.getTime() - 1).toISOString() }),
      decision({ at: UNTIL.toISOString() }),
      decision({ at: 'not a time' }),
      summary({ at: UNTIL.toISOString() }),
    ]);
    expect(policyIn(report, 'idle-30').ended).toBe(1);
    expect(report.health.runs.total).toBe(0);
    expect(report.read).toEqual({ records: 4, summaries: 1, pages: 0 });
  });

  it('ignores records and summaries of accounts outside the scope, and those that name no account', () => {
    const report = reportOf(
      [
        decision({ accountId: ACCOUNT }),
        decision({ accountId: OTHER_ACCOUNT }),
        decision({ accountId: undefined, region: undefined }),
        summary({ accountId: ACCOUNT }),
        summary({ accountId: OTHER_ACCOUNT }),
      ],
      { scope: { accounts: [ACCOUNT], regions: [], policyIds: [] } },
    );
    expect(policyIn(report, 'idle-30').ended).toBe(1);
    expect(report.health.runs.total).toBe(1);
    expect(report.scope).toEqual({ accounts: [ACCOUNT], regions: [], policyIds: [] });
  });

  it('ignores records of Regions outside the scope', () => {
    const report = reportOf([decision({ region: REGION }), decision({ region: 'us-east-1' }), admission()], {
      scope: { accounts: [], regions: ['us-east-1'], policyIds: [] },
    });
    expect(report.policies.map(({ policyId, ended, refused }) => [policyId, ended, refused])).toEqual([
      ['idle-30', 1, 0],
    ]);
  });

  it('ignores records of rows outside the scope, fail-mode answers included, but keeps the runs', () => {
    const report = reportOf(
      [
        decision({ policyId: 'idle-30' }),
        decision({ policyId: 'max-8h', policyKind: 'max-session' }),
        invalid({ policyId: 'broken' }),
        admission({ outcome: 'admitted-fail-open', policyId: undefined, failMode: 'deadline' }),
        summary(),
      ],
      { scope: { accounts: [], regions: [], policyIds: ['idle-30'] } },
    );
    expect(report.policies.map(({ policyId }) => policyId)).toEqual(['idle-30']);
    expect(report.sessions.terminationsOverTime.filter(({ ended }) => ended > 0)).toMatchObject([{ kind: 'idle' }]);
    expect(report.health.failModeUses).toEqual([]);
    expect(report.health.runs.total).toBe(1);
  });

  it('counts the pages the reader says it read, and copies the period as ISO times', () => {
    const accumulator = new ReportAccumulator(options());
    accumulator.notePage();
    accumulator.notePage();
    const report = accumulator.finish();
    expect(report.read.pages).toBe(2);
    expect(report).toMatchObject({
      schemaVersion: 1,
      generatedAt: UNTIL.toISOString(),
      period: { since: SINCE.toISOString(), until: UNTIL.toISOString() },
      bucket: 'day',
    });
  });
});
