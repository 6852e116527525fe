import { SandboxOptionError } from './errors.js';
import { DURATION_HINT, parseDuration } from './time.js';

/** How the simulated clock starts. */
export interface ClockOptions {
  /** Simulated time at start. @default the real time */
  readonly start?: Date | string | number;
  /** Simulated milliseconds per real millisecond while running (10 = ten times faster). @default 1 */
  readonly speed?: number;
  /** Start frozen: time moves only when set, advanced, or slept through. @default true when `start` is given, else false */
  readonly frozen?: boolean;
}

/** The clock's state, as the admin API shows it. */
export interface ClockState {
  readonly now: string;
  readonly speed: number;
  readonly frozen: boolean;
}

interface Sleeper {
  readonly wakeAt: number;
  /** A sleeper moves a frozen clock to its wake-up; a waiter (`waitUntil`) waits for something else to. */
  readonly drives: boolean;
  readonly resolve: (reached: boolean) => void;
}

/**
 * The sandbox's time. It follows real time (scaled by `speed`) until a test or the demo sets or
 * advances it, which freezes it at the new time; `resume()` or `setSpeed()` lets it run again.
 * Everything simulated reads this clock: connection ages, traffic growth, the terminating →
 * terminated delay, the 60-minute window of ended connections, and EC2's token buckets.
 *
 * It satisfies the product's `Clock` port (`now()`, `sleep(ms)`). On a frozen clock `sleep` does not
 * wait for real time: the earliest sleeper moves time forward to its wake-up, as in a discrete-event
 * simulation, so a run that backs off under throttling finishes at once and the buckets refill.
 */
export class SimulatedClock {
  private anchorSimulated: number;
  private anchorReal: number;
  private currentSpeed: number;
  private isFrozen: boolean;
  private sleepers: Sleeper[] = [];
  private wakeTimer: { cancel(): void } | undefined;
  private readonly realNow: () => number;

  constructor(options: ClockOptions = {}, realNow: () => number = Date.now) {
    this.realNow = realNow;
    this.anchorReal = realNow();
    this.anchorSimulated = options.start === undefined ? this.anchorReal : toEpochMs(options.start, 'clock start');
    this.currentSpeed = checkSpeed(options.speed ?? 1);
    this.isFrozen = options.frozen ?? options.start !== undefined;
  }

  /** Starts over as a new clock with these options would (sleepers keep waiting). */
  public restart(options: ClockOptions = {}): void {
    this.anchorReal = this.realNow();
    this.anchorSimulated = options.start === undefined ? this.anchorReal : toEpochMs(options.start, 'clock start');
    this.currentSpeed = checkSpeed(options.speed ?? 1);
    this.isFrozen = options.frozen ?? options.start !== undefined;
    this.reschedule();
  }

  /** The simulated time. */
  public now(): Date {
    return new Date(this.nowMs());
  }

  /** The simulated time in epoch milliseconds. */
  public nowMs(): number {
    if (this.isFrozen) return this.anchorSimulated;
    return this.anchorSimulated + (this.realNow() - this.anchorReal) * this.currentSpeed;
  }

  /** Simulated milliseconds per real millisecond while running. */
  public get speed(): number {
    return this.currentSpeed;
  }

  /** True when time moves only by `set`, `advance` or a sleeper. */
  public get frozen(): boolean {
    return this.isFrozen;
  }

  /** Jumps to a time (an ISO string, epoch ms or a Date) and freezes there. */
  public set(time: Date | string | number): void {
    this.rebase(toEpochMs(time, 'clock time'));
    this.isFrozen = true;
    this.wakeTimer?.cancel();
    this.wakeTimer = undefined;
    this.wakeDueSleepers();
  }

  /** Moves time forward (ms, or a duration like `"95m"`) and freezes there. Negative moves back. */
  public advance(by: number | string): void {
    const ms = parseDuration(by);
    if (ms === undefined)
      throw new SandboxOptionError(
        `clock advance: got ${JSON.stringify(by)}; expected ${DURATION_HINT} or milliseconds`,
      );
    this.set(this.nowMs() + ms);
  }

  /** Stops time where it is. */
  public freeze(): void {
    this.rebase(this.nowMs());
    this.isFrozen = true;
    this.reschedule();
  }

  /** Lets time run again from where it is, at the current speed. */
  public resume(): void {
    this.rebase(this.nowMs());
    this.isFrozen = false;
    this.reschedule();
  }

