import { PolicyKind } from '../constants.js';
import { inIdentityScope, type ClientIdentity } from '../identity/match-identity.js';
import { inEndpointScope } from '../policy/policy-scope.js';
import type { EnforcingRow } from '../policy/schema.js';
import type { Connection } from '../types.js';

/**
 * Whether a rule looks at a client at all: the client is on an endpoint the row scopes and has an identity
 * the row selects. Without selectors a row selects everyone, except `revoked-user`, which never widens to
 * everyone. A run and the admission decision scope rows through this one function.
 */
export function inRuleScope(row: EnforcingRow, client: ClientIdentity & Pick<Connection, 'endpointId'>): boolean {
  return inEndpointScope(row, client.endpointId) && inIdentityScope(row, client, row.kind !== PolicyKind.REVOKED_USER);
}
