import { KIND_PRECEDENCE, PolicyMode } from '../constants.js';
import { compareText } from '../order/compare.js';
import type { Firing } from '../types.js';

/**
 * Strongest first: by kind precedence (`lockdown` > `revoked-user` > `max-connections` > `max-session` >
 * `off-hours` > `idle`, {@link KIND_PRECEDENCE}), then policy id.
 */
export function compareFirings(left: Firing, right: Firing): number {
  return (
    KIND_PRECEDENCE.indexOf(left.kind) - KIND_PRECEDENCE.indexOf(right.kind) ||
    compareText(left.policyId, right.policyId)
  );
}

/**
 * The rule that decides among those that fired (sorted strongest first): the strongest `enforce` rule,
 * or, when every rule that fired only observes, the strongest of them. An observing rule never outranks
 * an enforcing one, so observe rows can be added next to enforce rows without weakening them.
 */
export function decidingFiring(fired: readonly [Firing, ...Firing[]]): Firing {
  return fired.find((firing) => firing.mode === PolicyMode.ENFORCE) ?? fired[0];
}
