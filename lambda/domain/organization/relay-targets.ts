import { inPlacementScope } from '../policy/policy-scope.js';
import type { Placement } from '../types.js';
import type { ReachingChange } from './change-reach.js';

/** A spoke a relay wakes, and the rows whose change selects it. */
export interface RelayTarget<S extends Placement> {
  readonly spoke: S;
  /** The changed rows that select the spoke, in the batch's order, each once. */
  readonly policyIds: readonly string[];
}

/**
 * The spokes a batch's changes select, in the order of `spokes`: a spoke is selected when any selector of any
 * change is in its placement's scope (`inPlacementScope`; a selector without `accounts` and `regions` selects
 * every spoke). A spoke no change selects is left out.
 */
export function relayTargets<S extends Placement>(
  changes: readonly ReachingChange[],
  spokes: readonly S[],
): RelayTarget<S>[] {
  const targets: RelayTarget<S>[] = [];
  for (const spoke of spokes) {
    const policyIds = new Set<string>();
    for (const change of changes) {
      if (change.selectors.some((selector) => inPlacementScope(selector, spoke))) policyIds.add(change.policyId);
    }
    if (policyIds.size > 0) targets.push({ spoke, policyIds: [...policyIds] });
  }
  return targets;
}
