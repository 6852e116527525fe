export { type PlacementSelector, reachingChange, type ReachingChange } from './change-reach.js';
export { relayTargets, type RelayTarget } from './relay-targets.js';
export { unplacedRows, type UnplacedRow } from './unplaced-rows.js';
export {
  HEALTHY_STATUSES,
  type SpokeHeartbeatView,
  unreachableSpokes,
  type UnreachableSpoke,
} from './unreachable-spokes.js';
