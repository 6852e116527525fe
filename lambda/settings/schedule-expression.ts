/**
 * Validation of EventBridge Scheduler expressions for a recurring schedule: `rate(...)` or
 * `cron(...)`. One-time `at(...)` schedules are refused: enforcement must recur.
 */

/** What a schedule expression must look like, for error messages. */
export const SCHEDULE_ACCEPTED =
  'rate(<n> minute|minutes|hour|hours|day|days) with the singular unit for 1 (e.g. rate(5 minutes)), ' +
  'or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) with "?" in exactly one of day-of-month and day-of-week (e.g. cron(0/5 * * * ? *))';

/** A valid recurring schedule expression. */
export interface ParsedSchedule {
  readonly expression: string;
  /** Seconds between two runs, for `rate(...)`; undefined for `cron(...)`, whose gaps may vary. */
  readonly periodSeconds?: number;
}

/** The result of parsing: the schedule, or the reason it is refused. */
export type ScheduleParseResult =
  { readonly ok: true; readonly schedule: ParsedSchedule } | { readonly ok: false; readonly reason: string };

const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;

/** Characters each cron field may hold, in order: minutes, hours, day-of-month, month, day-of-week, year. */
const CRON_FIELDS = [
  { name: 'minutes', pattern: /^[0-9,\-*/]+$/ },
  { name: 'hours', pattern: /^[0-9,\-*/]+$/ },
  { name: 'day-of-month', pattern: /^[0-9,\-*/?LW]+$/ },
  { name: 'month', pattern: /^[0-9A-Za-z,\-*/]+$/ },
  { name: 'day-of-week', pattern: /^[0-9A-Za-z,\-*/?L#]+$/ },
  { name: 'year', pattern: /^[0-9,\-*/]+$/ },
] as const;

/** Parses a recurring schedule expression as EventBridge Scheduler accepts it. */
export function parseScheduleExpression(expression: string): ScheduleParseResult {
  const text = expression.trim();
  if (text.startsWith('at(')) {
    return { ok: false, reason: 'a one-time at(...) schedule runs once; enforcement must recur' };
  }
  const rate = RATE.exec(text);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    const singular = unit.replace(/s$/, '') as keyof typeof UNIT_SECONDS;
    if (value < 1) return { ok: false, reason: 'the rate must be at least 1' };
    if (value === 1 && unit !== singular)
      return { ok: false, reason: `use the singular unit for 1: rate(1 ${singular})` };
    if (value > 1 && unit === singular)
      return { ok: false, reason: `use the plural unit for ${value}: rate(${value} ${singular}s)` };
    return { ok: true, schedule: { expression: text, periodSeconds: value * UNIT_SECONDS[singular] } };
  }
  const cron = CRON.exec(text);
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    if (fields.length !== CRON_FIELDS.length) {
      return { ok: false, reason: `cron(...) needs ${CRON_FIELDS.length} fields, got ${fields.length}` };
    }
    for (const [index, field] of CRON_FIELDS.entries()) {
      const value = fields[index] as string;
      if (!field.pattern.test(value))
        return { ok: false, reason: `cron field ${field.name} "${value}" holds characters it does not accept` };
    }
    const dayOfMonth = fields[2];
    const dayOfWeek = fields[4];
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
      return { ok: false, reason: 'exactly one of day-of-month and day-of-week must be "?"' };
    }
    return { ok: true, schedule: { expression: text } };
  }
  return { ok: false, reason: 'not a rate(...) or cron(...) expression' };
}
