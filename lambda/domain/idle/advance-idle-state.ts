import { ConnectionStatus } from '../constants.js';
import type { Connection, ConnectionIdleState, IdleState, IdleThreshold } from '../types.js';
import { totalBytes } from './total-bytes.js';

/**
 * The idle memory after observing `connections` at `now`; pure, `previous` is left as it was.
 *
 * Kept per connection (by connection id) and per threshold: `minBytes` is the traffic that still counts
 * as idle, so traffic is activity when ingress + egress bytes grew by MORE than `minBytes` since the
 * threshold's baseline (with the default 0, any byte is activity). On activity the baseline becomes the
 * current count and `activeAt` becomes `now`. A connection seen for the first time, or a threshold new to a
 * known connection, counts as active now: nothing is idle on first sight. Counters that went down (the
 * count is below the last one seen) and unreadable counters (see {@link totalBytes}) count as activity
 * for every threshold; an unreadable count keeps the last readable one as the count to compare with.
 *
 * The result holds only the `active` connections given (the others are forgotten), each with exactly the
 * distinct thresholds of `minBytesThresholds` (the `minBytes` of the idle rows in force), ascending.
 */
export function advanceIdleState(
  previous: IdleState,
  connections: readonly Connection[],
  minBytesThresholds: readonly number[],
  now: Date,
): IdleState {
  const thresholds = distinctThresholds(minBytesThresholds);
  const next = new Map<string, ConnectionIdleState>();
  for (const connection of connections) {
    if (connection.status !== ConnectionStatus.ACTIVE || next.has(connection.connectionId)) continue;
    next.set(connection.connectionId, observe(previous.get(connection.connectionId), connection, thresholds, now));
  }
  return next;
}

function observe(
  before: ConnectionIdleState | undefined,
  connection: Connection,
  thresholds: readonly number[],
  now: Date,
): ConnectionIdleState {
  const known = before !== undefined && before.endpointId === connection.endpointId ? before : undefined;
  const readable = totalBytes(connection);
  const bytes = readable ?? known?.lastBytes ?? 0;
  const surelyActive = known === undefined || readable === undefined || bytes < known.lastBytes;
  const nextThresholds = thresholds.map((minBytes): IdleThreshold => {
    const memory = known?.thresholds.find((threshold) => threshold.minBytes === minBytes);
    if (memory === undefined || surelyActive || !isStill(bytes, memory))
      return { minBytes, baselineBytes: bytes, activeAt: now };
    return memory;
  });
  return {
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    lastBytes: bytes,
    lastSeenAt: now,
    thresholds: nextThresholds,
  };
}

/** True when traffic since the baseline is at most the threshold's `minBytes` (and the count did not fall below it). */
function isStill(bytes: number, memory: IdleThreshold): boolean {
  const grown = bytes - memory.baselineBytes;
  return grown >= 0 && grown <= memory.minBytes;
}

function distinctThresholds(minBytesThresholds: readonly number[]): number[] {
  const valid = minBytesThresholds.filter((minBytes) => Number.isFinite(minBytes) && minBytes >= 0);
  return [...new Set(valid)].sort((left, right) => left - right);
}
