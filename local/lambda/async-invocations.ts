import type { SimulatedClock } from '../clock.js';
import { SandboxControlError } from '../errors.js';
import type { InvocationOutcome } from './model.js';

/** How Lambda retries a function's asynchronous invocations (PutFunctionEventInvokeConfig). */
export interface EventInvokeConfig {
  /** Retries after a function error, 0 to 2. @default 2 */
  readonly maximumRetryAttempts?: number;
  /** An event older than this is not tried again, 60,000 to 21,600,000 ms. @default 21,600,000 (6 h) */
  readonly maximumEventAgeMs?: number;
}

/** Lambda's waits before the first and the second retry of a function error: 1 minute, then 2. */
export const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000] as const;
/** Lambda's default and longest age of an asynchronous event: 6 hours. */
export const MAX_EVENT_AGE_MS = 6 * 60 * 60 * 1000;
/** First wait after Lambda refused an attempt (a throttle, its own error); it doubles up to 5 minutes. */
const REFUSED_BACKOFF_MS = 1000;
const REFUSED_BACKOFF_MAX_MS = 300_000;

/** Where an asynchronous invocation is. */
export const AsyncStatus = {
  QUEUED: 'queued',
  RUNNING: 'running',
  /** Waiting on the simulated clock for its next attempt. */
  WAITING: 'waiting-retry',
  SUCCEEDED: 'succeeded',
  /** Every attempt failed. */
  FAILED: 'failed',
  /** Too old for another attempt. */
  EXPIRED: 'expired',
  /** The sandbox stopped or was reset before it ended. */
  ABANDONED: 'abandoned',
} as const;
/** One of the statuses. */
export type AsyncStatus = (typeof AsyncStatus)[keyof typeof AsyncStatus];

