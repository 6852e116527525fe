import { ConnectionStatus, MAX_CONNECTIONS_PER_USERNAME_CALL, PolicyKind, Verdict } from '../constants.js';
import { normalizeIdentity } from '../identity/normalize-identity.js';
import { compareText } from '../order/compare.js';
import { groupBy } from '../order/group-by.js';
import type { Connection, Decision, TerminationCall } from '../types.js';

/**
 * The TerminateClientVpnConnections calls that carry out the `terminate` decisions (every other verdict
 * is left out). Each terminate decision appears in exactly one call. One call by username on an endpoint
 * when all of these hold, otherwise one call per connection id:
 * - every terminate decision of that exact user name on that endpoint was decided by `revoked-user`;
 * - the user name is not blank;
 * - every active connection on that endpoint with exactly that user name is targeted, and there are at
 *   most {@link MAX_CONNECTIONS_PER_USERNAME_CALL} of them;
 * - no other active connection on that endpoint has a user name equal to it after trim and case fold
 *   (EC2 might match that one too).
 *
 * `connections` are every connection listed this run (any status). Calls are sorted by endpoint id, then
 * `by` (`connection-id` before `username`), then connection id or user name; decisions in a call by connection id.
 */
export function planTerminations(decisions: readonly Decision[], connections: readonly Connection[]): TerminationCall[] {
  const terminations = decisions.filter((decision) => decision.verdict === Verdict.TERMINATE).sort(byConnectionId);
  const activeByEndpoint = groupBy(
    connections.filter((connection) => connection.status === ConnectionStatus.ACTIVE),
    (connection) => connection.endpointId,
  );
  const byHolder = groupBy(terminations, (decision) => JSON.stringify([decision.connection.endpointId, decision.connection.username ?? null]));
  return [...byHolder.values()].flatMap((group) => callsFor(group, activeByEndpoint)).sort(compareCalls);
}

/** The calls for the terminate decisions of one exact user name (or none) on one endpoint. */
function callsFor(group: readonly Decision[], activeByEndpoint: ReadonlyMap<string, readonly Connection[]>): TerminationCall[] {
  const [first] = group;
  if (first === undefined) return [];
  const { endpointId, username } = first.connection;
  if (username !== undefined && canCallByUsername(group, username, activeByEndpoint.get(endpointId) ?? [])) {
    return [{ by: 'username', endpointId, username, decisions: group }];
  }
  const byConnection = groupBy(group, (decision) => decision.connection.connectionId);
  return [...byConnection].map(([connectionId, targeted]) => ({ by: 'connection-id', endpointId, connectionId, decisions: targeted }));
}

function canCallByUsername(group: readonly Decision[], username: string, activeHere: readonly Connection[]): boolean {
  if (username.trim() === '' || !group.every((decision) => decision.decidingKind === PolicyKind.REVOKED_USER)) return false;
  const holders = new Set(activeHere.filter((connection) => connection.username === username).map((connection) => connection.connectionId));
  const targeted = new Set(group.map((decision) => decision.connection.connectionId));
  const folded = normalizeIdentity(username);
  const lookalike = activeHere.some(
    (connection) => typeof connection.username === 'string' && connection.username !== username && normalizeIdentity(connection.username) === folded,
  );
  return holders.size <= MAX_CONNECTIONS_PER_USERNAME_CALL && sameSet(holders, targeted) && !lookalike;
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  return left.size === right.size && [...left].every((value) => right.has(value));
}

function byConnectionId(left: Decision, right: Decision): number {
  return compareText(left.connection.connectionId, right.connection.connectionId);
}

function compareCalls(left: TerminationCall, right: TerminationCall): number {
  return compareText(left.endpointId, right.endpointId) || compareText(left.by, right.by) || compareText(target(left), target(right));
}

function target(call: TerminationCall): string {
  return call.by === 'username' ? call.username : call.connectionId;
}
