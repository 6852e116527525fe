import { ALL_ENDPOINTS, type PolicyRow } from '../../lambda/domain/index.js';

/** Whom the row applies to: the identities it names, or `everyone`. */
export function whoSummary(row: PolicyRow): string {
  const names = [
    ...(row.usernames ?? []),
    ...(row.commonNames ?? []).map((name) => `cn:${name}`),
    ...(row.groups ?? []).map((name) => `group:${name}`),
  ];
  if (names.length === 0) return 'everyone';
  return names.length <= 3 ? names.join(',') : `${names.slice(0, 3).join(',')} +${names.length - 3}`;
}

/** Which endpoints the row applies to. */
export function endpointSummary(endpoints: readonly string[]): string {
  if (endpoints.length === 1 && endpoints[0] === ALL_ENDPOINTS) return 'all';
  return endpoints.length <= 2 ? endpoints.join(',') : `${endpoints.slice(0, 2).join(',')} +${endpoints.length - 2}`;
}

/** Whether the row acts now: `enabled`, `disabled`, or `expired`. */
export function stateOf(row: PolicyRow, now: Date): string {
  if (!row.enabled) return 'disabled';
  if (row.expiresAt !== undefined && Date.parse(row.expiresAt) <= now.getTime()) return 'expired';
  return 'enabled';
}