  /** Runs time at `speed` simulated ms per real ms from where it is (and unfreezes). */
  public setSpeed(speed: number): void {
    this.rebase(this.nowMs());
    this.currentSpeed = checkSpeed(speed);
    this.isFrozen = false;
    this.reschedule();
  }

  /** Real milliseconds that `simulatedMs` take at the current speed. */
  public toRealMs(simulatedMs: number): number {
    return simulatedMs / this.currentSpeed;
  }

  /** Waits `ms` milliseconds of simulated time (see the class comment for a frozen clock). */
  public sleep(ms: number): Promise<void> {
    const wakeAt = this.nowMs() + Math.max(0, ms);
    return new Promise((resolve) => this.addSleeper({ wakeAt, drives: true, resolve: () => resolve() }));
  }

  /**
   * Resolves `true` once simulated time reaches `time` (epoch ms): a deadline or a schedule. Unlike `sleep`, it
   * never moves a frozen clock there itself; time gets there by `set`, `advance`, running, or another sleeper.
   * Resolves `false` when `signal` aborts or the sandbox stops (`releaseSleepers`) first.
   */
  public waitUntil(time: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (time <= this.nowMs()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Sleeper = {
        wakeAt: time,
        drives: false,
        resolve: (reached) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(reached);
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((sleeper) => sleeper !== waiter);
        this.reschedule();
        waiter.resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.addSleeper(waiter);
    });
  }

  /** The clock's state. */
  public state(): ClockState {
    return { now: this.now().toISOString(), speed: this.currentSpeed, frozen: this.isFrozen };
  }

  /** Wakes every sleeper now and cancels the clock's timer (the sandbox stops: no promise or timer is left behind). */
  public releaseSleepers(): void {
    this.wakeTimer?.cancel();
    this.wakeTimer = undefined;
    const sleepers = this.sleepers;
    this.sleepers = [];
    for (const sleeper of sleepers) sleeper.resolve(false);
  }

  private addSleeper(sleeper: Sleeper): void {
    this.sleepers.push(sleeper);
    this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
    // An earlier wake-up than the one the timer waits for: compute the timer again.
    if (this.sleepers[0] === sleeper) this.reschedule();
    else this.scheduleWake();
  }

  private rebase(simulated: number): void {
    this.anchorSimulated = simulated;
    this.anchorReal = this.realNow();
  }

  /** The pending timer was computed for the old mode or speed: compute it again. */
  private reschedule(): void {
    this.wakeTimer?.cancel();
    this.wakeTimer = undefined;
    this.scheduleWake();
  }

  private wakeDueSleepers(): void {
    const now = this.nowMs();
    while (this.sleepers.length > 0 && (this.sleepers[0]?.wakeAt ?? Infinity) <= now) {
      this.sleepers.shift()?.resolve(true);
    }
    this.scheduleWake();
  }

  private scheduleWake(): void {
    if (this.wakeTimer || this.sleepers.length === 0) return;
    const driver = (): Sleeper | undefined => this.sleepers.find((sleeper) => sleeper.drives);
    const fire = (): void => {
      this.wakeTimer = undefined;
      const earliest = this.isFrozen ? driver() : undefined;
      // Frozen: the earliest sleeper (not a waiter) moves time to its wake-up.
      if (earliest) this.anchorSimulated = Math.max(this.anchorSimulated, earliest.wakeAt);
      this.wakeDueSleepers();
    };
    if (this.isFrozen) {
      // Only waiters: nothing moves a frozen clock, so no timer until something does.
      if (!driver()) return;
      // Let every caller of this tick register its sleep first, so the earliest wake-up wins.
      const immediate = setImmediate(fire);
      this.wakeTimer = { cancel: () => clearImmediate(immediate) };
    } else {
      const next = this.sleepers[0]?.wakeAt ?? this.nowMs();
      const timeout = setTimeout(fire, Math.max(0, this.toRealMs(next - this.nowMs())));
      this.wakeTimer = { cancel: () => clearTimeout(timeout) };
    }
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new SandboxOptionError(
      `clock speed: got ${JSON.stringify(speed)}; expected a number greater than 0 (1 = real time, 10 = ten times faster)`,
    );
  }
  return speed;
}

function toEpochMs(time: Date | string | number, what: string): number {
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : new Date(time).getTime();
  if (!Number.isFinite(ms)) {
    throw new SandboxOptionError(
      `${what}: got ${JSON.stringify(time)}; expected an ISO 8601 time like "2026-11-26T08:00:00Z", epoch milliseconds or a Date`,
    );
  }
  return ms;
}
