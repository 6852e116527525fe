import { describe, expect, it } from '@jest/globals';
import { admission, decision, ENDPOINT_A, ENDPOINT_B, on, reportOf, summary } from './records.js';

describe('ReportAccumulator › sessions', () => {
  it('keeps the largest connection count per endpoint per bucket, and counts a summary without them under *', () => {
    const report = reportOf([
      summary({ at: on(2, '01:00:00'), connectionsByEndpoint: { [ENDPOINT_A]: 40, [ENDPOINT_B]: 3 } }),
      summary({ at: on(2, '02:00:00'), connectionsByEndpoint: { [ENDPOINT_A]: 55, [ENDPOINT_B]: 1 } }),
      summary({ at: on(3), connectionsSeen: 12 }),
    ]);
    expect(report.sessions.connectionsSeen).toEqual([
      { bucket: '2026-11-02T00:00:00.000Z', endpointId: ENDPOINT_A, connections: 55 },
      { bucket: '2026-11-02T00:00:00.000Z', endpointId: ENDPOINT_B, connections: 3 },
      { bucket: '2026-11-03T00:00:00.000Z', endpointId: '*', connections: 12 },
    ]);
  });

  it('counts endings per kind per bucket at their ended time, for every bucket, for the kinds that ended any', () => {
    const report = reportOf([
      decision({ at: on(2, '23:59:00'), completedAt: on(3, '00:00:30') }),
      decision({ at: on(3), policyId: 'max-8h', policyKind: 'max-session' }),
      decision({ at: on(3), outcome: 'would-terminate' }),
    ]);
    const onDay3 = report.sessions.terminationsOverTime.filter(({ bucket }) => bucket.startsWith('2026-11-03'));
    expect(onDay3).toEqual([
      { bucket: '2026-11-03T00:00:00.000Z', kind: 'max-session', ended: 1 },
      { bucket: '2026-11-03T00:00:00.000Z', kind: 'idle', ended: 1 },
    ]);
    expect(report.sessions.terminationsOverTime).toHaveLength(7 * 2);
  });

  it('counts endings and refusals per bucket, every bucket of the period present', () => {
    const report = reportOf([
      decision({ at: on(2) }),
      admission({ at: on(2) }),
      admission({ at: on(2), connectionId: 'attempt-2' }),
      admission({ at: on(4), outcome: 'would-refuse' }),
      admission({ at: on(4), outcome: 'refused-fail-closed', policyId: undefined, failMode: 'error' }),
    ]);
    expect(report.sessions.endedAndRefusedOverTime).toEqual([
      { bucket: '2026-11-01T00:00:00.000Z', ended: 0, refused: 0 },
      { bucket: '2026-11-02T00:00:00.000Z', ended: 1, refused: 2 },
      { bucket: '2026-11-03T00:00:00.000Z', ended: 0, refused: 0 },
      { bucket: '2026-11-04T00:00:00.000Z', ended: 0, refused: 0 },
      { bucket: '2026-11-05T00:00:00.000Z', ended: 0, refused: 0 },
      { bucket: '2026-11-06T00:00:00.000Z', ended: 0, refused: 0 },
      { bucket: '2026-11-07T00:00:00.000Z', ended: 0, refused: 0 },
    ]);
  });

  it('names the ten identities most often ended or refused, folded as the audit table folds them', () => {
    const records = [
      decision({ username: 'Alice' }),
      decision({ username: ' alice ' }),
      admission({ username: 'ALICE' }),
      decision({ username: undefined, commonName: 'laptop-7.example.com' }),
      decision({ username: undefined, commonName: undefined }),
      decision({ username: 'bob', outcome: 'would-terminate' }),
      ...Array.from({ length: 12 }, (_, index) => decision({ username: `user${String(index).padStart(2, '0')}` })),
    ];
    const top = reportOf(records).sessions.topIdentities;
    expect(top).toHaveLength(10);
    expect(top.slice(0, 3)).toEqual([
      { identity: 'ALICE', ended: 2, refused: 1 },
      { identity: 'laptop-7.example.com', ended: 1, refused: 0 },
      { identity: 'user00', ended: 1, refused: 0 },
    ]);
    expect(top.map(({ identity }) => identity)).not.toContain('bob');
  });
});
