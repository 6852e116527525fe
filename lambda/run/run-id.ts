import { createHash } from 'node:crypto';

/**
 * The run id of a scheduled tick: derived from the schedule's scheduled time, so a retried
 * invocation of the same tick is the same run. A manual invocation gets the time it started.
 */
export function runIdFor(scheduledTime: Date | undefined, startedAt: Date): string {
  if (scheduledTime) return `run-${scheduledTime.toISOString().replace(/\.000Z$/, 'Z')}`;
  return `manual-${startedAt.toISOString()}`;
}

/**
 * The run id of a batch of the policies table's stream: `change-` and 16 hex digits of the SHA-256 of the
 * stream's ARN and the first and last sequence numbers of the batch's changes (`<arn>|<first>|<last>`), so
 * a batch Lambda delivers again is the same run.
 */
export function changeRunId(eventSourceArn: string, firstSequenceNumber: string, lastSequenceNumber: string): string {
  const digest = createHash('sha256')
    .update(`${eventSourceArn}|${firstSequenceNumber}|${lastSequenceNumber}`)
    .digest('hex');
  return `change-${digest.slice(0, 16)}`;
}

/** The run id of the `generation`th continuation of the chain that began with `rootRunId`: `<root>+c<n>`. */
export function continuationRunId(rootRunId: string, generation: number): string {
  return `${rootRunId}+c${generation}`;
}

/** The run a continuation continues: the root for the first, else the continuation before it. */
export function continuedRunId(rootRunId: string, generation: number): string {
  return generation <= 1 ? rootRunId : continuationRunId(rootRunId, generation - 1);
}

/**
 * A spoke's run id in an organization deployment: `<accountId>.<region>/<runId>`, so runs of different spokes
 * (each with its own clock-derived ids) never share a key in the hub's audit table, and the hub's table policy can
 * hold each spoke to keys that begin with its own account.
 */
export function placedRunId(placement: { readonly accountId: string; readonly region: string }, runId: string): string {
  return `${placement.accountId}.${placement.region}/${runId}`;
}
