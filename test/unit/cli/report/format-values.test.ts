import { describe, expect, it } from '@jest/globals';
import {
  formatBucket,
  formatCount,
  formatDuration,
  formatHours,
  formatMinutes,
  formatPrice,
  formatTime,
  formatUsd,
} from '../../../../cli/report/format-values.js';

describe('the report formats', () => {
  it.each([
    [0, '0 s'],
    [12.34, '12.3 s'],
    [59.9, '59.9 s'],
    [241.5, '4 min 2 s'],
    [3599, '59 min 59 s'],
    [6300, '1 h 45 min'],
    [86_399, '1 d 0 h'],
    [183_600, '2 d 3 h'],
  ])('formatDuration(%p) is %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('formats counts, minutes, hours, dollars and prices', () => {
    expect(formatCount(12_873)).toBe('12,873');
    expect(formatMinutes(31.75)).toBe('31.75 min');
    expect(formatHours(2287.25)).toBe('2,287.25 h');
    expect(formatUsd(132.4525)).toBe('132.45 USD');
    expect(formatUsd(0)).toBe('0.00 USD');
    expect(formatPrice(0.05)).toBe('0.05 USD per connection-hour');
  });

  it('formats times and buckets in UTC, and leaves text that is not a time as it is', () => {
    expect(formatTime('2026-11-02T09:14:59.000Z')).toBe('2026-11-02 09:14 UTC');
    expect(formatTime('tomorrow')).toBe('tomorrow');
    expect(formatBucket('2026-11-02T00:00:00.000Z', 'day')).toBe('2026-11-02');
    expect(formatBucket('2026-11-02T13:00:00.000Z', 'hour')).toBe('2026-11-02 13:00');
  });
});
