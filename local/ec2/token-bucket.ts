/** Size and refill of one token bucket. */
export interface BucketSize {
  /** Tokens the bucket holds when full (the burst). */
  readonly burst: number;
  /** Tokens added per second of simulated time. */
  readonly refillPerSecond: number;
}

/**
 * EC2's throttling bucket: each call takes one token; the bucket refills at a fixed rate up to its
 * burst. Time is whatever the caller passes (the sandbox's simulated clock), never the wall clock.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    private readonly size: BucketSize,
    nowMs: number,
  ) {
    this.tokens = size.burst;
    this.lastRefillMs = nowMs;
  }

  /** Takes one token if there is one; false means the call is throttled. */
  public take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available at `nowMs` (fractional while refilling). */
  public available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  private refill(nowMs: number): void {
    // A clock set backwards adds nothing and moves the reference back, so the next refill is not lost.
    const elapsedMs = Math.max(0, nowMs - this.lastRefillMs);
    this.tokens = Math.min(this.size.burst, this.tokens + (elapsedMs / 1000) * this.size.refillPerSecond);
    this.lastRefillMs = nowMs;
  }
}
