import { formatDuration } from '../format/format-duration.js';
import type { MaxSessionRow } from '../policy/schema.js';
import { MINUTE_MS, minutesBetween } from '../time/minutes.js';
import type { Connection } from '../types.js';
import { byPolicy, eachConnection, type Rule, type RuleContext } from './rule.js';

/** Evidence of a session that outlived its limit. */
export interface MaxSessionEvidence {
  /** Whole minutes since the connection was established. */
  readonly ageMinutes: number;
}

/** Fires when the connection is older than `maxSessionMinutes` (strictly) at `now`. */
export function maxSessionFires(
  row: MaxSessionRow,
  connection: Connection,
  { now }: RuleContext,
): MaxSessionEvidence | undefined {
  const ageMs = now.getTime() - connection.establishedAt.getTime();
  return ageMs > row.maxSessionMinutes * MINUTE_MS
    ? { ageMinutes: minutesBetween(connection.establishedAt, now) }
    : undefined;
}

/** `session 9 h 12 min old, limit 8 h (policy max-8h)`. */
export function maxSessionReason(row: MaxSessionRow, evidence: MaxSessionEvidence): string {
  return `session ${formatDuration(evidence.ageMinutes)} old, limit ${formatDuration(row.maxSessionMinutes)} ${byPolicy(row)}`;
}

/** When the session passed its limit: `maxSessionMinutes` after it was established. */
export function maxSessionConditionAt(row: MaxSessionRow, connection: Pick<Connection, 'establishedAt'>): Date {
  return new Date(connection.establishedAt.getTime() + row.maxSessionMinutes * MINUTE_MS);
}

/** The `max-session` rule. */
export const maxSessionRule: Rule<MaxSessionRow, MaxSessionEvidence> = {
  fires: eachConnection(maxSessionFires),
  reason: maxSessionReason,
  conditionAt: (row, _evidence, connection) => maxSessionConditionAt(row, connection),
};
