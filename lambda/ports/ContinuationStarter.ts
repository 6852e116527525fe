/** Why a run hands its work on to a continuation. */
export const ContinuationReason = {
  /** The run left work deferred to a later run (its time budget ran out) after making progress. */
  DEFERRED: 'deferred',
  /** A policy change arrived while the run held the lease: it may not have seen it. */
  POLICY_CHANGED: 'policy-changed',
} as const;
/** One reason to hand on. */
export type ContinuationReason = (typeof ContinuationReason)[keyof typeof ContinuationReason];

/** The enforcer's event that starts a continuation of a run. */
export interface ContinuationEvent {
  readonly continuation: {
    /** The run id of the run the chain began with (never itself a continuation). */
    readonly of: string;
    /** 1 for the first continuation of `of`, then 2, 3, … */
    readonly generation: number;
    readonly reason: ContinuationReason;
  };
}

/** Starts a continuation: the enforcer's own function, invoked asynchronously with a continuation event. */
export interface ContinuationStarter {
  /** Queues one asynchronous invocation of `functionArn` with `event`; resolves once Lambda has accepted it. */
  start(functionArn: string, event: ContinuationEvent): Promise<void>;
}
