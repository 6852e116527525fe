/** A synthetic connection attempt on one endpoint, sent to the client connect handler to prove it answers. */
export interface CanaryAttempt {
  /** The endpoint the attempt claims to connect to: the handler decides per endpoint. */
  readonly endpointId: string;
  /** How long to wait for the answer, in milliseconds; past it the canary has failed (`timeout`). */
  readonly timeoutMs: number;
}

/** Why a canary got no well-formed answer. */
export const CanaryFailure = {
  /** The function threw or could not return (Lambda's `FunctionError`). */
  FUNCTION_ERROR: 'function-error',
  /** No answer within the canary's time, or the function ran past its own timeout. */
  TIMEOUT: 'timeout',
  /** Lambda throttled the invocation (TooManyRequestsException). */
  THROTTLED: 'throttled',
  /** No such function, or not that version (ResourceNotFoundException). */
  NOT_FOUND: 'not-found',
  /** The caller may not invoke it (AccessDeniedException). */
  ACCESS_DENIED: 'access-denied',
  /** The function answered, but not what Client VPN accepts: Client VPN would refuse every client. */
  MALFORMED_ANSWER: 'malformed-answer',
  /** Any other failure of the call (Lambda's own error, the network). */
  ERROR: 'error',
} as const;
/** One of the reasons a canary failed. */
export type CanaryFailure = (typeof CanaryFailure)[keyof typeof CanaryFailure];

/** How one canary attempt ended: a well-formed answer, or a failure with its reason in words. */
export type CanaryResult =
  | {
      readonly ok: true;
      /** The connection id the attempt carried. */
      readonly connectionId: string;
      readonly allow: boolean;
      /** What a refused client would be shown (absent when allowed). */
      readonly message?: string;
      /** Milliseconds from the call to the answer. */
      readonly latencyMs: number;
    }
  | {
      readonly ok: false;
      readonly connectionId: string;
      readonly failure: CanaryFailure;
      /** What went wrong, with Lambda's code or the answer's problems. */
      readonly reason: string;
      readonly latencyMs: number;
    };

/** The client connect handler, as a canary sees it: invoke it with a synthetic attempt. */
export interface ConnectHandlerProbe {
  /** Sends one canary attempt to `functionName` (a name or an ARN). Never throws: a failure is a result. */
  invoke(functionName: string, attempt: CanaryAttempt): Promise<CanaryResult>;
}

/** What a run's canary found, as its report and its summary record hold it. */
export interface CanaryOutcome {
  /** True when the handler gave a well-formed answer (allowing or refusing): Client VPN could admit clients. */
  readonly ok: boolean;
  /** The endpoint the attempt claimed to connect to. */
  readonly endpointId: string;
  /** What the handler answered, when it answered well formed. */
  readonly allow?: boolean;
  /** Why it failed (the failure and its detail), or the message a refused client sees. */
  readonly reason?: string;
  readonly latencyMs: number;
}

/** A Lambda function ARN without its qualifier (`…:function:<name>`, no `:<alias>` or `:<version>`). */
export function unqualifiedArn(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

/**
 * Whether two Lambda ARNs name the same function, whichever qualifier either carries: an endpoint attached to the
 * client connect handler before provisioned concurrency moved it to the alias `live` is still attached to it.
 */
export function sameFunctionArn(left: string, right: string): boolean {
  return unqualifiedArn(left) === unqualifiedArn(right);
}
