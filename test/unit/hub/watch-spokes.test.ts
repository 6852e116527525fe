import { describe, expect, it } from '@jest/globals';
import { watchSpokes } from '../../../lambda/hub/watch-spokes.js';
import { ManualClock } from '../../support/ManualClock.js';
import { MemoryPolicies } from '../../support/MemoryPorts.js';
import { aSpoke, MemorySpokeDirectory } from './memory-hub.js';

const NOW = new Date('2026-11-26T11:00:00.000Z');
const ROW = { kind: 'revoked-user', mode: 'enforce', endpoints: ['*'], usernames: ['mallory'], reason: 'left' };

function setup(spokes = [aSpoke('111111111111', 'eu-west-1')], rows: Record<string, unknown>[] = []) {
  const ports = {
    directory: new MemorySpokeDirectory(spokes),
    policies: new MemoryPolicies(rows),
    clock: new ManualClock(NOW),
  };
  return { watch: () => watchSpokes(ports, { spokeStaleSeconds: 900 }) };
}

describe('watchSpokes', () => {
  it('stays quiet when every spoke reports and every row selects one', async () => {
    // Arrange
    const { watch } = setup(undefined, [{ ...ROW, policyId: 'a', accounts: ['111111111111'] }]);

    // Act
    const { report, digest } = await watch();

    // Assert
    expect(report).toMatchObject({ reporting: 1, unreachable: [], unplaced: [], invalidPolicies: 0 });
    expect(report.spokes).toEqual([
      expect.objectContaining({ accountId: '111111111111', region: 'eu-west-1', status: 'completed' }),
    ]);
    expect(digest).toBeUndefined();
  });

  it('reports a stale spoke, a partial one and a row in force that selects none, in one digest', async () => {
    // Arrange
    const { watch } = setup(
      [
        aSpoke('111111111111', 'eu-west-1'),
        aSpoke('222222222222', 'eu-west-1', { at: '2026-11-26T10:00:00.000Z' }),
        aSpoke('333333333333', 'eu-west-1', { status: 'partial' }),
      ],
      [
        { ...ROW, policyId: 'typo', accounts: ['999999999999'] },
        { ...ROW, policyId: 'off', accounts: ['999999999999'], enabled: false },
        { ...ROW, policyId: 'broken', mode: 'sometimes' },
      ],
    );

    // Act
    const { report, digest } = await watch();

    // Assert
    expect(report.reporting).toBe(1);
    expect(report.unreachable).toEqual([
      { accountId: '222222222222', region: 'eu-west-1', why: 'no heartbeat since 2026-11-26T10:00:00.000Z' },
      { accountId: '333333333333', region: 'eu-west-1', why: 'last run partial' },
    ]);
    expect(report.unplaced).toEqual([
      { policyId: 'typo', why: 'row typo names account 999999999999 which is not a spoke' },
    ]);
    expect(report.invalidPolicies).toBe(1);
    expect(digest?.message).toContain('222222222222/eu-west-1: no heartbeat since 2026-11-26T10:00:00.000Z');
    expect(digest?.message).toContain('333333333333/eu-west-1: last run partial');
    expect(digest?.message).toContain('row typo names account 999999999999 which is not a spoke');
  });
});
