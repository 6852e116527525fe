import { describe, expect, it } from '@jest/globals';
import { evaluate, localTime, type OffHoursRow } from '../../../../lambda/domain/index.js';
import { isWithinAllowedHours, offHoursFires, offHoursReason } from '../../../../lambda/domain/rules/off-hours.js';
import { connection, NO_IDLE_STATE, row, valid } from '../fixtures.js';

function window(days: string[], start: string, end: string, timezone: string): OffHoursRow {
  return valid<OffHoursRow>(row.offHours({ days, start, end, timezone }));
}

describe('off-hours', () => {
  describe('a window within one day, mon–fri 08:00–18:00 UTC', () => {
    const office = window(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:00', 'UTC');

    it.each<[string, string, boolean]>([
      ['Thursday at the opening minute', '2026-11-26T08:00:00Z', true],
      ['Thursday a minute before opening', '2026-11-26T07:59:00Z', false],
      ['Thursday a second before closing', '2026-11-26T17:59:59Z', true],
      ['Thursday at closing (excluded)', '2026-11-26T18:00:00Z', false],
      ['Saturday at noon', '2026-11-28T12:00:00Z', false],
      ['Monday at noon', '2026-11-30T12:00:00Z', true],
    ])('%s is allowed: %s', (_case, instant, allowed) => {
      // Act
      const fires = offHoursFires(office, new Date(instant));

      // Assert
      expect(fires === undefined).toBe(allowed);
    });
  });

  describe('a window across midnight, fri 22:00–06:00 UTC', () => {
    const night = window(['fri'], '22:00', '06:00', 'UTC');

    it.each<[string, string, boolean]>([
      ['Friday 21:59', '2026-11-27T21:59:00Z', false],
      ['Friday 22:00', '2026-11-27T22:00:00Z', true],
      ['Saturday 00:00', '2026-11-28T00:00:00Z', true],
      ['Saturday 05:59', '2026-11-28T05:59:00Z', true],
      ['Saturday 06:00', '2026-11-28T06:00:00Z', false],
      ['Saturday 22:30 (Saturday is not listed)', '2026-11-28T22:30:00Z', false],
      ['Friday 03:00 (the Thursday night is not listed)', '2026-11-27T03:00:00Z', false],
    ])('%s is allowed: %s', (_case, instant, allowed) => {
      expect(isWithinAllowedHours(night, localTime(new Date(instant), 'UTC'))).toBe(allowed);
    });

    it('joins the window of Sunday night to Monday morning across the week boundary', () => {
      const sundayNight = window(['sun'], '23:00', '01:00', 'UTC');

      expect(isWithinAllowedHours(sundayNight, { weekday: 'mon', minuteOfDay: 30 })).toBe(true);
      expect(isWithinAllowedHours(sundayNight, { weekday: 'sun', minuteOfDay: 30 })).toBe(false);
    });
  });

  describe('DST', () => {
    it.each<[string, OffHoursRow, string, boolean]>([
      // America/New_York springs forward on Sunday 2026-03-08 at 02:00 EST to 03:00 EDT (07:00Z).
      [
        'New York spring forward: Sat 22:00–06:00 at 01:59 EST',
        window(['sat'], '22:00', '06:00', 'America/New_York'),
        '2026-03-08T06:59:00Z',
        true,
      ],
      [
        'New York spring forward: Sat 22:00–06:00 at 03:00 EDT',
        window(['sat'], '22:00', '06:00', 'America/New_York'),
        '2026-03-08T07:00:00Z',
        true,
      ],
      [
        'New York spring forward: Sat 22:00–06:00 at 05:59 EDT',
        window(['sat'], '22:00', '06:00', 'America/New_York'),
        '2026-03-08T09:59:00Z',
        true,
      ],
      [
        'New York spring forward: Sat 22:00–06:00 closes at 06:00 EDT',
        window(['sat'], '22:00', '06:00', 'America/New_York'),
        '2026-03-08T10:00:00Z',
        false,
      ],
      [
        'New York spring forward: a window opening at 02:30, which never shows, is open at 03:00',
        window(['sun'], '02:30', '04:00', 'America/New_York'),
        '2026-03-08T07:00:00Z',
        true,
      ],
      [
        'New York spring forward: the same window is closed at 01:59 EST',
        window(['sun'], '02:30', '04:00', 'America/New_York'),
        '2026-03-08T06:59:00Z',
        false,
      ],
      // America/New_York falls back on Sunday 2026-11-01 at 02:00 EDT to 01:00 EST (06:00Z): 01:30 shows twice.
      [
        'New York fall back: 01:00–02:00 at the first 01:30 (EDT)',
        window(['sun'], '01:00', '02:00', 'America/New_York'),
        '2026-11-01T05:30:00Z',
        true,
      ],
      [
        'New York fall back: 01:00–02:00 at the second 01:30 (EST)',
        window(['sun'], '01:00', '02:00', 'America/New_York'),
        '2026-11-01T06:30:00Z',
        true,
      ],
      [
        'New York fall back: 01:00–02:00 closed at 02:00 EST',
        window(['sun'], '01:00', '02:00', 'America/New_York'),
        '2026-11-01T07:00:00Z',
        false,
      ],
      [
        'New York fall back: Sat 22:00–06:00 at 05:59 EST',
        window(['sat'], '22:00', '06:00', 'America/New_York'),
        '2026-11-01T10:59:00Z',
        true,
      ],
      [
        'New York fall back: Sat 22:00–06:00 closed at 06:00 EST',
        window(['sat'], '22:00', '06:00', 'America/New_York'),
        '2026-11-01T11:00:00Z',
        false,
      ],
      // Europe/Berlin springs forward on Sunday 2026-03-29 at 02:00 CET to 03:00 CEST (01:00Z).
      [
        'Berlin spring forward: Sat 23:00–02:30 at 01:59 CET',
        window(['sat'], '23:00', '02:30', 'Europe/Berlin'),
        '2026-03-29T00:59:00Z',
        true,
      ],
      [
        'Berlin spring forward: Sat 23:00–02:30 closed at 03:00 CEST',
        window(['sat'], '23:00', '02:30', 'Europe/Berlin'),
        '2026-03-29T01:00:00Z',
        false,
      ],
      [
        'Berlin spring forward: mon–fri 08:00–18:00 on Monday 08:00 CEST',
        window(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:00', 'Europe/Berlin'),
        '2026-03-30T06:00:00Z',
        true,
      ],
      [
        'Berlin spring forward: mon–fri 08:00–18:00 on Monday 07:59 CEST',
        window(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:00', 'Europe/Berlin'),
        '2026-03-30T05:59:00Z',
        false,
      ],
      // Europe/Berlin falls back on Sunday 2026-10-25 at 03:00 CEST to 02:00 CET (01:00Z): 02:30 shows twice.
      [
        'Berlin fall back: 02:00–03:00 at the first 02:30 (CEST)',
        window(['sun'], '02:00', '03:00', 'Europe/Berlin'),
        '2026-10-25T00:30:00Z',
        true,
      ],
      [
        'Berlin fall back: 02:00–03:00 at the second 02:30 (CET)',
        window(['sun'], '02:00', '03:00', 'Europe/Berlin'),
        '2026-10-25T01:30:00Z',
        true,
      ],
      [
        'Berlin fall back: 02:00–03:00 closed at 03:00 CET',
        window(['sun'], '02:00', '03:00', 'Europe/Berlin'),
        '2026-10-25T02:00:00Z',
        false,
      ],
      [
        'Berlin fall back: mon–fri 08:00–18:00 on Monday 07:59 CET',
        window(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:00', 'Europe/Berlin'),
        '2026-10-26T06:59:00Z',
        false,
      ],
      [
        'Berlin fall back: mon–fri 08:00–18:00 on Monday 08:00 CET',
        window(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:00', 'Europe/Berlin'),
        '2026-10-26T07:00:00Z',
        true,
      ],
    ])('%s is allowed: %s', (_case, policy, instant, allowed) => {
      // Act
      const fires = offHoursFires(policy, new Date(instant));

      // Assert
      expect(fires === undefined).toBe(allowed);
    });
  });

  it('shows the allowed window and the local time now', () => {
    // Arrange: Saturday 2026-11-28 23:10 in Berlin is 22:10 UTC.
    const office = window(['mon', 'tue', 'wed', 'thu', 'fri'], '08:00', '18:00', 'Europe/Berlin');
    const local = offHoursFires(office, new Date('2026-11-28T22:10:00Z'));

    // Act
    const reason = local === undefined ? 'allowed' : offHoursReason(office, local);

    // Assert
    expect(reason).toBe('outside allowed hours mon–fri 08:00–18:00 Europe/Berlin: now Sat 23:10 (policy office-hours)');
  });

  describe('evaluate', () => {
    it('terminates every connection in scope outside the window, and none inside it', () => {
      // Arrange
      const connections = [
        connection({ connectionId: 'cvpn-connection-1' }),
        connection({ connectionId: 'cvpn-connection-2' }),
      ];

      // Act
      const saturday = evaluate([row.offHours()], connections, NO_IDLE_STATE, new Date('2026-11-28T22:10:00Z'));
      const thursday = evaluate([row.offHours()], connections, NO_IDLE_STATE, new Date('2026-11-26T10:49:00Z'));

      // Assert
      expect(saturday.decisions.map((decision) => decision.verdict)).toEqual(['terminate', 'terminate']);
      expect(thursday.decisions).toEqual([]);
    });
  });
});
