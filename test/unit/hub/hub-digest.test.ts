import { describe, expect, it } from '@jest/globals';
import { hubDigest } from '../../../lambda/hub/hub-digest.js';

describe('hubDigest', () => {
  it('names each unreachable spoke and each row that selects no spoke', () => {
    // Act
    const digest = hubDigest({
      source: 'hub watch',
      at: '2026-12-01T12:00:00.000Z',
      spokes: 3,
      unreachable: [{ accountId: '111111111111', region: 'eu-west-1', why: 'no heartbeat since 2026-12-01T10:00:00Z' }],
      unplaced: [{ policyId: 'p', why: 'row p names account 999999999999 which is not a spoke' }],
    });

    // Assert
    expect(digest.subject).toBe('cvpn-guard hub watch: 1 spoke unreachable, 1 row selecting no spoke');
    expect(digest.message.split('\n')).toEqual([
      'cvpn-guard hub watch at 2026-12-01T12:00:00.000Z: 3 spokes known, 1 unreachable, 1 row selecting no spoke.',
      '',
      'Unreachable spokes:',
      '  111111111111/eu-west-1: no heartbeat since 2026-12-01T10:00:00Z',
      '',
      'Rows that select no spoke (in force nowhere):',
      '  row p names account 999999999999 which is not a spoke',
    ]);
  });

  it('cuts what does not fit, saying how many were left out', () => {
    // Arrange
    const unreachable = Array.from({ length: 5000 }, (_, i) => ({
      accountId: String(100000000000 + i),
      region: 'eu-west-1',
      why: 'last run partial',
    }));

    // Act
    const digest = hubDigest({ source: 'hub watch', at: 'now', spokes: 5000, unreachable, unplaced: [] }, 10_000);

    // Assert
    expect(Buffer.byteLength(digest.message)).toBeLessThanOrEqual(10_000);
    const lines = digest.message.split('\n');
    const shown = lines.filter((line) => line.includes('/eu-west-1')).length;
    expect(lines[lines.length - 1]).toBe(`  … and ${5000 - shown} more`);
    expect(shown).toBeGreaterThan(100);
  });
});
