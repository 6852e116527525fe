import { describe, expect, it } from '@jest/globals';
import { numberOrText, rowFromFlags } from '../../../../cli/policy/row-from-flags.js';
import { parsePolicyRow, PolicyKind } from '../../../../lambda/domain/index.js';

const NOW = new Date('2026-11-26T10:00:00Z');

describe('rowFromFlags', () => {
  it('writes a new row in observe mode on every endpoint unless told otherwise', () => {
    // Act
    const row = rowFromFlags(PolicyKind.REVOKED_USER, { id: 'offboard-jdoe', reason: 'left', users: ['jdoe'] }, NOW);

    // Assert
    expect(row).toEqual({
      policyId: 'offboard-jdoe',
      kind: 'revoked-user',
      enabled: true,
      mode: 'observe',
      endpoints: ['*'],
      usernames: ['jdoe'],
      reason: 'left',
    });
    expect(parsePolicyRow(row).ok).toBe(true);
  });

  it('takes --enforce, --disabled, numbers, days and an expiry in hours', () => {
    // Act
    const row = rowFromFlags(
      PolicyKind.OFF_HOURS,
      {
        id: 'oh',
        reason: 'r',
        enforce: true,
        disabled: true,
        days: ['Mon', 'tue'],
        start: '07:00',
        end: '19:00',
        timezone: 'UTC',
        expires: '8h',
        maxTerminations: '5',
      },
      NOW,
    );

    // Assert
    expect(row).toMatchObject({
      mode: 'enforce',
      enabled: false,
      days: ['mon', 'tue'],
      expiresAt: '2026-11-26T18:00:00Z',
      maxTerminations: 5,
    });
    expect(parsePolicyRow(row).ok).toBe(true);
  });

  it('gives exempt rows no mode', () => {
    expect(
      rowFromFlags(PolicyKind.EXEMPT, { id: 'x', reason: 'r', users: ['a'], enforce: true }, NOW),
    ).not.toHaveProperty('mode');
  });

  it('keeps a value that is not a number as text, so the schema names it', () => {
    // Act
    const parsed = parsePolicyRow(rowFromFlags(PolicyKind.IDLE, { id: 'i', reason: 'r', idleMinutes: 'thirty' }, NOW));

    // Assert
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error.issues).toEqual([expect.objectContaining({ field: 'idleMinutes', value: 'thirty' })]);
  });
});

describe('numberOrText', () => {
  it('reads numbers and leaves the rest', () => {
    expect(numberOrText('30')).toBe(30);
    expect(numberOrText(' 2.5 ')).toBe(2.5);
    expect(numberOrText('30m')).toBe('30m');
    expect(numberOrText(undefined)).toBeUndefined();
  });
});
