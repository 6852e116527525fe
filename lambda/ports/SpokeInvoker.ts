import { PortError } from './errors.js';

/**
 * What the hub's relay sends a spoke's enforcer when a policy change can end sessions there: the spoke notes its
 * change signal and runs as `<accountId>.<region>/<runId>` with trigger `change`.
 */
export interface RelayedChangeEvent {
  readonly change: {
    /** `change-<16 hex>`: the hub batch's run id (`changeRunId`), the same for a batch delivered again. */
    readonly runId: string;
    /** The changed rows that select the spoke. */
    readonly policyIds: readonly string[];
    /** The relay's function ARN. */
    readonly from: string;
  };
}

/** Wakes a spoke's enforcer: one asynchronous invocation, queued by Lambda, never waited for. */
export interface SpokeInvoker {
  /**
   * Queues `event` for the function `functionArn` (in the account and Region the ARN names).
   *
   * @throws SpokeInvokeError with the AWS error code when Lambda does not queue it
   */
  invoke(functionArn: string, event: RelayedChangeEvent): Promise<void>;
}

/** A spoke's enforcer could not be invoked (not found, not allowed, throttled, no answer); `code` says which. */
export class SpokeInvokeError extends PortError {
  constructor(message: string, options?: { cause?: unknown; code?: string; requestId?: string }) {
    super(message, options);
    this.name = 'SpokeInvokeError';
  }
}
