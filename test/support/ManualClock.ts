import type { Clock } from '../../lambda/ports/index.js';

/**
 * A clock for tests: time stands still until a sleep or `advance` moves it; sleeps return at once.
 * With `advanceOnSleep: false` sleeps only are recorded (to see what concurrent callers asked for).
 */
export class ManualClock implements Clock {
  private current: number;
  /** Every sleep requested, in ms. */
  public readonly sleeps: number[] = [];

  constructor(
    start: Date | string = '2026-11-26T10:00:00Z',
    private readonly options: { readonly advanceOnSleep?: boolean } = {},
  ) {
    this.current = new Date(start).getTime();
  }

  public now(): Date {
    return new Date(this.current);
  }

  public async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    if (this.options.advanceOnSleep !== false) this.current += Math.max(0, ms);
  }

  public advance(ms: number): void {
    this.current += ms;
  }
}
