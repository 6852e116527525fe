import type { Connection } from '../types.js';
import { normalizeIdentity } from './normalize-identity.js';

/**
 * Who holds a connection, as one comparable key: the folded user name when it is non-empty after
 * trimming, else the folded certificate common name when that is, else `undefined` (no identity: such a
 * connection is never counted by `max-connections`). The audit table's identity index uses the same key.
 */
export function identityKey(connection: Pick<Connection, 'username' | 'commonName'>): string | undefined {
  const username = fold(connection.username);
  return username !== undefined ? username : fold(connection.commonName);
}

function fold(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const folded = normalizeIdentity(value);
  return folded === '' ? undefined : folded;
}
