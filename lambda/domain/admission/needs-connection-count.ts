import { PolicyKind } from '../constants.js';
import { identityKey } from '../identity/identity-key.js';
import { isRowActive } from '../policy/policy-scope.js';
import type { PolicyRow } from '../policy/schema.js';
import { inRuleScope } from '../rules/rule-scope.js';
import type { ConnectionAttempt } from '../types.js';

/**
 * Whether deciding `attempt` at `now` needs the count of the connections its identity holds: true when a
 * `max-connections` row in force on the attempt's endpoint holds the attempt in its scope, as
 * {@link decideAdmission} scopes it, and the attempt has an identity to count by. Otherwise the count
 * changes nothing, and a caller need not ask EC2 for it.
 */
export function needsConnectionCount(rows: readonly PolicyRow[], attempt: ConnectionAttempt, now: Date): boolean {
  if (identityKey(attempt) === undefined) return false;
  return rows.some(
    (row) => row.kind === PolicyKind.MAX_CONNECTIONS && isRowActive(row, now) && inRuleScope(row, attempt),
  );
}
