import { ALL_ENDPOINTS } from '../constants.js';
import type { Placement } from '../types.js';
import type { PolicyRow } from './schema.js';

/**
 * Whether a row is in force at `now`: enabled, and not expired (`expiresAt` is strictly after `now`).
 * An inactive row decides nothing and is not a finding.
 */
export function isRowActive(row: PolicyRow, now: Date): boolean {
  if (!row.enabled) return false;
  if (row.expiresAt === undefined) return true;
  return Date.parse(row.expiresAt) > now.getTime();
}

/** Whether a row applies to an endpoint: `["*"]` applies to every endpoint, otherwise the id must be listed. */
export function inEndpointScope(row: PolicyRow, endpointId: string): boolean {
  return row.endpoints.includes(ALL_ENDPOINTS) || row.endpoints.includes(endpointId);
}

/**
 * Whether a row applies where a deployment runs: its `accounts` (when given) list the account, and its `regions`
 * (when given) list the Region. A row outside the placement is not in force there: it decides nothing and is
 * not a finding there.
 */
export function inPlacementScope(row: Pick<PolicyRow, 'accounts' | 'regions'>, placement: Placement): boolean {
  return (
    (row.accounts === undefined || row.accounts.includes(placement.accountId)) &&
    (row.regions === undefined || row.regions.includes(placement.region))
  );
}
