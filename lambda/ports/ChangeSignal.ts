/**
 * The policies table's change signal: a counter that a change able to end sessions raises before it asks
 * for a run, and that every run reads twice, once after taking the lease and once after releasing it.
 * A change that found the lease held is never lost: it was noted before the holder released, so the
 * holder's second read sees the counter grown and hands on (docs/architecture.md, "Event-driven runs and
 * continuations").
 */
export interface ChangeSignal {
  /** Raises the counter by one (a change arrived at `now`); resolves to the counter after the raise. */
  note(now: Date): Promise<number>;
  /** The counter as it is now (strongly consistent); 0 before the first change. */
  version(): Promise<number>;
}
