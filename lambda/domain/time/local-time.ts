import { WEEKDAYS, type Weekday } from '../constants.js';

/** A wall-clock reading in one time zone. */
export interface LocalTime {
  readonly weekday: Weekday;
  /** Minutes since local midnight, 0 to 1439. */
  readonly minuteOfDay: number;
}

/** One formatter per time zone: building them is the costly part, and they hold no state. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The weekday and wall-clock time of `instant` in `timeZone` (IANA), as a clock on the wall there shows
 * it. Reading the wall clock for the instant itself (never adding offsets by hand) is what makes
 * off-hours DST-safe: on a spring-forward night 02:30 simply never shows, on a fall-back night 01:30
 * shows twice. Throws a RangeError for a zone the runtime does not know (the schema refuses such rows).
 */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((entry) => entry.type === type)?.value ?? '';
  const weekday = WEEKDAYS.find((day) => day === part('weekday').toLowerCase());
  if (weekday === undefined) throw new RangeError(`cannot read the weekday of ${instant.toISOString()} in ${timeZone}`);
  const hour = Number(part('hour')) % 24;
  return { weekday, minuteOfDay: hour * 60 + Number(part('minute')) };
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
