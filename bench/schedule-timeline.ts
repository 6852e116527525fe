/**
 * When each invocation of the enforcer starts on the schedule's timeline: a tick every schedule period (the
 * first at the start), each continuation at once when the run that queued it returns (as Lambda's
 * asynchronous invoke would), on the first handler instance that is free, and a tick that comes due while
 * every instance is busy on a new one (as EventBridge Scheduler would invoke it: concurrently; it finds the
 * lease held). Pure: no clock, no I/O; bench/worker.ts drives it on the simulated clock, and
 * {@link planTimeline} drives it on scripted run durations.
 */
import type { ContinuationEvent } from '../lambda/ports/index.js';

/** How the bench invokes the enforcer. */
export const Timeline = {
  /** Ticks at their scheduled times, continuations as they fire. */
  SCHEDULE: 'schedule',
  /** One tick after another, each at once when the last returns, until nothing is deferred. */
  BACK_TO_BACK: 'back-to-back',
} as const;
/** One way to invoke. */
export type Timeline = (typeof Timeline)[keyof typeof Timeline];

/** What starts an invocation. */
export const InvocationKind = { TICK: 'tick', CONTINUATION: 'continuation' } as const;
/** One kind of invocation. */
export type InvocationKind = (typeof InvocationKind)[keyof typeof InvocationKind];

/** An invocation due on the timeline, not yet started. */
export type DueInvocation =
  | { readonly kind: typeof InvocationKind.TICK; readonly atMs: number; readonly tick: number }
  | { readonly kind: typeof InvocationKind.CONTINUATION; readonly atMs: number; readonly event: ContinuationEvent };

/** An invocation once started. */
export type StartedInvocation = DueInvocation & {
  /** 1 for the first invocation, then 2, 3, … in the order they start. */
  readonly index: number;
  /** The handler instance (Lambda execution environment) it runs on, from 0. */
  readonly instance: number;
};

/** What an invocation did, once it returned. */
export interface InvocationOutcome {
  readonly finishedAtMs: number;
  /** It found the lease held and did nothing. */
  readonly skipped: boolean;
  /** Decisions it left deferred. */
  readonly deferred: number;
  /** Continuations it queued (Lambda invokes each once the run returns). */
  readonly continuations: readonly ContinuationEvent[];
}

/** Where the timeline starts and how far it may go. */
export interface TimelineOptions {
  /** Simulated ms of the first tick. */
  readonly startMs: number;
  /** Simulated ms between two ticks (the schedule's period). */
  readonly periodMs: number;
  /** Start no more invocations than this (skipped ticks included). */
  readonly maxInvocations: number;
}

/** The invocations of one timeline, as they come due, start and return. */
export class ScheduleTimeline {
  private readonly queued: DueInvocation[] = [];
  private readonly busy = new Set<number>();
  private ticks = 0;
  private started = 0;
  private ran = false;
  private lastDeferred = 0;

  constructor(private readonly options: TimelineOptions) {
    if (!(options.periodMs > 0)) throw new Error(`the schedule period must be above 0 ms, got ${options.periodMs}`);
    if (!(options.maxInvocations >= 1))
      throw new Error(`maxInvocations must be at least 1, got ${options.maxInvocations}`);
  }

  /**
   * Whether the timeline is over: nothing runs, no continuation is queued, and the last run that did not
   * find the lease held left nothing deferred; or the invocation bound is reached and nothing runs.
   */
  public get done(): boolean {
    if (this.busy.size > 0 || this.queued.length > 0) return false;
    return (this.ran && this.lastDeferred === 0) || this.started >= this.options.maxInvocations;
  }

  /** The next invocation to start: the earliest queued continuation, or else (or if earlier) the next tick. */
  public next(): DueInvocation | undefined {
    if (this.done || this.started >= this.options.maxInvocations) return undefined;
    const tick: DueInvocation = {
      kind: InvocationKind.TICK,
      atMs: this.options.startMs + this.ticks * this.options.periodMs,
      tick: this.ticks + 1,
    };
    const continuation = this.queued[0];
    return continuation !== undefined && continuation.atMs <= tick.atMs ? continuation : tick;
  }

  /** Starts `due` (what {@link next} answered) on the first free instance. */
  public start(due: DueInvocation): StartedInvocation {
    if (due.kind === InvocationKind.TICK) this.ticks += 1;
    else this.queued.splice(this.queued.indexOf(due), 1);
    let instance = 0;
    while (this.busy.has(instance)) instance += 1;
    this.busy.add(instance);
    this.started += 1;
    return { ...due, index: this.started, instance };
  }

  /** Records what `invocation` did; its continuations come due as it returns. */
  public finish(invocation: StartedInvocation, outcome: InvocationOutcome): void {
    this.busy.delete(invocation.instance);
    if (!outcome.skipped) {
      this.ran = true;
      this.lastDeferred = outcome.deferred;
    }
    for (const event of outcome.continuations) {
      this.queued.push({ kind: InvocationKind.CONTINUATION, atMs: outcome.finishedAtMs, event });
    }
    this.queued.sort((left, right) => left.atMs - right.atMs);
  }
}

/** What a scripted invocation does: how long it takes, what it leaves deferred, whether it hands on. */
export interface ScriptedRun {
  readonly durationMs: number;
  readonly deferred: number;
  /** It hands on (queues one continuation). */
  readonly handsOn: boolean;
}

/**
 * The timeline for scripted runs: `runOf` says what each invocation does (a tick that starts while another
 * run holds the lease is skipped and takes `skippedMs`). Answers every invocation started, in order.
 */
export function planTimeline(
  options: TimelineOptions & { readonly skippedMs: number },
  runOf: (invocation: StartedInvocation) => ScriptedRun,
): readonly (StartedInvocation & { readonly skipped: boolean; readonly finishedAtMs: number })[] {
  const timeline = new ScheduleTimeline(options);
  const running: (StartedInvocation & { skipped: boolean; finishedAtMs: number; run: ScriptedRun })[] = [];
  const plan: (StartedInvocation & { skipped: boolean; finishedAtMs: number })[] = [];
  let leaseHeld = false;
  while (!timeline.done) {
    const due = timeline.next();
    running.sort((left, right) => left.finishedAtMs - right.finishedAtMs);
    const returning = running[0];
    // A run that returns at the instant another comes due returns first: its instance is then free.
    if (returning !== undefined && (due === undefined || returning.finishedAtMs <= due.atMs)) {
      running.shift();
      if (!returning.skipped) leaseHeld = false;
      timeline.finish(returning, {
        finishedAtMs: returning.finishedAtMs,
        skipped: returning.skipped,
        deferred: returning.skipped ? 0 : returning.run.deferred,
        continuations: !returning.skipped && returning.run.handsOn ? [continuationOf(returning)] : [],
      });
      continue;
    }
    if (due === undefined) break;
    const started = timeline.start(due);
    const skipped = leaseHeld;
    const run = runOf(started);
    leaseHeld = true;
    const entry = { ...started, skipped, finishedAtMs: started.atMs + (skipped ? options.skippedMs : run.durationMs) };
    running.push({ ...entry, run });
    plan.push(entry);
  }
  return plan;
}

/** The continuation a scripted run queues: the next generation of its chain. */
function continuationOf(invocation: StartedInvocation): ContinuationEvent {
  if (invocation.kind === InvocationKind.CONTINUATION) {
    const { of, generation } = invocation.event.continuation;
    return { continuation: { of, generation: generation + 1, reason: 'deferred' } };
  }
  return { continuation: { of: `run-${invocation.tick}`, generation: 1, reason: 'deferred' } };
}
