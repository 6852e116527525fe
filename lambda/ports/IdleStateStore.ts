import type { IdleState } from '../domain/index.js';

/** Idle memory between runs. */
export interface IdleStateStore {
  /** The memory of every connection of these endpoints. */
  load(endpointIds: readonly string[]): Promise<IdleState>;
  /** Stores `next`, and forgets connections of `previous` that `next` no longer holds. */
  save(next: IdleState, previous: IdleState): Promise<void>;
}
