/** Milliseconds in a minute. */
export const MINUTE_MS = 60_000;

/** Whole minutes from `from` to `to`, rounded down (negative when `to` is earlier). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / MINUTE_MS);
}

/** Minutes since midnight of a validated `HH:MM` wall-clock time. */
export function parseWallClock(value: string): number {
  const [hours, minutes] = value.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** `HH:MM` of a minute of the day. */
export function formatWallClock(minuteOfDay: number): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}
