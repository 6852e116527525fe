import { describe, expect, it } from '@jest/globals';
import { COST_METHOD, UNKNOWN_REGION } from '../../../lambda/report/index.js';
import { decision, on, reportOf } from './records.js';

/** A session that began on day 2 at 00:00 and was ended `hoursIn` hours later: 24 − hoursIn hours early. */
function endedAfter(hoursIn: number, overrides = {}) {
  const endedAt = new Date(Date.parse(on(2, '00:00:00')) + hoursIn * 3_600_000).toISOString();
  return decision({ connectedAt: on(2, '00:00:00'), at: endedAt, ...overrides });
}

describe('ReportAccumulator › cost', () => {
  it("sums connection-hours ended early per kind, priced at each Region's price or the default", () => {
    const report = reportOf(
      [
        endedAfter(4),
        endedAfter(22, { region: 'us-east-1' }),
        endedAfter(14, { policyId: 'max-8h', policyKind: 'max-session' }),
        endedAfter(2, { policyId: 'offboarded', policyKind: 'revoked-user' }),
        endedAfter(1, { outcome: 'would-terminate' }),
      ],
      { prices: new Map([['eu-west-1', 0.1]]) },
    );
    expect(report.cost).toMatchObject({
      connectionHours: [
        { kind: 'idle', sessions: 2, connectionHours: 22 },
        { kind: 'max-session', sessions: 1, connectionHours: 10, estimatedUsd: 1 },
        { kind: 'off-hours', sessions: 0, connectionHours: 0, estimatedUsd: 0 },
      ],
      totalConnectionHours: 32,
      pricePerHour: [
        { region: 'eu-west-1', usd: 0.1 },
        { region: 'us-east-1', usd: 0.05 },
      ],
      method: COST_METHOD,
    });
    expect(report.cost.connectionHours[0]?.estimatedUsd).toBeCloseTo(20 * 0.1 + 2 * 0.05, 10);
    expect(report.cost.estimatedUsd).toBeCloseTo(3.1, 10);
  });

  it('prices a record that names no Region at the default Region, else under unknown', () => {
    const record = endedAfter(12, { region: undefined, accountId: undefined });
    expect(reportOf([record], { defaultRegion: 'eu-central-1' }).cost.pricePerHour).toEqual([
      { region: 'eu-central-1', usd: 0.05 },
    ]);
    expect(reportOf([record]).cost.pricePerHour).toEqual([{ region: UNKNOWN_REGION, usd: 0.05 }]);
  });

  it('shows the default Region price when no ending was priced', () => {
    expect(
      reportOf([], { defaultRegion: 'eu-west-1', prices: new Map([['eu-west-1', 0.06]]) }).cost.pricePerHour,
    ).toEqual([{ region: 'eu-west-1', usd: 0.06 }]);
  });

  it('leaves out, and says how many, sessions without a start time', () => {
    const report = reportOf([endedAfter(4), decision(), decision({ connectionId: 'c2' })]);
    expect(report.cost.connectionHours[0]).toMatchObject({ sessions: 1, connectionHours: 20 });
    expect(report.cost.method).toBe(`${COST_METHOD} 2 sessions lacked their start time and are not counted.`);
    expect(reportOf([decision()]).cost.method).toBe(
      `${COST_METHOD} 1 session lacked its start time and is not counted.`,
    );
  });
});
