import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { SimulatedClock } from '../clock.js';
import { LATEST } from './arn.js';
import { MAX_PAYLOAD_BYTES } from './errors.js';
import { FunctionFaultKind, type FunctionFaultRule } from './function-faults.js';
import { type InvocationOutcome, type LambdaHandler, TIMED_OUT_ERROR_TYPE } from './model.js';

/** A function as an invocation needs it. */
export interface RunnableFunction {
  readonly name: string;
  readonly arn: string;
  readonly timeoutMs: number;
  readonly handler: LambdaHandler;
}

/** One invocation to run. */
export interface InvocationInput {
  readonly requestId: string;
  /** The event as JSON text, parsed afresh, so the function never holds the caller's objects. */
  readonly payload: string;
  /** The function fault picked for this invocation. */
  readonly fault?: FunctionFaultRule;
  /** How long the caller waits, in simulated ms. @default the function's timeout */
  readonly waitMs?: number;
}

/** Memory every sandbox function reports (Lambda's default), in MB. */
const MEMORY_MB = '128';
const TIMED_OUT = Symbol('timed out');

/**
 * Runs one invocation as the Node.js runtime would, on the simulated clock: the function's time is simulated time
 * (a sleep on a frozen clock moves it), and it times out when that time reaches its timeout, or the caller's wait.
 * While the clock runs, a real timer also ends an invocation that would not settle in time; on a frozen clock only
 * simulated time counts, so a function that never settles (and never sleeps on the clock) is waited for.
 */
export async function runInvocation(
  clock: SimulatedClock,
  fn: RunnableFunction,
  input: InvocationInput,
): Promise<InvocationOutcome> {
  const { requestId } = input;
  const start = clock.nowMs();
  const limit = Math.min(fn.timeoutMs, input.waitMs ?? Infinity);
  const legacy = deferred();
  const context = lambdaContext(fn, requestId, new Date(start), () => start + fn.timeoutMs - clock.nowMs(), legacy);
  const watchdog = realTimeWatchdog(clock, limit);
  let result: unknown;
  let thrown: { readonly error: unknown } | undefined;
  try {
    result = await Promise.race([execute(clock, fn, input, limit, context), legacy.promise, watchdog.fired]);
  } catch (error) {
    thrown = { error };
  } finally {
    watchdog.cancel();
  }
  if (result === TIMED_OUT || clock.nowMs() - start >= limit) {
    if (limit < fn.timeoutMs) return { kind: 'caller-timed-out', requestId, durationMs: limit };
    const seconds = (fn.timeoutMs / 1000).toFixed(2);
    const errorMessage = `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`;
    return functionError(requestId, fn.timeoutMs, { errorType: TIMED_OUT_ERROR_TYPE, errorMessage });
  }
  const durationMs = clock.nowMs() - start;
  if (thrown) return functionError(requestId, durationMs, errorDocument(thrown.error));
  let payload: string;
  try {
    payload = JSON.stringify(result) ?? 'null';
  } catch (error) {
    return functionError(requestId, durationMs, errorDocument(error));
  }
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    return functionError(requestId, durationMs, {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
    });
  }
  return { kind: 'returned', requestId, payload, durationMs };
}

/** The function's run, with its injected fault: a timeout sleeps until the limit, a delay before the code runs. */
async function execute(
  clock: SimulatedClock,
  fn: RunnableFunction,
  input: InvocationInput,
  limit: number,
  context: Context,
): Promise<unknown> {
  const fault = input.fault;
  if (fault?.kind === FunctionFaultKind.TIMEOUT) {
    await clock.sleep(limit);
    return TIMED_OUT;
  }
  if (fault?.kind === FunctionFaultKind.DELAY) await clock.sleep(fault.ms ?? 0);
  if (fault?.kind === FunctionFaultKind.ERROR) throw new Error(fault.message ?? 'Injected fault');
  return fn.handler(JSON.parse(input.payload) as unknown, context);
}

interface ErrorDocument {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** What the Node.js runtime answers for a thrown value: `{ errorType, errorMessage, trace }`. */
function errorDocument(error: unknown): ErrorDocument {
  if (error instanceof Error) {
    const trace = error.stack?.split('\n') ?? [];
    return { errorType: error.name, errorMessage: error.message, trace };
  }
  return { errorType: 'Error', errorMessage: String(error) };
}

function functionError(requestId: string, durationMs: number, document: ErrorDocument): InvocationOutcome {
  return {
    kind: 'function-error',
    requestId,
    payload: JSON.stringify(document),
    errorType: document.errorType,
    errorMessage: document.errorMessage,
    durationMs,
  };
}

interface Deferred {
  readonly promise: Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve: (value: unknown) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<unknown>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** The context the Node.js runtime hands a function; `done`, `fail` and `succeed` settle the invocation as there. */
function lambdaContext(
  fn: RunnableFunction,
  requestId: string,
  startedAt: Date,
  remainingMs: () => number,
  legacy: Deferred,
): Context {
  const day = startedAt.toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: LATEST,
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: MEMORY_MB,
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `${day}/[${LATEST}]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(remainingMs())),
    done: (error?: Error, result?: unknown) => (error ? legacy.reject(error) : legacy.resolve(result)),
    fail: (error: Error | string) => legacy.reject(typeof error === 'string' ? new Error(error) : error),
    succeed: (value: unknown) => legacy.resolve(value),
  };
}

/** A real timer for the simulated `limitMs` while the clock runs; none on a frozen clock. */
function realTimeWatchdog(clock: SimulatedClock, limitMs: number): { fired: Promise<unknown>; cancel(): void } {
  if (clock.frozen || !Number.isFinite(limitMs))
    return { fired: new Promise(() => undefined), cancel: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  const fired = new Promise<unknown>((resolve) => {
    // Unreferenced: a pending invocation does not keep a stopped sandbox's process alive.
    timer = setTimeout(() => resolve(TIMED_OUT), clock.toRealMs(limitMs)).unref();
  });
  return { fired, cancel: () => clearTimeout(timer) };
}
