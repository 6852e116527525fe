import type { Clock } from '../ports/index.js';

/**
 * A client-side token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. A caller either
 * reserves a token and waits for it ({@link take}: concurrent callers queue fairly and never exceed the
 * rate), or takes one only when it is there ({@link tryTake}: a caller with a deadline does without).
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
    this.refill();
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens / this.ratePerSecond) * 1000);
  }

  /** Takes a token when one is available now (true), else takes nothing and says so (false). Never waits. */
  public tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = this.clock.now().getTime();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
  }
}
