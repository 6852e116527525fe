import { describe, expect, it } from '@jest/globals';
import { ReportAccumulator } from '../../../lambda/report/index.js';
import { admission, decision, options, SINCE, summary } from './records.js';

const RECORDS = 200_000;
const IDENTITIES = 10;
const OUTCOMES = ['terminated', 'would-terminate', 'exempted', 'capped', 'failed'] as const;
const MINUTE = 60_000;

describe('ReportAccumulator › memory', () => {
  it('keeps entries per policy, identity and bucket, not per record, after 200,000 records of 10 identities', () => {
    const accumulator = new ReportAccumulator(options());
    let measured = 0;
    let ended = 0;
    for (let index = 0; index < RECORDS; index++) {
      // Spread over the seven days of the period, each record about one of 10 identities and 3 rows.
      const at = new Date(SINCE.getTime() + (index % (7 * 24 * 60)) * MINUTE).toISOString();
      const username = `user-${Math.floor(index / 10) % IDENTITIES}`;
      if (index % 10 === 9) {
        accumulator.addRecord(admission({ at, username, connectionId: `attempt-${index}` }));
        continue;
      }
      const outcome = OUTCOMES[index % OUTCOMES.length] as (typeof OUTCOMES)[number];
      if (outcome === 'terminated') ended++;
      if (outcome === 'terminated' && index % 3 === 0) measured++;
      accumulator.addRecord(
        decision({
          at,
          username,
          outcome,
          runId: 'run-1',
          policyId: `idle-${index % 2}`,
          connectionId: `cvpn-connection-${index}`,
          ...(outcome === 'terminated' && index % 3 === 0 ? { conditionAt: at } : {}),
        }),
      );
    }
    for (let run = 0; run < 2016; run++) {
      accumulator.addSummary(summary({ at: new Date(SINCE.getTime() + run * 5 * MINUTE).toISOString() }));
    }

    expect(accumulator.footprint()).toEqual({
      policies: 3,
      identities: IDENTITIES,
      // Runs per day (7), connections per endpoint per day (7), endings per kind per day (7), endings and refusals (7).
      bucketEntries: 28,
      endpoints: 0,
      // One number per measured termination, and two start times per run (gaps, invalid stretches).
      numbers: measured + 2 * 2016,
      // The one run id that capped each of the two idle rows.
      texts: 2,
    });
    const report = accumulator.finish();
    expect(report.read.records).toBe(RECORDS);
    expect(report.policies.reduce((sum, policy) => sum + policy.ended, 0)).toBe(ended);
    expect(report.sessions.topIdentities).toHaveLength(IDENTITIES);
  });
});
