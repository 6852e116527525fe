import { inPlacementScope } from '../policy/policy-scope.js';
import type { Placement } from '../types.js';
import type { PlacementSelector } from './change-reach.js';

/** A row whose `accounts`/`regions` select no known spoke: it is in force nowhere, and why, in words. */
export interface UnplacedRow {
  readonly policyId: string;
  /** `row <policyId> names account 999999999999 which is not a spoke`, and the like. */
  readonly why: string;
}

/**
 * The rows that name accounts or Regions but select none of `spokes`: most likely a mistyped account id or a
 * Region the organization does not deploy to. A row without selectors selects every spoke and is never one.
 */
export function unplacedRows(
  rows: readonly (PlacementSelector & { readonly policyId: string })[],
  spokes: readonly Placement[],
): UnplacedRow[] {
  const found: UnplacedRow[] = [];
  for (const row of rows) {
    if (row.accounts === undefined && row.regions === undefined) continue;
    if (spokes.some((spoke) => inPlacementScope(row, spoke))) continue;
    found.push({ policyId: row.policyId, why: `row ${row.policyId} ${whyNoSpoke(row, spokes)}` });
  }
  return found;
}

function whyNoSpoke(row: PlacementSelector, spokes: readonly Placement[]): string {
  const accounts = new Set(spokes.map((spoke) => spoke.accountId));
  const regions = new Set(spokes.map((spoke) => spoke.region));
  const strangers = (row.accounts ?? []).filter((account) => !accounts.has(account));
  const elsewhere = (row.regions ?? []).filter((region) => !regions.has(region));
  const reasons: string[] = [];
  if (strangers.length > 0)
    reasons.push(
      `names ${plural('account', strangers)} ${strangers.join(', ')} which ${strangers.length === 1 ? 'is not a spoke' : 'are not spokes'}`,
    );
  if (elsewhere.length > 0)
    reasons.push(`names ${plural('Region', elsewhere)} ${elsewhere.join(', ')} where no spoke runs`);
  // Either selector alone explains it when none of its values has a spoke.
  const noAccount = row.accounts !== undefined && strangers.length === row.accounts.length;
  const noRegion = row.regions !== undefined && elsewhere.length === row.regions.length;
  if (noAccount || noRegion) return reasons.join(', and ');
  return (
    `names ${plural('account', row.accounts ?? [])} ${(row.accounts ?? []).join(', ')} and ` +
    `${plural('Region', row.regions ?? [])} ${(row.regions ?? []).join(', ')}, but no spoke runs in both`
  );
}

function plural(word: string, items: readonly string[]): string {
  return items.length === 1 ? word : `${word}s`;
}
