import { WEEKDAYS, type Weekday } from '../constants.js';
import { capitalizeDay, formatDays } from '../format/format-days.js';
import type { OffHoursRow } from '../policy/schema.js';
import { localTime, type LocalTime } from '../time/local-time.js';
import { formatWallClock, MINUTE_MS, parseWallClock } from '../time/minutes.js';
import type { Connection } from '../types.js';
import { byPolicy, laterOf, type Rule } from './rule.js';

/** How far back the start of an off-hours stretch is looked for: past a week, every window has come round. */
const STRETCH_LOOKBACK_MS = 8 * 24 * 60 * MINUTE_MS;

/** Evidence of a connection outside allowed hours. */
export interface OffHoursEvidence {
  /** Now, on the wall clock of the row's time zone. */
  readonly local: LocalTime;
  /**
   * When the current off-hours stretch began (the end of the last allowed window); absent when it began
   * before the oldest connection in scope was established (so before every connection it fired on).
   */
  readonly stretchStart?: Date;
}

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

/**
 * When the off-hours stretch that holds `now` began: the first minute after the last allowed one, looked for
 * minute by minute on the wall clock of the row's time zone (so DST-safe, as {@link isWithinAllowedHours}),
 * back to `notBefore` (and at most {@link STRETCH_LOOKBACK_MS}); `undefined` when it began at or before then.
 */
export function offHoursStretchStart(row: OffHoursRow, now: Date, notBefore: Date): Date | undefined {
  const floor = Math.max(notBefore.getTime(), now.getTime() - STRETCH_LOOKBACK_MS);
  const readAt = (at: number): LocalTime => localTime(new Date(at), row.timezone);
  let at = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  let local = readAt(at);
  while (at > floor) {
    // The wall clock is read once an hour: when the hour's two ends are 60 minutes apart on it too, the clock
    // did not change in between, and each minute's reading is the later end's less the minutes between.
    const hourBefore = readAt(at - HOUR_MINUTES * MINUTE_MS);
    const steady = minutesFrom(hourBefore, local) === HOUR_MINUTES;
    for (let minutes = 1; minutes <= HOUR_MINUTES && at - (minutes - 1) * MINUTE_MS > floor; minutes += 1) {
      const previous = at - minutes * MINUTE_MS;
      const reading = steady ? shifted(local, -minutes) : readAt(previous);
      if (isWithinAllowedHours(row, reading)) return new Date(previous + MINUTE_MS);
    }
    at -= HOUR_MINUTES * MINUTE_MS;
    local = hourBefore;
  }
  return undefined;
}

/** The `off-hours` rule: the wall clock and the stretch's start are read once per row, not once per connection. */
export const offHoursRule: Rule<OffHoursRow, OffHoursEvidence> = {
  fires: (row, scoped, { now }) => {
    const local = scoped.length === 0 ? undefined : offHoursFires(row, now);
    if (local === undefined) return [];
    const stretchStart = offHoursStretchStart(row, now, oldestEstablishment(scoped));
    const evidence = stretchStart === undefined ? { local } : { local, stretchStart };
    return scoped.map((connection) => ({ connection, evidence }));
  },
  reason: (row, evidence) => offHoursReason(row, evidence.local),
  // A stretch that began before the connection: its condition became true when it was established.
  conditionAt: (_row, evidence, connection, { now }) =>
    laterOf(connection.establishedAt, evidence.stretchStart ?? connection.establishedAt, now),
};

/** The earliest readable establishment time of the connections (the Unix epoch when none is readable). */
function oldestEstablishment(connections: readonly Connection[]): Date {
  let oldest = Number.POSITIVE_INFINITY;
  for (const connection of connections) {
    const time = connection.establishedAt.getTime();
    if (time < oldest) oldest = time;
  }
  return new Date(Number.isFinite(oldest) ? oldest : 0);
}

const HOUR_MINUTES = 60;
const WEEK_MINUTES = WEEKDAYS.length * 24 * HOUR_MINUTES;

function minuteOfWeek(local: LocalTime): number {
  return WEEKDAYS.indexOf(local.weekday) * 24 * HOUR_MINUTES + local.minuteOfDay;
}

/** Wall-clock minutes from `earlier` to `later`, round the week. */
function minutesFrom(earlier: LocalTime, later: LocalTime): number {
  return (((minuteOfWeek(later) - minuteOfWeek(earlier)) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
}

/** The wall-clock reading `minutes` later (earlier, when negative), on a clock that does not change. */
function shifted(local: LocalTime, minutes: number): LocalTime {
  const total = (((minuteOfWeek(local) + minutes) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const weekday = WEEKDAYS[Math.floor(total / (24 * HOUR_MINUTES))] ?? local.weekday;
  return { weekday, minuteOfDay: total % (24 * HOUR_MINUTES) };
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + WEEKDAYS.length - 1) % WEEKDAYS.length] ?? day;
}
