import type { Connection } from '../types.js';

/** Orders text by UTF-16 code units: the same on every host, unlike `localeCompare`. */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The engine's stable order of connections: by endpoint id, then connection id. */
export function compareConnections(left: Connection, right: Connection): number {
  return compareText(left.endpointId, right.endpointId) || compareText(left.connectionId, right.connectionId);
}

/** One key per connection: endpoint id and connection id. */
export function connectionKey(connection: Connection): string {
  return `${connection.endpointId}\u0000${connection.connectionId}`;
}
