import { parseDuration } from '../local/time.js';
import { CliUsageError } from './errors.js';

/** What `--since`, `--until` and `--at` accept, for error messages and help. */
export const INSTANT_HINT =
  'a duration back from now such as "30m", "24h", "7d" or "1h30m", "now", or an ISO 8601 time such as "2026-11-26T08:00:00Z" or a day "2026-11-26" (UTC)';

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([zZ]|[+-]\d\d:?\d\d)$/;
const ISO_DAY = /^\d{4}-\d\d-\d\d$/;

/**
 * An instant as an operator writes it on the command line: a duration back from `now` (`24h` is a day
 * ago), `now`, an ISO 8601 time with a zone, or a UTC day (its midnight). Throws a usage error that
 * names the flag, the value and what is accepted.
 */
export function parseInstant(flag: string, value: string, now: Date): Date {
  const text = value.trim();
  if (text === 'now') return new Date(now.getTime());
  const ago = /^\d/.test(text) && !ISO_DAY.test(text) && !ISO_TIME.test(text) ? parseDuration(text) : undefined;
  if (ago !== undefined && ago >= 0) return new Date(now.getTime() - ago);
  if (ISO_TIME.test(text) || ISO_DAY.test(text)) {
    const date = new Date(ISO_DAY.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new CliUsageError(`${flag} ${JSON.stringify(value)} is not a time: expected ${INSTANT_HINT}`);
}

/**
 * An expiry as an operator writes it: a duration ahead of `now` (`--expires 8h`) or an ISO 8601 time.
 * Returns the ISO text the policy row stores, or the text as given when it is neither, so the row's own
 * schema names it in its error.
 */
export function parseExpiry(value: string, now: Date): string {
  const text = value.trim();
  const ahead = /^\d/.test(text) && !ISO_DAY.test(text) && !ISO_TIME.test(text) ? parseDuration(text) : undefined;
  if (ahead !== undefined && ahead > 0) return new Date(now.getTime() + ahead).toISOString().replace(/\.000Z$/, 'Z');
  if (ISO_DAY.test(text)) return `${text}T00:00:00Z`;
  return text;
}

/** A duration in milliseconds as a person reads it: `850ms`, `12.4s`, `3m 05s`. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** An ISO instant as the CLI prints it: UTC, to the second, without milliseconds. */
export function formatAt(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
