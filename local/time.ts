/** Durations and times as people write them in scenarios and the admin API, and as EC2 prints them. */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([+-])?((?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** What a duration looks like, for error messages. */
export const DURATION_HINT = 'a duration like "90s", "95m", "1h30m", "-9h" or "2d"';
/** What a time looks like, for error messages. */
export const TIME_HINT =
  'a time relative to the scenario\'s now like "-95m" or "-9h", "now", or an ISO 8601 time like "2026-11-26T08:00:00Z"';

/**
 * Milliseconds in a duration: `"90s"`, `"95m"`, `"1h30m"`, `"-9h"`, `"2d"`, `"250ms"`; a number is
 * taken as milliseconds. Undefined when the text is not a duration.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(PART)) {
    total += Number(part[1]) * UNIT_MS[part[2] as keyof typeof UNIT_MS];
  }
  return match[1] === '-' ? -total : total;
}

/**
 * A time: `"now"`, a signed duration relative to `now` (`"-95m"`), or an ISO 8601 time with a zone.
 * Undefined when the text is none of these.
 */
export function parseTime(value: string, now: Date): Date | undefined {
  const text = value.trim();
  if (text === 'now') return new Date(now.getTime());
  if (/^[+-]/.test(text)) {
    const offset = parseDuration(text);
    return offset === undefined ? undefined : new Date(now.getTime() + offset);
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([zZ]|[+-]\d\d:?\d\d)$/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** EC2's Client VPN connection time format: `YYYY-MM-DD HH:MM:SS`, UTC, no zone suffix. */
export function formatEc2ConnectionTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** EC2's Client VPN endpoint creation time format: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone suffix. */
export function formatEc2EndpointTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}
