import { formatMatchedIdentity } from '../format/format-identity.js';
import { matchIdentity, type ClientIdentity, type MatchedIdentity } from '../identity/match-identity.js';
import type { RevokedUserRow } from '../policy/schema.js';
import { byPolicy, eachConnection, type Rule, sinceRowWrite } from './rule.js';

/**
 * Fires on a client whose user name, common name or one of whose groups the row lists (exact after trim
 * and case fold). A row without selectors matches no one: `revoked-user` never widens to everyone.
 */
export function revokedUserFires(row: RevokedUserRow, client: ClientIdentity): MatchedIdentity | undefined {
  return matchIdentity(row, client);
}

/** `user alice is revoked (policy offboarded-2026-11)`. */
export function revokedUserReason(row: RevokedUserRow, identity: MatchedIdentity): string {
  return `${formatMatchedIdentity(identity)} is revoked ${byPolicy(row)}`;
}

/** The `revoked-user` rule. */
export const revokedUserRule: Rule<RevokedUserRow, MatchedIdentity> = {
  fires: eachConnection(revokedUserFires),
  reason: revokedUserReason,
  conditionAt: (row, _evidence, connection, context) => sinceRowWrite(row, connection, context),
};
