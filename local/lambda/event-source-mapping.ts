import { randomUUID } from 'node:crypto';
import type { SimulatedClock } from '../clock.js';
import type { StreamEntry, TableStream } from '../dynamodb/table-stream.js';
import { LATEST } from './arn.js';
import {
  DiscardCondition,
  type MappingSettings,
  type StreamFailureRecord,
  StartingPosition,
  checkRedeliver,
} from './mapping-options.js';
import type { InvocationOutcome } from './model.js';

/** The stream a mapping reads. */
export type StreamSource = Pick<TableStream, 'arn' | 'shardId' | 'after' | 'latest' | 'subscribe'>;

/** Runs the mapped function on one batch's event (JSON) and says how it ended. */
export type BatchInvoker = (payload: string) => Promise<InvocationOutcome>;

/** What a mapping has done. */
export interface MappingStats {
  /** Invocations of the function, retries and redeliveries included. */
  invocations: number;
  /** Batches the function took (returned without error). */
  delivered: number;
  /** Records in those batches. */
  recordsDelivered: number;
  /** Failed invocations tried again, as the same batch or as its halves. */
  retried: number;
  /** Failing batches split in two. */
  split: number;
  /** Successful batches delivered a second time (the `redeliver` knob). */
  redelivered: number;
  /** Batches given up on (their description went to the on-failure destination, when there is one). */
  discarded: number;
  /** Invocations Lambda refused (throttled, or its own error), waited out and tried again; not retries. */
  throttled: number;
}

/** A mapping as the sandbox describes it. */
export interface MappingView extends MappingSettings {
  readonly uuid: string;
  readonly functionArn: string;
  readonly state: 'Enabled' | 'Disabled';
  /** The last record the function took, or skipped past; undefined before the first. */
  readonly checkpoint?: string;
  /** Records in the stream past the checkpoint. */
  readonly waitingRecords: number;
  /** True while a batch is being delivered. */
  readonly inFlight: boolean;
  readonly stats: MappingStats;
}

/** First wait after Lambda refused a batch; it doubles up to the longest. */
const REFUSED_BACKOFF_MS = 1000;
const REFUSED_BACKOFF_MAX_MS = 60_000;

/**
 * An event source mapping from a DynamoDB stream (one shard) to a function, as Lambda runs it: records in order,
 * one batch in flight at a time; a batch is sent when `batchSize` records wait, or when the batching window has
 * passed since the first waiting record (or since the last batch ended, if later). A function error or timeout
 * retries the batch (split in two first, with `bisectBatchOnError`) until it succeeds, the retries are used up or
 * its oldest record is too old; the batch is then described to the on-failure destination and skipped. Every wait
 * is on the simulated clock and never moves a frozen clock: the window passes when time gets there.
 */
export class EventSourceMapping {
  public readonly uuid = randomUUID();
  private readonly settings: MappingSettings;
  private redeliver: number;
  private checkpoint: bigint | undefined;
  private lastBatchEndedMs = -Infinity;
  private readonly stopping = new AbortController();
  private readonly done: Promise<void>;
  private readonly stopped: Promise<void>;
  private wake: (() => void) | undefined;
  private busy = true;
  private delivering = false;
  private idleWaiters: (() => void)[] = [];
  private readonly failureRecords: StreamFailureRecord[] = [];
  private counters: MappingStats = emptyStats();
  private readonly unsubscribe: () => void;

