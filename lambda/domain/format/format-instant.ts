/** An instant in UTC to the minute, as reasons show it: `2026-11-26T10:02Z`. */
export function formatInstant(instant: Date): string {
  return Number.isNaN(instant.getTime()) ? 'an unknown time' : `${instant.toISOString().slice(0, 16)}Z`;
}
