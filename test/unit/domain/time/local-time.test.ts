import { describe, expect, it } from '@jest/globals';
import { localTime } from '../../../../lambda/domain/index.js';

describe('localTime', () => {
  it.each<[string, string, string, number]>([
    ['2026-11-28T22:10:00Z', 'Europe/Berlin', 'sat', 23 * 60 + 10],
    ['2026-11-28T23:10:00Z', 'Europe/Berlin', 'sun', 10],
    ['2026-11-26T00:00:00Z', 'UTC', 'thu', 0],
    ['2026-11-26T03:30:00Z', 'America/New_York', 'wed', 22 * 60 + 30],
    ['2026-11-26T23:59:00Z', 'Asia/Kolkata', 'fri', 5 * 60 + 29],
    ['2026-03-08T07:00:00Z', 'America/New_York', 'sun', 3 * 60],
    ['2026-03-08T06:59:00Z', 'America/New_York', 'sun', 60 + 59],
  ])('reads %s in %s as %s, minute %d', (instant, zone, weekday, minuteOfDay) => {
    expect(localTime(new Date(instant), zone)).toEqual({ weekday, minuteOfDay });
  });

  it('reads midnight as minute 0, never 24:00', () => {
    expect(localTime(new Date('2026-11-26T23:00:00Z'), 'Europe/Berlin').minuteOfDay).toBe(0);
  });
});
