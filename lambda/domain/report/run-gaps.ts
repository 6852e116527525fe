import { nearestRank } from './distribution.js';
import type { RunGap } from './types.js';

/** A stretch with no run is a gap when it is longer than this many usual intervals. */
export const GAP_FACTOR = 2;

/**
 * The gaps of one placement's scheduled runs: every interval between consecutive run starts longer than
 * {@link GAP_FACTOR} × the median interval, and the stretch from the last start to `endMs` when it is too.
 * The median is of the intervals longer than 0 (two runs may start at the same instant); with fewer than two
 * distinct starts there is no usual interval, and so no gap. `startsMs` may come in any order.
 */
export function runGaps(placement: string, startsMs: ArrayLike<number>, endMs: number): RunGap[] {
  if (startsMs.length < 2) return [];
  const starts = Float64Array.from(startsMs).sort();
  const intervals = new Float64Array(starts.length - 1);
  for (let index = 1; index < starts.length; index++) {
    intervals[index - 1] = (starts[index] as number) - (starts[index - 1] as number);
  }
  const positive = intervals.filter((interval) => interval > 0).sort();
  if (positive.length === 0) return [];
  const limit = GAP_FACTOR * nearestRank(positive, 0.5);
  const gaps: RunGap[] = [];
  const gap = (from: number, to: number): void => {
    if (to - from > limit) {
      gaps.push({
        placement,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        seconds: (to - from) / 1000,
      });
    }
  };
  for (let index = 1; index < starts.length; index++) gap(starts[index - 1] as number, starts[index] as number);
  gap(starts[starts.length - 1] as number, endMs);
  return gaps;
}
