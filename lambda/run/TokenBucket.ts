import type { Clock } from '../ports/index.js';

/**
 * A client-side token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. Callers
 * reserve a token and wait for it, so concurrent callers queue fairly and never exceed the rate.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.updatedAt = clock.now().getTime();
  }

  /** Waits until a token is available and takes it. */
  public async take(): Promise<void> {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.ratePerSecond) * 1000);
  }
}
