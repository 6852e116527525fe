import { type Connection, ConnectionStatus } from '../domain/index.js';
import type { ConnectionFactsByEndpoint } from '../ports/index.js';

/** What a run knows of the groups of the connections it lists. */
export interface GroupsKnowledge {
  /** Active connections listed whose groups stay unknown: the gate kept no facts of them, or not theirs. */
  readonly unknown: number;
  /** Facts kept under a listed connection's id whose user name or common name differ from the listing's. */
  readonly mismatched: number;
}

/** The listed connections, with the groups the gate saw on those it has facts for. */
export interface JoinedConnections extends GroupsKnowledge {
  readonly connections: readonly Connection[];
}

/**
 * Gives each listed connection the groups of the facts the gate kept under its id, when the facts name the
 * same user name and common name as EC2 lists (else they are not its facts, and its groups stay unknown).
 * A fact with no groups means the request listed none: the connection is known to be in no group.
 */
export function joinFacts(connections: readonly Connection[], facts: ConnectionFactsByEndpoint): JoinedConnections {
  let unknown = 0;
  let mismatched = 0;
  const joined = connections.map((connection) => {
    const fact = facts.get(connection.endpointId)?.get(connection.connectionId);
    const matches =
      fact !== undefined && fact.username === connection.username && fact.commonName === connection.commonName;
    if (fact !== undefined && !matches) mismatched += 1;
    if (!matches) {
      if (connection.status === ConnectionStatus.ACTIVE) unknown += 1;
      return connection;
    }
    return { ...connection, groups: fact.groups ?? [] };
  });
  return { connections: joined, unknown, mismatched };
}
