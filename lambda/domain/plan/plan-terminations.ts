import { ConnectionStatus, MAX_CONNECTIONS_PER_USERNAME_CALL, PolicyKind, Verdict } from '../constants.js';
import { normalizeIdentity } from '../identity/normalize-identity.js';
import { compareText } from '../order/compare.js';
import { groupBy } from '../order/group-by.js';
import type { Connection, Decision, TerminationCall } from '../types.js';

/** Targeted connections of one user below which a call by user name saves no call: one goes by its connection id. */
const MIN_CONNECTIONS_PER_USERNAME_CALL = 2;

/** Statuses EC2 documents for connections a call by user name no longer ends. */
const NOT_ACTIVE = new Set<string>([
  ConnectionStatus.TERMINATING,
  ConnectionStatus.TERMINATED,
  ConnectionStatus.FAILED_TO_TERMINATE,
]);

/**
 * The TerminateClientVpnConnections calls that carry out the `terminate` decisions (every other verdict
 * is left out). Each terminate decision appears in exactly one call. One call by username on an endpoint
 * when all of these hold, otherwise one call per connection id:
 * - two or more of that user's connections are targeted (a call by user name saves calls only then);
 * - every terminate decision of that exact user name on that endpoint was decided by `revoked-user`;
 * - the user name is not blank;
 * - every connection on that endpoint with exactly that user name that may be active is targeted, and
 *   there are at most {@link MAX_CONNECTIONS_PER_USERNAME_CALL} of them (a status the run cannot read,
 *   or none, may be active to EC2: the call would end that connection too);
 * - no other connection on that endpoint that may be active has a user name equal to it after trim and
 *   case fold (EC2 might match that one too).
 *
 * `connections` are every connection listed this run (any status). Calls are sorted by endpoint id, then
 * `by` (`connection-id` before `username`), then connection id or user name; decisions in a call by connection id.
 */
export function planTerminations(
  decisions: readonly Decision[],
  connections: readonly Connection[],
): TerminationCall[] {
  const terminations = decisions.filter((decision) => decision.verdict === Verdict.TERMINATE).sort(byConnectionId);
  const namesakes = new NamesakeIndex(connections.filter((connection) => !NOT_ACTIVE.has(connection.status)));
  const byHolder = groupBy(terminations, (decision) =>
    JSON.stringify([decision.connection.endpointId, decision.connection.username ?? null]),
  );
  return [...byHolder.values()].flatMap((group) => callsFor(group, namesakes)).sort(compareCalls);
}

/**
 * The connections that may be active, by endpoint and folded user name: one look-up finds every
 * connection a call by a user name could reach. Built per endpoint on first use, so a run of thousands
 * of revoked users folds each listed user name once rather than once per user.
 */
class NamesakeIndex {
  private readonly byEndpoint: Map<string, Connection[]>;
  private readonly folded = new Map<string, Map<string, Connection[]>>();

  constructor(mayBeActive: readonly Connection[]) {
    this.byEndpoint = groupBy(mayBeActive, (connection) => connection.endpointId);
  }

  /** The connections on `endpointId` that may be active and whose user name folds to the same as `username`. */
  public of(endpointId: string, username: string): readonly Connection[] {
    let index = this.folded.get(endpointId);
    if (index === undefined) {
      index = groupBy(
        (this.byEndpoint.get(endpointId) ?? []).filter((connection) => typeof connection.username === 'string'),
        (connection) => normalizeIdentity(connection.username as string),
      );
      this.folded.set(endpointId, index);
    }
    return index.get(normalizeIdentity(username)) ?? [];
  }
}

/** The calls for the terminate decisions of one exact user name (or none) on one endpoint. */
function callsFor(group: readonly Decision[], namesakes: NamesakeIndex): TerminationCall[] {
  const [first] = group;
  if (first === undefined) return [];
  const { endpointId, username } = first.connection;
  if (username !== undefined && canCallByUsername(group, username, namesakes, endpointId)) {
    return [{ by: 'username', endpointId, username, decisions: group }];
  }
  const byConnection = groupBy(group, (decision) => decision.connection.connectionId);
  return [...byConnection].map(([connectionId, targeted]) => ({
    by: 'connection-id',
    endpointId,
    connectionId,
    decisions: targeted,
  }));
}

function canCallByUsername(
  group: readonly Decision[],
  username: string,
  namesakes: NamesakeIndex,
  endpointId: string,
): boolean {
  if (username.trim() === '' || !group.every((decision) => decision.decidingKind === PolicyKind.REVOKED_USER))
    return false;
  // Every connection of this exact user name folds to the same name, and so does every lookalike.
  const sameFolded = namesakes.of(endpointId, username);
  const holders = new Set(
    sameFolded.filter((connection) => connection.username === username).map((connection) => connection.connectionId),
  );
  const targeted = new Set(group.map((decision) => decision.connection.connectionId));
  const lookalike = sameFolded.some((connection) => connection.username !== username);
  return (
    targeted.size >= MIN_CONNECTIONS_PER_USERNAME_CALL &&
    holders.size <= MAX_CONNECTIONS_PER_USERNAME_CALL &&
    sameSet(holders, targeted) &&
    !lookalike
  );
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  return left.size === right.size && [...left].every((value) => right.has(value));
}

function byConnectionId(left: Decision, right: Decision): number {
  return compareText(left.connection.connectionId, right.connection.connectionId);
}

function compareCalls(left: TerminationCall, right: TerminationCall): number {
  return (
    compareText(left.endpointId, right.endpointId) ||
    compareText(left.by, right.by) ||
    compareText(target(left), target(right))
  );
}

function target(call: TerminationCall): string {
  return call.by === 'username' ? call.username : call.connectionId;
}
