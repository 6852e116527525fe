/**
 * The run id of a scheduled tick: derived from the schedule's scheduled time, so a retried
 * invocation of the same tick is the same run. A manual invocation gets the time it started.
 */
export function runIdFor(scheduledTime: Date | undefined, startedAt: Date): string {
  if (scheduledTime) return `run-${scheduledTime.toISOString().replace(/\.000Z$/, 'Z')}`;
  return `manual-${startedAt.toISOString()}`;
}
