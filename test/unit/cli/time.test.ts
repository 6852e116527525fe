import { describe, expect, it } from '@jest/globals';
import { CliUsageError } from '../../../cli/errors.js';
import { formatAt, formatElapsed, parseExpiry, parseInstant } from '../../../cli/time.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');

describe('parseInstant', () => {
  it.each([
    ['24h', '2026-11-25T10:00:00.000Z'],
    ['7d', '2026-11-19T10:00:00.000Z'],
    ['30m', '2026-11-26T09:30:00.000Z'],
    ['1h30m', '2026-11-26T08:30:00.000Z'],
    ['now', '2026-11-26T10:00:00.000Z'],
    ['2026-11-20T08:00:00Z', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20T09:00:00+01:00', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
  ])('reads %s as %s', (text, expected) => {
    // Act
    const instant = parseInstant('--since', text, NOW);

    // Assert
    expect(instant.toISOString()).toBe(expected);
  });

  it.each(['yesterday', '-24h', '24', '2026-11-20T08:00:00', '2026-13-45', ''])(
    'refuses %j, naming the flag, the value and what is accepted',
    (text) => {
      // Act
      const attempt = () => parseInstant('--since', text, NOW);

      // Assert
      expect(attempt).toThrow(CliUsageError);
      expect(attempt).toThrow(
        new RegExp(
          `--since ${JSON.stringify(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a time: expected a duration back from now such as "30m", "24h"`,
        ),
      );
    },
  );
});

describe('parseExpiry', () => {
  it('turns a duration into the ISO time that far ahead, to the second', () => {
    expect(parseExpiry('8h', NOW)).toBe('2026-11-26T18:00:00Z');
    expect(parseExpiry('30d', NOW)).toBe('2026-12-26T10:00:00Z');
  });

  it('keeps an ISO time, and turns a day into its midnight UTC', () => {
    expect(parseExpiry('2026-12-31T23:59:59Z', NOW)).toBe('2026-12-31T23:59:59Z');
    expect(parseExpiry('2026-12-31', NOW)).toBe('2026-12-31T00:00:00Z');
  });

  it('passes anything else through, so the row schema names it', () => {
    expect(parseExpiry('next tuesday', NOW)).toBe('next tuesday');
  });
});

describe('formatElapsed', () => {
  it.each([
    [850, '850ms'],
    [12_400, '12.4s'],
    [185_000, '3m 05s'],
    [-1, '-'],
  ])('prints %d ms as %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('formatAt', () => {
  it('prints UTC to the second and leaves unreadable text as it is', () => {
    expect(formatAt('2026-11-26T10:00:00.123Z')).toBe('2026-11-26T10:00:00Z');
    expect(formatAt('garbage')).toBe('garbage');
    expect(formatAt(undefined)).toBe('');
  });
});
