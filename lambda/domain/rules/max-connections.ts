import { formatHolder } from '../format/format-identity.js';
import { identityKey } from '../identity/identity-key.js';
import { compareText } from '../order/compare.js';
import type { MaxConnectionsRow } from '../policy/schema.js';
import type { Connection } from '../types.js';
import { byPolicy, type Rule, type RuleHit, sinceRowWrite } from './rule.js';

/** Evidence of one connection too many. */
export interface MaxConnectionsEvidence {
  /** Who holds the connections, as a reason shows it. */
  readonly holder: string;
  /** How many connections in the row's scope that identity holds. */
  readonly held: number;
}

/**
 * Groups the scoped connections by {@link identityKey} (connections without identity are never counted)
 * and, for each identity holding more than `maxConnections`, keeps the newest `maxConnections` (by
 * `establishedAt`, then connection id) and fires on the others. The count is across every endpoint the row
 * scopes. Exempt connections count too; an exemption spares its connection but never moves the cut.
 */
export function maxConnectionsFires(
  row: MaxConnectionsRow,
  scoped: readonly Connection[],
): RuleHit<MaxConnectionsEvidence>[] {
  const byIdentity = new Map<string, Connection[]>();
  for (const connection of scoped) {
    const key = identityKey(connection);
    if (key === undefined) continue;
    const held = byIdentity.get(key);
    if (held === undefined) byIdentity.set(key, [connection]);
    else held.push(connection);
  }
  return [...byIdentity.values()]
    .filter((held) => held.length > row.maxConnections)
    .flatMap((held) =>
      [...held]
        .sort(newestFirst)
        .slice(row.maxConnections)
        .map((connection) => ({ connection, evidence: { holder: formatHolder(connection), held: held.length } })),
    );
}

/** `user bob holds 7 connections, limit 2: keeping the 2 newest (policy two-sessions)`. */
export function maxConnectionsReason(row: MaxConnectionsRow, evidence: MaxConnectionsEvidence): string {
  const kept = row.maxConnections === 1 ? 'the newest' : `the ${row.maxConnections} newest`;
  return `${evidence.holder} holds ${evidence.held} connections, limit ${row.maxConnections}: keeping ${kept} ${byPolicy(row)}`;
}

/**
 * At connect: fires when one more connection would take the identity over the limit (`held + 1 >
 * maxConnections`), `held` being the active connections it holds already. A run keeps the newest; at
 * connect the newest is the attempt, and refusing it keeps the connections already in use.
 */
export function maxConnectionsRefuses(
  row: MaxConnectionsRow,
  held: number,
  holder: string,
): MaxConnectionsEvidence | undefined {
  return held + 1 > row.maxConnections ? { holder, held } : undefined;
}

/** `user bob already holds 2 connections, limit 2: a new one is refused (policy two-sessions)`. */
export function maxConnectionsRefusalReason(row: MaxConnectionsRow, evidence: MaxConnectionsEvidence): string {
  const held = `${evidence.held} ${evidence.held === 1 ? 'connection' : 'connections'}`;
  return `${evidence.holder} already holds ${held}, limit ${row.maxConnections}: a new one is refused ${byPolicy(row)}`;
}

/** The `max-connections` rule. */
export const maxConnectionsRule: Rule<MaxConnectionsRow, MaxConnectionsEvidence> = {
  fires: maxConnectionsFires,
  reason: maxConnectionsReason,
  conditionAt: (row, _evidence, connection, context) => sinceRowWrite(row, connection, context),
};

/** Newest first; an unreadable establishment time counts as oldest; ties by connection id, then endpoint id. */
function newestFirst(left: Connection, right: Connection): number {
  const time = (connection: Connection): number => {
    const value = connection.establishedAt.getTime();
    return Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
  };
  return (
    time(right) - time(left) ||
    compareText(left.connectionId, right.connectionId) ||
    compareText(left.endpointId, right.endpointId)
  );
}
