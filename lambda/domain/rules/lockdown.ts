import { formatMatchedIdentity } from '../format/format-identity.js';
import { formatInstant } from '../format/format-instant.js';
import { matchIdentity, type ClientIdentity, type MatchedIdentity } from '../identity/match-identity.js';
import type { LockdownRow } from '../policy/schema.js';
import type { Connection } from '../types.js';
import { byPolicy, eachConnection, type Rule, sinceRowWrite } from './rule.js';

/** Evidence of a client on a locked-down endpoint. */
export interface LockdownEvidence {
  /** The locked-down endpoint the client is on. */
  readonly endpointId: string;
  /** The identity the row selected; absent when the row locks every identity out. */
  readonly identity?: MatchedIdentity;
}

/**
 * Fires on every client in the row's scope: a lockdown asks nothing of the time, the traffic or the
 * session, only where the client is and, when the row selects identities, who it is. Exemptions are the
 * caller's business, as for every rule.
 */
export function lockdownFires(
  row: LockdownRow,
  client: ClientIdentity & Pick<Connection, 'endpointId'>,
): LockdownEvidence {
  const identity = matchIdentity(row, client);
  return identity === undefined ? { endpointId: client.endpointId } : { endpointId: client.endpointId, identity };
}

/** `endpoint cvpn-endpoint-0123456789abcdef0 is locked down until 2026-11-26T18:00Z for user alice (policy p)`. */
export function lockdownReason(row: LockdownRow, evidence: LockdownEvidence): string {
  const until = row.expiresAt === undefined ? '' : ` until ${formatInstant(new Date(row.expiresAt))}`;
  const whom = evidence.identity === undefined ? '' : ` for ${formatMatchedIdentity(evidence.identity)}`;
  return `endpoint ${evidence.endpointId} is locked down${until}${whom} ${byPolicy(row)}`;
}

/** The `lockdown` rule. */
export const lockdownRule: Rule<LockdownRow, LockdownEvidence> = {
  fires: eachConnection(lockdownFires),
  reason: lockdownReason,
  conditionAt: (row, _evidence, connection, context) => sinceRowWrite(row, connection, context),
};
