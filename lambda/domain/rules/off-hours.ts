import { WEEKDAYS, type Weekday } from '../constants.js';
import { capitalizeDay, formatDays } from '../format/format-days.js';
import type { OffHoursRow } from '../policy/schema.js';
import { localTime, type LocalTime } from '../time/local-time.js';
import { formatWallClock, parseWallClock } from '../time/minutes.js';
import { byPolicy, type Rule } from './rule.js';

/**
 * Whether a wall-clock reading falls in one of the row's allowed windows. A window opens on each listed
 * day at `start` and closes at `end` (excluded). When `end` is before `start` the window crosses midnight:
 * Friday 22:00–06:00 runs into Saturday morning, so Saturday 05:00 is allowed by the Friday window.
 */
export function isWithinAllowedHours(row: OffHoursRow, local: LocalTime): boolean {
  const start = parseWallClock(row.start);
  const end = parseWallClock(row.end);
  const openedToday = row.days.includes(local.weekday) && local.minuteOfDay >= start;
  if (start < end) return openedToday && local.minuteOfDay < end;
  const openedYesterday = row.days.includes(previousDay(local.weekday)) && local.minuteOfDay < end;
  return openedToday || openedYesterday;
}

/** Fires (on every connection in scope) when now, on the wall clock of the row's time zone, is outside every allowed window. */
export function offHoursFires(row: OffHoursRow, now: Date): LocalTime | undefined {
  const local = localTime(now, row.timezone);
  return isWithinAllowedHours(row, local) ? undefined : local;
}

/** `outside allowed hours mon–fri 08:00–18:00 Europe/Berlin: now Sat 23:10 (policy office-hours)`. */
export function offHoursReason(row: OffHoursRow, local: LocalTime): string {
  const window = `${formatDays(row.days)} ${row.start}–${row.end} ${row.timezone}`;
  return `outside allowed hours ${window}: now ${capitalizeDay(local.weekday)} ${formatWallClock(local.minuteOfDay)} ${byPolicy(row)}`;
}

/** The `off-hours` rule: the wall clock is read once per row, not once per connection. */
export const offHoursRule: Rule<OffHoursRow, LocalTime> = {
  fires: (row, scoped, { now }) => {
    const local = scoped.length === 0 ? undefined : offHoursFires(row, now);
    return local === undefined ? [] : scoped.map((connection) => ({ connection, evidence: local }));
  },
  reason: offHoursReason,
};

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + WEEKDAYS.length - 1) % WEEKDAYS.length] ?? day;
}
