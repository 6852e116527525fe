import type { Context } from 'aws-lambda';
import type { EventInvokeConfig } from './async-invocations.js';
import type { LambdaApiError } from './errors.js';
import type { SandboxPlacement } from '../org/placement.js';
import type { ResourcePolicy } from '../org/resource-policy.js';

/**
 * A function's code, as the Node.js runtime calls it: the event (parsed from the invocation's JSON payload) and the
 * context; what it returns (or resolves to) is the invocation's payload, what it throws is an `Unhandled` error.
 */
export type LambdaHandler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R> | R;

/** How a function is configured. */
export interface FunctionOptions {
  /** How long an invocation may run, in simulated ms (Lambda allows 1 s to 900 s). @default 3000, Lambda's default */
  readonly timeoutMs?: number;
  /** How its asynchronous invocations are retried. @default 2 retries (after 1 min, then 2 min), events kept 6 h */
  readonly eventInvoke?: EventInvokeConfig;
  /** The account and Region the function lives in (its ARN's). @default the sandbox's default placement */
  readonly placement?: SandboxPlacement;
  /**
   * Who from another account may invoke it (its resource-based policy, as `AddPermission` grants). @default nobody:
   * another account's Invoke is refused with AccessDeniedException
   */
  readonly invokers?: ResourcePolicy;
}

/** Invocations of one function and how they ended. */
export interface FunctionStats {
  /** Every invocation that reached the function (throttled ones included). */
  invocations: number;
  /** Returned a payload. */
  succeeded: number;
  /** Threw, or returned what cannot be sent back (an `Unhandled` error other than a timeout). */
  functionErrors: number;
  /** Ran past the function's timeout, or past the time its caller waits. */
  timedOut: number;
  /** Refused with TooManyRequestsException. */
  throttled: number;
}

/** A function as the sandbox describes it. */
export interface FunctionView {
  readonly name: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>`. */
  readonly arn: string;
  /** The account and Region it lives in. */
  readonly placement: SandboxPlacement;
  readonly timeoutMs: number;
  /** True for a function registered through the admin API with a fixed answer. */
  readonly canned: boolean;
  readonly stats: FunctionStats;
}

/** How one invocation ended. */
export type InvocationOutcome =
  /** The function returned: `payload` is its answer as JSON. */
  | { readonly kind: 'returned'; readonly requestId: string; readonly payload: string; readonly durationMs: number }
  /**
   * An `Unhandled` error (`X-Amz-Function-Error: Unhandled`): the function threw, ran past its timeout
   * (`errorType` `Sandbox.Timedout`), or returned what cannot be sent back; `payload` is Lambda's error document.
   */
  | {
      readonly kind: 'function-error';
      readonly requestId: string;
      readonly payload: string;
      readonly errorType: string;
      readonly errorMessage: string;
      readonly durationMs: number;
    }
  /** The caller stopped waiting (its own limit, shorter than the function's timeout, came first). */
  | { readonly kind: 'caller-timed-out'; readonly requestId: string; readonly durationMs: number }
  /** Lambda did not run the function: unknown function, throttled, or its own error. */
  | { readonly kind: 'refused'; readonly error: LambdaApiError };

/** `errorType` of an invocation that ran past its function's timeout. */
export const TIMED_OUT_ERROR_TYPE = 'Sandbox.Timedout';
