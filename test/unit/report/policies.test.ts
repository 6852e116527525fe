import { describe, expect, it } from '@jest/globals';
import { parsePolicyRow } from '../../../lambda/domain/index.js';
import { UNKNOWN_SCOPE } from '../../../lambda/report/index.js';
import { row, valid } from '../domain/fixtures.js';
import { admission, decision, invalid, on, options, policyIn, reportOf, summary } from './records.js';
import { ReportAccumulator } from '../../../lambda/report/index.js';

describe('ReportAccumulator › policies', () => {
  it('counts every terminated and failed record, and first sightings of the others', () => {
    const seenBefore = { firstSeenAt: on(1) };
    const report = reportOf([
      decision({ outcome: 'terminated' }),
      decision({ outcome: 'terminated', connectionId: 'c2' }),
      decision({ outcome: 'failed' }),
      decision({ outcome: 'failed', ...seenBefore }),
      decision({ outcome: 'would-terminate' }),
      decision({ outcome: 'would-terminate', firstSeenAt: on(2) }),
      decision({ outcome: 'would-terminate', ...seenBefore }),
      decision({ outcome: 'exempted', exemptedBy: 'on-call' }),
      decision({ outcome: 'exempted', exemptedBy: 'on-call', ...seenBefore }),
      decision({ outcome: 'capped', runId: 'run-1' }),
      decision({ outcome: 'capped', runId: 'run-2', ...seenBefore }),
      decision({ outcome: 'capped', runId: 'run-2', connectionId: 'c3', ...seenBefore }),
      decision({ outcome: 'deferred' }),
      decision({ outcome: 'deferred', ...seenBefore }),
      decision({ outcome: 'pending' }),
    ]);
    expect(policyIn(report, 'idle-30')).toMatchObject({
      ended: 2,
      wouldEnd: 2,
      exempted: 1,
      capped: 1,
      exceptions: { failed: 2, cappedRuns: 2, deferred: 1, invalid: [] },
    });
  });

  it('counts the admissions a row decided: refused, would-refuse, and admitted by an exemption', () => {
    const report = reportOf([
      admission({ outcome: 'refused' }),
      admission({ outcome: 'refused', connectionId: 'attempt-2' }),
      admission({ outcome: 'would-refuse' }),
      admission({ outcome: 'admitted', exemptedBy: 'on-call' }),
      admission({ outcome: 'admitted', policyId: 'offboarded' }),
    ]);
    expect(policyIn(report, 'offboarded')).toMatchObject({ refused: 2, wouldRefuse: 1, exempted: 1, ended: 0 });
  });

  it('measures time to enforce from conditionAt to completedAt (else at), only on records that have it', () => {
    const report = reportOf([
      decision({ conditionAt: on(2, '10:00:00'), at: on(2, '10:01:00') }),
      decision({ conditionAt: on(2, '10:00:00'), at: on(2, '10:01:00'), completedAt: on(2, '10:03:00') }),
      decision({ conditionAt: on(2, '10:00:00'), at: on(2, '10:10:00') }),
      decision({ at: on(2, '10:30:00') }),
    ]);
    const idle = policyIn(report, 'idle-30');
    expect(idle.ended).toBe(4);
    expect(idle.timeToEnforce).toEqual({ count: 3, median: 180, p95: 600, max: 600 });
    expect(idle.idleMinutesPastLimit).toEqual({ count: 3, median: 3, p95: 10, max: 10 });
  });

  it('gives idle minutes past the limit only to idle rows', () => {
    const report = reportOf([
      decision({ policyId: 'max-8h', policyKind: 'max-session', conditionAt: on(2, '09:00:00') }),
    ]);
    expect(policyIn(report, 'max-8h').timeToEnforce).toEqual({ count: 1, median: 3600, p95: 3600, max: 3600 });
    expect(policyIn(report, 'max-8h').idleMinutesPastLimit).toBeUndefined();
  });

  it("dates a revocation from the row's last write to the last session it ended", () => {
    const revoked = { policyId: 'offboarded-2026-11', policyKind: 'revoked-user' } as const;
    const report = reportOf(
      [
        decision({ ...revoked, at: on(2, '10:00:30') }),
        decision({ ...revoked, at: on(2, '10:01:00'), completedAt: on(2, '10:02:00') }),
      ],
      {},
      [valid(row.revokedUser({ updatedAt: on(2, '10:00:00') }))],
    );
    expect(policyIn(report, 'offboarded-2026-11').revocation).toEqual({
      writtenAt: on(2, '10:00:00'),
      lastEndedAt: on(2, '10:02:00'),
      seconds: 120,
    });
  });

  it('gives no revocation seconds when the row was written again after its last ending', () => {
    const report = reportOf([decision({ policyId: 'offboarded-2026-11', policyKind: 'revoked-user', at: on(2) })], {}, [
      valid(row.revokedUser({ updatedAt: on(3) })),
    ]);
    expect(policyIn(report, 'offboarded-2026-11').revocation).toEqual({ writtenAt: on(3), lastEndedAt: on(2) });
  });

  it('describes a row from the row as it is now: kind, mode, rule, scope, reason, and that it exists', () => {
    const report = reportOf([decision({ mode: 'observe', outcome: 'would-terminate' })], {}, [
      parsePolicyRow(row.idle({ groups: ['contractors'] })),
    ]);
    expect(policyIn(report, 'idle-30')).toMatchObject({
      kind: 'idle',
      mode: 'enforce',
      rule: 'idle 30 min (traffic ≤ 0 bytes)',
      scope: 'endpoints *, groups contractors',
      reason: 'idle sessions hold licences',
      rowExists: true,
    });
  });

  it('describes a deleted row from its newest record, whatever order the records come in', () => {
    const older = decision({ at: on(2), mode: 'observe', policyReason: 'trial' });
    const newer = decision({ at: on(3), mode: 'enforce', policyReason: 'for real' });
    for (const records of [
      [older, newer],
      [newer, older],
    ]) {
      expect(policyIn(reportOf(records), 'idle-30')).toMatchObject({
        kind: 'idle',
        mode: 'enforce',
        scope: UNKNOWN_SCOPE,
        reason: 'for real',
        rowExists: false,
      });
    }
  });

  it('reads what it can of an invalid stored row', () => {
    const item = {
      policyId: 'broken',
      kind: 'idle',
      mode: 'enforce',
      endpoints: ['*'],
      idleMinutes: '30',
      reason: 'x',
    };
    const report = reportOf([invalid()], {}, [{ policyId: 'broken', item }]);
    // An invalid row checks nothing: the report states no rule for it.
    expect(policyIn(report, 'broken')?.rule).toBeUndefined();
    expect(policyIn(report, 'broken')).toMatchObject({
      kind: 'idle',
      mode: 'enforce',
      scope: 'endpoints *, every identity',
      reason: 'x',
      rowExists: true,
    });
  });

  it('has an entry for every row named in the scope, with or without records, ordered by policy id', () => {
    const report = reportOf([decision({ policyId: 'idle-30' })], {
      scope: { accounts: [], regions: [], policyIds: ['quiet', 'idle-30'] },
    });
    expect(report.policies.map(({ policyId, ended }) => [policyId, ended])).toEqual([
      ['idle-30', 1],
      ['quiet', 0],
    ]);
    expect(policyIn(report, 'quiet')).toMatchObject({ rowExists: false, scope: UNKNOWN_SCOPE });
  });

  it('has no entry for a row given but without a record in the period', () => {
    const report = reportOf([], {}, [valid(row.idle())]);
    expect(report.policies).toEqual([]);
  });

  it('reports each stretch of runs in which a row was invalid, split by a run that found it valid', () => {
    const runs = [1, 2, 3, 4, 5].map((day) => summary({ at: on(day) }));
    const report = reportOf([...runs, invalid({ at: on(1) }), invalid({ at: on(2) }), invalid({ at: on(4) })]);
    expect(policyIn(report, 'broken').exceptions.invalid).toEqual([
      expect.objectContaining({ firstSeenAt: on(1), lastSeenAt: on(2), seconds: 86_400, runs: 2 }),
      expect.objectContaining({ firstSeenAt: on(4), lastSeenAt: on(4), seconds: 0, runs: 1 }),
    ]);
  });

  it('does not let a run stopped by the kill switch break a stretch: it read no policies', () => {
    const runs = [summary({ at: on(1) }), summary({ at: on(2), status: 'disabled' }), summary({ at: on(3) })];
    const report = reportOf([...runs, invalid({ at: on(1) }), invalid({ at: on(3) })]);
    expect(policyIn(report, 'broken').exceptions.invalid).toMatchObject([{ runs: 2, seconds: 2 * 86_400 }]);
  });

  it('refuses a period that does not end after it begins, naming both ends', () => {
    expect(
      () => new ReportAccumulator(options({ period: { since: new Date(on(2)), until: new Date(on(2)) } })),
    ).toThrow(
      /period must end after it begins: since 2026-11-02T10:00:00.000Z is not before until 2026-11-02T10:00:00.000Z/,
    );
  });
});
