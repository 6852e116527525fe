import type { ReportBucket } from '../../lambda/domain/report/types.js';

/**
 * How the HTML report prints the model's numbers and times: one place, so every figure a reader sees is one of
 * the model's, written one way. The CSV and JSON carry the raw numbers.
 */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const PRICE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** A count: `12,345`. */
export function formatCount(count: number): string {
  return COUNT.format(count);
}

/**
 * A duration in seconds, to the unit a person reads: `42.5 s`, `4 min 12 s`, `3 h 5 min`, `2 d 4 h`. Below a
 * minute it keeps a tenth of a second; above, whole seconds, minutes or hours.
 */
export function formatDuration(seconds: number): string {
  if (seconds < MINUTE) return `${Number(seconds.toFixed(1))} s`;
  const whole = Math.round(seconds);
  if (whole < HOUR) return `${Math.floor(whole / MINUTE)} min ${whole % MINUTE} s`;
  const minutes = Math.round(seconds / MINUTE);
  if (minutes < DAY / MINUTE) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  const hours = Math.round(seconds / HOUR);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A number of minutes (the idle rows' minutes past their limit): `7.5 min`. */
export function formatMinutes(minutes: number): string {
  return `${DECIMAL.format(minutes)} min`;
}

/** Connection-hours: `1,234.5 h`. */
export function formatHours(hours: number): string {
  return `${DECIMAL.format(hours)} h`;
}

/** US dollars, to the cent: `12.34 USD`. */
export function formatUsd(usd: number): string {
  return `${USD.format(usd)} USD`;
}

/** A connection-hour price: `0.05 USD per connection-hour`. */
export function formatPrice(usd: number): string {
  return `${PRICE.format(usd)} USD per connection-hour`;
}

/** An ISO time, to the minute, in UTC: `2026-11-01 13:05 UTC`; text that is not a time is printed as it is. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The start of a bucket as its label: `2026-11-01` for a day, `2026-11-01 13:00` for an hour (UTC). */
export function formatBucket(iso: string, bucket: ReportBucket): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const text = time.toISOString();
  return bucket === 'day' ? text.slice(0, 10) : text.slice(0, 16).replace('T', ' ');
}
