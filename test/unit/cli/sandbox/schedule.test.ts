import { describe, expect, it } from '@jest/globals';
import { SimulatedSchedule } from '../../../../cli/sandbox/schedule.js';
import { SimulatedClock } from '../../../../local/index.js';

const START = '2026-11-26T17:30:00Z';
const FIVE_MINUTES = 300_000;

/** Lets the schedule's promises settle. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('SimulatedSchedule', () => {
  it('ticks one period after it starts, with the tick time, and never moves a frozen clock itself', async () => {
    // Arrange
    const clock = new SimulatedClock({ start: START });
    const times: string[] = [];
    const schedule = new SimulatedSchedule(clock, FIVE_MINUTES, async (scheduledTime) => {
      times.push(scheduledTime);
      return { scheduledTime, outcome: 'returned' };
    });

    // Act
    await settle();
    const beforeAdvance = [...times];
    clock.advance('5m');
    await settle();
    clock.advance('5m');
    await settle();
    await schedule.stop();

    // Assert
    expect(beforeAdvance).toEqual([]);
    expect(times).toEqual(['2026-11-26T17:35:00Z', '2026-11-26T17:40:00Z']);
    expect(schedule.ticks().map((tick) => tick.outcome)).toEqual(['returned', 'returned']);
    expect(clock.now().toISOString()).toBe('2026-11-26T17:40:00.000Z');
  });

  it('makes one invocation, for the latest tick, when time jumps past several', async () => {
    // Arrange
    const clock = new SimulatedClock({ start: START });
    const schedule = new SimulatedSchedule(clock, FIVE_MINUTES, async (scheduledTime) => ({
      scheduledTime,
      outcome: 'returned',
    }));

    // Act
    clock.advance('23m');
    await settle();
    clock.advance('2m');
    await settle();
    await schedule.stop();

    // Assert
    expect(schedule.ticks().map((tick) => tick.scheduledTime)).toEqual([
      '2026-11-26T17:50:00Z',
      '2026-11-26T17:55:00Z',
    ]);
  });

  it('stops: no tick after stop(), nor once the clock releases its sleepers', async () => {
    // Arrange
    const clock = new SimulatedClock({ start: START });
    const stopped = new SimulatedSchedule(clock, FIVE_MINUTES, async (scheduledTime) => ({
      scheduledTime,
      outcome: 'returned',
    }));
    const released = new SimulatedSchedule(clock, FIVE_MINUTES, async (scheduledTime) => ({
      scheduledTime,
      outcome: 'returned',
    }));

    // Act
    await stopped.stop();
    clock.releaseSleepers();
    await released.stop();
    clock.advance('1h');
    await settle();

    // Assert
    expect(stopped.ticks()).toEqual([]);
    expect(released.ticks()).toEqual([]);
  });
});
