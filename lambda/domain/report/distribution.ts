import type { Distribution } from './types.js';

/**
 * The nearest-rank `fraction` percentile of ascending `sorted` values: the value at rank ⌈fraction × n⌉
 * (counting from 1), so it is always one of the values. `sorted` must not be empty.
 */
export function nearestRank(sorted: ArrayLike<number>, fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * The distribution of durations: their count, nearest-rank median and 95th percentile, and maximum; only the
 * count (0) when there are none. The values are copied before sorting, in any order they come.
 */
export function distributionOf(values: ArrayLike<number>): Distribution {
  if (values.length === 0) return { count: 0 };
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    median: nearestRank(sorted, 0.5),
    p95: nearestRank(sorted, 0.95),
    max: sorted[sorted.length - 1] as number,
  };
}

/** The same distribution in another unit (`divisor` 60: seconds to minutes); nearest ranks pick the same values. */
export function scaleDistribution(distribution: Distribution, divisor: number): Distribution {
  if (distribution.count === 0) return { count: 0 };
  return {
    count: distribution.count,
    median: (distribution.median as number) / divisor,
    p95: (distribution.p95 as number) / divisor,
    max: (distribution.max as number) / divisor,
  };
}
