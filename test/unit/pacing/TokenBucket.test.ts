import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from '../../../lambda/pacing/TokenBucket.js';
import { ManualClock } from '../../support/ManualClock.js';

describe('TokenBucket', () => {
  it('lets a full burst through without waiting', async () => {
    // Arrange
    const clock = new ManualClock();
    const bucket = new TokenBucket(5, 50, clock);
    // Act
    for (let i = 0; i < 50; i += 1) await bucket.take();
    // Assert
    expect(clock.sleeps).toEqual([]);
  });

  it('paces calls past the burst at the sustained rate', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(5, 50, clock);
    const start = clock.now().getTime();
    for (let i = 0; i < 60; i += 1) await bucket.take();
    // 10 calls past the burst at 5 a second take 2 seconds.
    expect(clock.now().getTime() - start).toBeCloseTo(2000, 5);
  });

  it('queues concurrent callers without exceeding the rate', async () => {
    const clock = new ManualClock('2026-11-26T10:00:00Z', { advanceOnSleep: false });
    const bucket = new TokenBucket(5, 1, clock);
    await Promise.all(Array.from({ length: 6 }, () => bucket.take()));
    // The first token is there; the other five are reserved at 200 ms, 400 ms, … 1000 ms.
    expect([...clock.sleeps].sort((a, b) => a - b)).toEqual(
      [200, 400, 600, 800, 1000].map((ms) => expect.closeTo(ms, 5)),
    );
  });

  it('refills over time up to the burst and no further', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(5, 3, clock);
    for (let i = 0; i < 3; i += 1) await bucket.take();
    clock.advance(60_000);
    for (let i = 0; i < 3; i += 1) await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    expect(clock.sleeps).toEqual([expect.closeTo(200, 5)]);
  });
});

describe('TokenBucket.tryTake', () => {
  it('takes the burst, then refuses without waiting until a token has refilled', () => {
    // Arrange
    const clock = new ManualClock();
    const bucket = new TokenBucket(2, 3, clock);

    // Act
    const burst = [bucket.tryTake(), bucket.tryTake(), bucket.tryTake()];
    const empty = bucket.tryTake();
    clock.advance(499);
    const early = bucket.tryTake();
    clock.advance(1);
    const refilled = bucket.tryTake();

    // Assert
    expect(burst).toEqual([true, true, true]);
    expect([empty, early, refilled]).toEqual([false, false, true]);
    expect(clock.sleeps).toEqual([]);
  });

  it('finds nothing to take while waiting callers hold the tokens they reserved', async () => {
    const clock = new ManualClock('2026-11-26T10:00:00Z', { advanceOnSleep: false });
    const bucket = new TokenBucket(1, 1, clock);
    void bucket.take();
    void bucket.take();

    clock.advance(1000);

    expect(bucket.tryTake()).toBe(false);
  });
});
