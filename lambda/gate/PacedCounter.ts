import type { ConnectionAttempt } from '../domain/index.js';
import { TokenBucket } from '../pacing/TokenBucket.js';
import type { Clock, ConnectionCounter, RunLogger } from '../ports/index.js';

/**
 * Counts a container may ask EC2 for, a second. EC2 gives each account and Region one bucket for describe
 * calls (100, refilled 20 a second), shared with the runs. A login storm of 3,000 attempts a minute (50 a
 * second) that the gate answers in about 100 ms keeps some 5 to 10 containers warm: at most 5 to 10 counts a
 * second, half EC2's refill or less, and only for attempts a `max-connections` row is about.
 */
export const COUNT_RATE_PER_SECOND = 1;
/** Counts a container may ask for at once, after a quiet spell: a user's few reconnects in a row. */
export const COUNT_BURST = 3;
/** The count may take at most this share of the connect deadline: the answer and its records need the rest. */
export const COUNT_SHARE_OF_DEADLINE = 0.5;

/** Why there is no count. */
export const CountUnavailable = {
  /** Certificate-only: EC2 filters connections by user name only. */
  NO_USERNAME: 'no-username',
  /** This container asked for its share of counts already. */
  PACED: 'paced',
  FAILED: 'failed',
  LATE: 'late',
} as const;
/** One of the reasons there is no count. */
export type CountUnavailable = (typeof CountUnavailable)[keyof typeof CountUnavailable];

/** A count, or why there is none. */
export type HeldCount = { readonly held: number } | { readonly unavailable: CountUnavailable };

const LATE = Symbol('late');

/**
 * The gate's count of the connections a user already holds on the attempt's endpoint, for `max-connections`:
 * one DescribeClientVpnConnections by user name, paced by a token bucket per container and bounded by a
 * share of the deadline. Never waits for a token and never rejects: without a token, an answer in time or
 * a user name, there is no count, and the row refuses nothing (the next run ends what is over the limit).
 */
export class PacedCounter {
  private readonly bucket: TokenBucket;

  constructor(
    private readonly counter: ConnectionCounter,
    private readonly clock: Clock,
    private readonly logger: RunLogger,
    /** How long a count may take, in ms. */
    private readonly budgetMs: number,
  ) {
    this.bucket = new TokenBucket(COUNT_RATE_PER_SECOND, COUNT_BURST, clock);
  }

  /** The count for `attempt`, or why there is none; `deadline` settles when the answer is due. */
  public async count(attempt: ConnectionAttempt, deadline: Promise<unknown>): Promise<HeldCount> {
    const { username } = attempt;
    if (username === undefined) return { unavailable: CountUnavailable.NO_USERNAME };
    if (!this.bucket.tryTake()) return { unavailable: CountUnavailable.PACED };
    const counted = this.counter.countActive(attempt.endpointId, username, attempt.connectionId).then(
      (held): HeldCount => ({ held }),
      (error: unknown): HeldCount => {
        this.logger.warn('counting the connections of the user failed; max-connections refuses no one by it', {
          endpointId: attempt.endpointId,
          error: error instanceof Error ? error.message : String(error),
        });
        return { unavailable: CountUnavailable.FAILED };
      },
    );
    const late = Promise.race([this.clock.sleep(this.budgetMs), deadline]).then((): typeof LATE => LATE);
    const result = await Promise.race([counted, late]);
    return result === LATE ? { unavailable: CountUnavailable.LATE } : result;
  }
}
