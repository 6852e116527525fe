import type { SimulatedClock } from '../../local/index.js';

/** One tick of the schedule: when it was due and how the invocation it made ended. */
export interface ScheduledTick {
  /** The tick's time on the simulated clock, as the Scheduler's `<aws.scheduler.scheduled-time>` writes it. */
  readonly scheduledTime: string;
  /** How the invocation ended: `returned`, `function-error`, `caller-timed-out` or `refused` (Lambda's own error). */
  readonly outcome: string;
  /** The run the enforcer made, from the report it returned. */
  readonly runId?: string;
  /** The run's status (`completed`, `partial`, …), from the report it returned. */
  readonly status?: string;
  /** What went wrong, when the invocation did not return. */
  readonly error?: string;
}

/** What a tick does: invokes the function for the tick's time, never throwing. */
export type TickAction = (scheduledTime: string) => Promise<ScheduledTick>;

/**
 * A recurring schedule on the sandbox's simulated clock, as EventBridge Scheduler runs a `rate(...)` schedule:
 * the first tick one period after it starts, then one every period. It waits for simulated time and never moves
 * a frozen clock itself, so time gets to a tick when it is set, advanced or left running. A jump past several
 * ticks makes one invocation, for the latest: the ticks in between would have seen the same connections. Ticks
 * never overlap; a tick still running when the next is due delays it.
 */
export class SimulatedSchedule {
  private readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private readonly recorded: ScheduledTick[] = [];

  constructor(
    private readonly clock: SimulatedClock,
    /** Simulated milliseconds between two ticks. */
    public readonly periodMs: number,
    private readonly tick: TickAction,
  ) {
    this.done = this.run();
  }

  /** Every tick so far, oldest first. */
  public ticks(): readonly ScheduledTick[] {
    return [...this.recorded];
  }

  /** Stops the schedule: no tick starts after this; resolves once a tick under way has ended. Idempotent. */
  public async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    let due = this.clock.nowMs() + this.periodMs;
    // Resolves false once stopped, or when the sandbox stops and releases every sleeper.
    while (await this.clock.waitUntil(due, this.abort.signal)) {
      const missed = Math.floor((this.clock.nowMs() - due) / this.periodMs);
      const slot = due + missed * this.periodMs;
      this.recorded.push(await this.tick(schedulerTime(slot)));
      due = slot + this.periodMs;
    }
  }
}

/** `2026-11-26T17:35:00Z`: the Scheduler's form of a time, without milliseconds. */
export function schedulerTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
