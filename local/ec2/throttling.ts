import type { SimulatedClock } from '../clock.js';
import { SandboxControlError } from '../errors.js';
import { isEc2Describe } from '../services.js';
import { ec2Errors } from './errors.js';
import { type BucketSize, TokenBucket } from './token-bucket.js';

/** EC2's throttling, per action, with the bucket sizes of the action's class. */
export interface ThrottlingOptions {
  /** @default true */
  readonly enabled?: boolean;
  /** Mutating actions (TerminateClientVpnConnections). @default { burst: 50, refillPerSecond: 5 } */
  readonly mutating?: BucketSize;
  /** Describe actions. @default { burst: 100, refillPerSecond: 20 } */
  readonly describe?: BucketSize;
}

/** The throttling in force. */
export interface ThrottlingConfig {
  readonly enabled: boolean;
  readonly mutating: BucketSize;
  readonly describe: BucketSize;
}

/** AWS's default bucket sizes for the two classes (Amazon EC2 developer guide, "Request throttling"). */
export const DEFAULT_THROTTLING: ThrottlingConfig = {
  enabled: true,
  mutating: { burst: 50, refillPerSecond: 5 },
  describe: { burst: 100, refillPerSecond: 20 },
};

/** EC2's request throttling: a token bucket per action, sized by the action's class, on the simulated clock. */
export class Throttling {
  private readonly initial: ThrottlingConfig;
  private config: ThrottlingConfig;
  private readonly buckets = new Map<string, TokenBucket>();

  /** Throws a control error when a bucket size is out of range. */
  constructor(
    private readonly clock: SimulatedClock,
    options?: ThrottlingOptions,
  ) {
    this.initial = mergeThrottling(DEFAULT_THROTTLING, options);
    this.config = this.initial;
  }

  /** Takes a token from the action's bucket or answers RequestLimitExceeded. */
  public admit(action: string): void {
    if (!this.config.enabled) return;
    if (!this.bucket(action).take(this.clock.nowMs())) throw ec2Errors.throttled();
  }

  /** Tokens left in an action's bucket now. */
  public tokensLeft(action: string): number {
    return this.bucket(action).available(this.clock.nowMs());
  }

  /** The throttling in force (a copy). */
  public current(): ThrottlingConfig {
    return { ...this.config, mutating: { ...this.config.mutating }, describe: { ...this.config.describe } };
  }

  /** Changes the throttling (what is not given stays); buckets start full with the new sizes. */
  public configure(options: ThrottlingOptions): ThrottlingConfig {
    this.config = mergeThrottling(this.config, options);
    this.buckets.clear();
    return this.current();
  }

  /** Refills every bucket. */
  public refill(): void {
    this.buckets.clear();
  }

  /** Back to the constructor's throttling, every bucket full. */
  public restore(): void {
    this.config = this.initial;
    this.buckets.clear();
  }

  private bucket(action: string): TokenBucket {
    let bucket = this.buckets.get(action);
    if (!bucket) {
      const size = isEc2Describe(action) ? this.config.describe : this.config.mutating;
      bucket = new TokenBucket(size, this.clock.nowMs());
      this.buckets.set(action, bucket);
    }
    return bucket;
  }
}

function mergeThrottling(base: ThrottlingConfig, options: ThrottlingOptions | undefined): ThrottlingConfig {
  const merged = {
    enabled: options?.enabled ?? base.enabled,
    mutating: { ...base.mutating, ...options?.mutating },
    describe: { ...base.describe, ...options?.describe },
  };
  for (const [name, size] of [
    ['mutating', merged.mutating],
    ['describe', merged.describe],
  ] as const) {
    if (!(size.burst >= 1 && size.refillPerSecond >= 0)) {
      throw new SandboxControlError(
        `throttling.${name}: burst must be ≥ 1 and refillPerSecond ≥ 0; got ${JSON.stringify(size)}`,
      );
    }
  }
  return merged;
}
