import { formatMatchedIdentity } from '../format/format-identity.js';
import { matchIdentity, type ClientIdentity, type MatchedIdentity } from '../identity/match-identity.js';
import { inEndpointScope } from '../policy/policy-scope.js';
import type { ExemptRow } from '../policy/schema.js';
import type { Connection, Firing } from '../types.js';
import { byPolicy } from './rule.js';

/**
 * An exempt row never fires. It covers a client on an endpoint it scopes (default every endpoint) whose
 * user name, common name or one of whose groups it names (exact after trim and case fold); a row without
 * selectors covers no one, and a row naming only groups covers no client whose groups are unknown.
 * Whether the row is in force (enabled, not expired) is the caller's business.
 */
export function exemptionCovers(
  row: ExemptRow,
  client: ClientIdentity & Pick<Connection, 'endpointId'>,
): MatchedIdentity | undefined {
  return inEndpointScope(row, client.endpointId) ? matchIdentity(row, client) : undefined;
}

/**
 * The first of `exemptions` (in force, sorted by policy id) that covers the client, with the identity it
 * named; `undefined` when none does.
 */
export function firstExemption(
  exemptions: readonly ExemptRow[],
  client: ClientIdentity & Pick<Connection, 'endpointId'>,
): [ExemptRow, MatchedIdentity] | undefined {
  for (const row of exemptions) {
    const identity = exemptionCovers(row, client);
    if (identity !== undefined) return [row, identity];
  }
  return undefined;
}

/** `user alice is exempt (policy vip): not terminated; would have been: session 9 h old, limit 8 h (policy max-8h)`. */
export function exemptedReason(row: ExemptRow, identity: MatchedIdentity, overridden: Firing): string {
  return `${formatMatchedIdentity(identity)} is exempt ${byPolicy(row)}: not terminated; would have been: ${overridden.reason}`;
}

/** `user alice is exempt (policy on-call): admitted; would have been refused: user alice is revoked (policy gone)`. */
export function exemptedAtConnectReason(row: ExemptRow, identity: MatchedIdentity, overridden: Firing): string {
  return `${formatMatchedIdentity(identity)} is exempt ${byPolicy(row)}: admitted; would have been refused: ${overridden.reason}`;
}
