import { formatDuration } from '../format/format-duration.js';
import { formatInstant } from '../format/format-instant.js';
import { totalBytes } from '../idle/total-bytes.js';
import type { IdleRow } from '../policy/schema.js';
import { MINUTE_MS, minutesBetween } from '../time/minutes.js';
import type { Connection } from '../types.js';
import { byPolicy, eachConnection, type Rule, type RuleContext } from './rule.js';

/** Evidence of an idle connection. */
export interface IdleEvidence {
  /** Whole minutes since traffic last grew by more than `minBytes`. */
  readonly idleMinutes: number;
  /** Bytes since then (at most `minBytes`). */
  readonly bytesSince: number;
  /** When traffic last grew by more than `minBytes` (or the connection was first seen). */
  readonly activeAt: Date;
}

/**
 * Fires when, in the idle memory after this run's observation, the connection's traffic has not grown
 * by more than `minBytes` for at least `idleMinutes`. A connection without memory for the row's threshold
 * does not fire (it is being seen for the first time).
 */
export function idleFires(
  row: IdleRow,
  connection: Connection,
  { now, idleState }: RuleContext,
): IdleEvidence | undefined {
  const memory = idleState.get(connection.connectionId);
  if (memory === undefined || memory.endpointId !== connection.endpointId) return undefined;
  const threshold = memory.thresholds.find((entry) => entry.minBytes === row.minBytes);
  if (threshold === undefined || now.getTime() - threshold.activeAt.getTime() < row.idleMinutes * MINUTE_MS)
    return undefined;
  return {
    idleMinutes: minutesBetween(threshold.activeAt, now),
    bytesSince: Math.max(0, (totalBytes(connection) ?? threshold.baselineBytes) - threshold.baselineBytes),
    activeAt: threshold.activeAt,
  };
}

/** `idle for 47 min: 0 bytes since 2026-11-26T10:02Z (policy idle-30)`. */
export function idleReason(row: IdleRow, evidence: IdleEvidence): string {
  const bytes = `${evidence.bytesSince} ${evidence.bytesSince === 1 ? 'byte' : 'bytes'}`;
  const allowance = row.minBytes > 0 ? ` (at most ${row.minBytes} count as idle)` : '';
  return `idle for ${formatDuration(evidence.idleMinutes)}: ${bytes}${allowance} since ${formatInstant(evidence.activeAt)} ${byPolicy(row)}`;
}

/** When the connection became idle past the limit: `idleMinutes` after traffic last grew (`activeAt`). */
export function idleConditionAt(row: IdleRow, evidence: IdleEvidence): Date {
  return new Date(evidence.activeAt.getTime() + row.idleMinutes * MINUTE_MS);
}

/** The `idle` rule. */
export const idleRule: Rule<IdleRow, IdleEvidence> = {
  fires: eachConnection(idleFires),
  reason: idleReason,
  conditionAt: idleConditionAt,
};
