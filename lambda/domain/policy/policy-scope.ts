import { ALL_ENDPOINTS } from '../constants.js';
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