  constructor(
    settings: MappingSettings,
    public readonly functionArn: string,
    private readonly stream: StreamSource,
    private readonly clock: SimulatedClock,
    private readonly invoke: BatchInvoker,
    private readonly random: () => number,
  ) {
    this.settings = { ...settings };
    this.redeliver = settings.redeliver;
    this.stopped = new Promise((resolve) =>
      this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    this.checkpoint = settings.startingPosition === StartingPosition.LATEST ? stream.latest() : undefined;
    this.unsubscribe = stream.subscribe(() => {
      if (!this.wake) return;
      // Busy at once, so a caller that waits for the mapping to settle right after a write sees this record.
      this.busy = true;
      this.wake();
    });
    this.done = this.run();
  }

  /** The mapping's settings, position and counters. */
  public view(): MappingView {
    return {
      uuid: this.uuid,
      functionArn: this.functionArn,
      ...this.settings,
      redeliver: this.redeliver,
      state: this.stopping.signal.aborted ? 'Disabled' : 'Enabled',
      ...(this.checkpoint === undefined ? {} : { checkpoint: String(this.checkpoint) }),
      waitingRecords: this.stream.after(this.checkpoint).length,
      inFlight: this.delivering,
      stats: { ...this.counters },
    };
  }

  /** What the on-failure destination received, oldest first (empty without a destination). */
  public failures(): readonly StreamFailureRecord[] {
    return [...this.failureRecords];
  }

  /** Sets the share of successful batches delivered twice (0 to 1). */
  public setRedeliver(share: number): void {
    this.redeliver = checkRedeliver(share);
  }

  /** Zeroes the counters and forgets the failure records; the position stays. */
  public reset(): void {
    this.counters = emptyStats();
    this.failureRecords.length = 0;
  }

  /** Resolves once nothing is under way: no batch in flight, none ready to send until time moves or records come. */
  public whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** True while a batch is being assembled or delivered. */
  public get isBusy(): boolean {
    return this.busy;
  }

  /** Stops reading: a batch in flight ends first (no retry after it). Idempotent. */
  public async stop(): Promise<void> {
    this.stopping.abort();
    this.unsubscribe();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { batchSize, maximumBatchingWindowMs } = this.settings;
    while (!this.stopping.signal.aborted) {
      const waiting = this.stream.after(this.checkpoint, batchSize);
      const first = waiting[0];
      if (!first) {
        await this.rest();
        continue;
      }
      const windowEnds = Math.max(first.arrivalMs, this.lastBatchEndedMs) + maximumBatchingWindowMs;
      if (waiting.length < batchSize && this.clock.nowMs() < windowEnds) {
        await this.rest(windowEnds);
        continue;
      }
      this.delivering = true;
      await this.deliver(waiting, 0);
      this.delivering = false;
      this.checkpoint = waiting[waiting.length - 1]?.sequence ?? this.checkpoint;
      this.lastBatchEndedMs = this.clock.nowMs();
    }
    this.settle();
  }

  /** Waits for a new record, for simulated time to reach `until`, or for the stop; idle meanwhile. */
  private async rest(until?: number): Promise<void> {
    const timer = new AbortController();
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.settle();
    const reached =
      until === undefined ? new Promise<void>(() => undefined) : this.clock.waitUntil(until, timer.signal);
    await Promise.race([woken, reached, this.stopped]);
    timer.abort();
    this.wake = undefined;
    this.busy = true;
  }

  private settle(): void {
    this.busy = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Delivers one batch until it succeeds or is discarded; `retries` is how many its records have had. */
  private async deliver(batch: readonly StreamEntry[], retries: number): Promise<void> {
    const { maximumRetryAttempts, bisectBatchOnError } = this.settings;
    let invocations = 0;
    let backoff = REFUSED_BACKOFF_MS;
    let used = retries;
    for (;;) {
      if (this.tooOld(batch)) return this.discard(batch, DiscardCondition.RECORD_AGE_EXCEEDED, invocations);
      const payload = JSON.stringify({ Records: batch.map((entry) => entry.record) });
      const outcome = await this.invoke(payload);
      this.counters.invocations += 1;
      if (outcome.kind === 'refused') {
        // The batch never reached the function: Lambda waits and tries again, and it is no retry.
        this.counters.throttled += 1;
        if (this.stopping.signal.aborted) return;
        this.settle();
        const reached = await this.clock.waitUntil(this.clock.nowMs() + backoff, this.stopping.signal);
        this.busy = true;
        if (!reached) return;
        backoff = Math.min(backoff * 2, REFUSED_BACKOFF_MAX_MS);
        continue;
      }
      invocations += 1;
      if (outcome.kind === 'returned') {
        this.counters.delivered += 1;
        this.counters.recordsDelivered += batch.length;
        if (this.redeliver > 0 && this.random() < this.redeliver) {
          this.counters.redelivered += 1;
          this.counters.invocations += 1;
          await this.invoke(payload);
        }
        return;
      }
      const requestId = 'requestId' in outcome ? outcome.requestId : randomUUID();
      if (maximumRetryAttempts >= 0 && used >= maximumRetryAttempts) {
        return this.discard(batch, DiscardCondition.RETRIES_EXHAUSTED, invocations, requestId);
      }
      if (this.stopping.signal.aborted) return;
      used += 1;
      this.counters.retried += 1;
      if (bisectBatchOnError && batch.length > 1) {
        this.counters.split += 1;
        const half = Math.ceil(batch.length / 2);
        await this.deliver(batch.slice(0, half), used);
        await this.deliver(batch.slice(half), used);
        return;
      }
    }
  }

  private tooOld(batch: readonly StreamEntry[]): boolean {
    const limit = this.settings.maximumRecordAgeMs;
    const oldest = batch[0];
    return limit >= 0 && oldest !== undefined && this.clock.nowMs() - oldest.arrivalMs > limit;
  }

  private discard(
    batch: readonly StreamEntry[],
    condition: DiscardCondition,
    invocations: number,
    requestId: string = randomUUID(),
  ): void {
    this.counters.discarded += 1;
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (!this.settings.onFailure || !first || !last) return;
    this.failureRecords.push({
      requestContext: {
        requestId,
        functionArn: this.functionArn,
        condition,
        approximateInvokeCount: invocations,
      },
      ...(invocations > 0
        ? { responseContext: { statusCode: 200, executedVersion: LATEST, functionError: 'Unhandled' } }
        : {}),
      version: '1.0',
      timestamp: this.clock.now().toISOString(),
      DDBStreamBatchInfo: {
        shardId: this.stream.shardId,
        startSequenceNumber: String(first.sequence),
        endSequenceNumber: String(last.sequence),
        approximateArrivalOfFirstRecord: secondsTime(first.arrivalMs),
        approximateArrivalOfLastRecord: secondsTime(last.arrivalMs),
        batchSize: batch.length,
        streamArn: this.stream.arn,
      },
    });
  }
}

/** `2019-11-14T00:13:19Z`: a time to the second, as the failure record writes arrivals. */
function secondsTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function emptyStats(): MappingStats {
  return {
    invocations: 0,
    delivered: 0,
    recordsDelivered: 0,
    retried: 0,
    split: 0,
    redelivered: 0,
    discarded: 0,
    throttled: 0,
  };
}
