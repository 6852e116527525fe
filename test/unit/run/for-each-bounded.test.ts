import { describe, expect, it } from '@jest/globals';
import { forEachBounded } from '../../../lambda/run/for-each-bounded.js';

/** A task whose calls wait until released, recording how many run at once. */
function gatedTask() {
  const state = { running: 0, peak: 0, started: [] as number[], release: [] as (() => void)[] };
  const task = async (item: number): Promise<void> => {
    state.started.push(item);
    state.running += 1;
    state.peak = Math.max(state.peak, state.running);
    await new Promise<void>((resolve) => state.release.push(resolve));
    state.running -= 1;
  };
  return { state, task };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachBounded', () => {
  it('runs every item with at most the limit in flight', async () => {
    // Arrange
    const { state, task } = gatedTask();
    const items = Array.from({ length: 10 }, (_, index) => index);

    // Act
    const done = forEachBounded(items, 3, task);
    while (state.started.length < items.length || state.running > 0) {
      await tick();
      state.release.splice(0).forEach((release) => release());
    }
    await done;

    // Assert
    expect(state.peak).toBe(3);
    expect([...state.started].sort((a, b) => a - b)).toEqual(items);
  });

  it('starts nothing after the first failure and throws it once the others settle', async () => {
    // Arrange
    const started: number[] = [];
    const task = async (item: number): Promise<void> => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('first');
      if (item === 2) throw new Error('second');
    };

    // Act
    const outcome = forEachBounded([0, 1, 2, 3, 4, 5], 2, task);

    // Assert
    await expect(outcome).rejects.toThrow('first');
    expect(started).toEqual([0, 1, 2]);
  });

  it('does nothing for no items', async () => {
    const task = async (): Promise<void> => {
      throw new Error('never called');
    };

    await expect(forEachBounded([], 4, task)).resolves.toBeUndefined();
  });
});