/** One attempt and how it ended. */
export interface AsyncAttempt {
  /** When it started (simulated, ISO). */
  readonly at: string;
  readonly outcome: InvocationOutcome['kind'];
  /** The function's answer, or Lambda's error document. */
  readonly payload?: string;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** An asynchronous invocation, for tests and the admin API. */
export interface AsyncInvocationView {
  /** The id Invoke answered with; every attempt runs with it as `context.awsRequestId`, as in Lambda. */
  readonly requestId: string;
  readonly functionName: string;
  /** The event, as JSON text. */
  readonly payload: string;
  readonly receivedAt: string;
  readonly status: AsyncStatus;
  readonly attempts: readonly AsyncAttempt[];
}

/** Runs one attempt of an event on the function; `requestId` stays the same across attempts. */
export type AttemptRunner = (requestId: string) => Promise<InvocationOutcome>;

interface Entry {
  readonly requestId: string;
  readonly functionName: string;
  readonly payload: string;
  readonly receivedMs: number;
  status: AsyncStatus;
  readonly attempts: AsyncAttempt[];
}

/**
 * Lambda's queue of asynchronous invocations: each event runs in the background on the simulated clock; a function
 * error (a timeout included) is tried again after 1 minute and after 2 more (`maximumRetryAttempts` of 2), a refused
 * attempt (throttled) after a backoff from 1 s to 5 min, until the event is older than its maximum age. The waits
 * never move a frozen clock: the retry runs when simulated time gets there.
 */
export class AsyncInvocations {
  private entries: Entry[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private generation = new AbortController();

  constructor(private readonly clock: SimulatedClock) {}

  /** Queues an event; it starts once the caller has its answer. */
  public enqueue(
    functionName: string,
    payload: string,
    requestId: string,
    config: EventInvokeConfig,
    attempt: AttemptRunner,
  ): void {
    const entry: Entry = {
      requestId,
      functionName,
      payload,
      receivedMs: this.clock.nowMs(),
      status: AsyncStatus.QUEUED,
      attempts: [],
    };
    this.entries.push(entry);
    this.running += 1;
    const signal = this.generation.signal;
    setImmediate(() => {
      this.run(entry, config, attempt, signal).finally(() => this.release());
    });
  }

  /** Every asynchronous invocation so far, oldest first. */
  public list(): AsyncInvocationView[] {
    return this.entries.map((entry) => ({
      requestId: entry.requestId,
      functionName: entry.functionName,
      payload: entry.payload,
      receivedAt: new Date(entry.receivedMs).toISOString(),
      status: entry.status,
      attempts: [...entry.attempts],
    }));
  }

  /** True while an attempt runs or is about to. */
  public get isBusy(): boolean {
    return this.running > 0;
  }

  /** Resolves once no attempt runs or is about to (those waiting for simulated time do not count). */
  public whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Abandons every event still waiting and forgets them all. */
  public clear(): void {
    this.generation.abort();
    this.generation = new AbortController();
    this.entries = [];
  }

  /** Abandons every event still waiting (the sandbox stops). */
  public stop(): void {
    this.generation.abort();
  }

  private async run(entry: Entry, config: EventInvokeConfig, attempt: AttemptRunner, signal: AbortSignal) {
    const retries = config.maximumRetryAttempts ?? ASYNC_RETRY_DELAYS_MS.length;
    const maxAgeMs = config.maximumEventAgeMs ?? MAX_EVENT_AGE_MS;
    let functionErrors = 0;
    let backoff = REFUSED_BACKOFF_MS;
    for (;;) {
      if (signal.aborted) {
        entry.status = AsyncStatus.ABANDONED;
        return;
      }
      entry.status = AsyncStatus.RUNNING;
      const at = this.clock.now().toISOString();
      const outcome = await attempt(entry.requestId);
      entry.attempts.push(attemptOf(at, outcome));
      let delay: number;
      if (outcome.kind === 'returned') {
        entry.status = AsyncStatus.SUCCEEDED;
        return;
      } else if (outcome.kind === 'refused') {
        delay = backoff;
        backoff = Math.min(backoff * 2, REFUSED_BACKOFF_MAX_MS);
      } else {
        functionErrors += 1;
        if (functionErrors > retries) {
          entry.status = AsyncStatus.FAILED;
          return;
        }
        delay = ASYNC_RETRY_DELAYS_MS[functionErrors - 1] ?? ASYNC_RETRY_DELAYS_MS[1];
      }
      const due = this.clock.nowMs() + delay;
      if (due - entry.receivedMs > maxAgeMs) {
        entry.status = AsyncStatus.EXPIRED;
        return;
      }
      entry.status = AsyncStatus.WAITING;
      this.release();
      const reached = await this.clock.waitUntil(due, signal);
      this.running += 1;
      if (!reached) {
        entry.status = AsyncStatus.ABANDONED;
        return;
      }
    }
  }

  private release(): void {
    this.running -= 1;
    if (this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function attemptOf(at: string, outcome: InvocationOutcome): AsyncAttempt {
  switch (outcome.kind) {
    case 'returned':
      return { at, outcome: outcome.kind, payload: outcome.payload };
    case 'function-error':
      return {
        at,
        outcome: outcome.kind,
        payload: outcome.payload,
        errorType: outcome.errorType,
        errorMessage: outcome.errorMessage,
      };
    case 'caller-timed-out':
      return { at, outcome: outcome.kind };
    case 'refused':
      return { at, outcome: outcome.kind, errorType: outcome.error.code, errorMessage: outcome.error.message };
  }
}

/** A function's asynchronous retry settings, checked: retries 0 to 2, an event age from 1 minute to 6 hours. */
export function checkEventInvokeConfig(name: string, config: EventInvokeConfig): EventInvokeConfig {
  const { maximumRetryAttempts: retries, maximumEventAgeMs: age } = config;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0 && retries <= 2)) {
    throw new SandboxControlError(
      `Lambda function ${name}: eventInvoke.maximumRetryAttempts ${JSON.stringify(retries)}; expected 0, 1 or 2`,
    );
  }
  if (age !== undefined && !(Number.isInteger(age) && age >= 60_000 && age <= MAX_EVENT_AGE_MS)) {
    throw new SandboxControlError(
      `Lambda function ${name}: eventInvoke.maximumEventAgeMs ${JSON.stringify(age)}; ` +
        `expected a whole number of ms from 60000 to ${MAX_EVENT_AGE_MS}`,
    );
  }
  return { ...config };
}
