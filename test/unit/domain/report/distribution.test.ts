import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { distributionOf, nearestRank, scaleDistribution } from '../../../../lambda/domain/report/distribution.js';
import { PROPERTY_PARAMETERS } from '../arbitraries.js';

describe('distributionOf', () => {
  it('gives only the count when there are no values', () => {
    expect(distributionOf([])).toEqual({ count: 0 });
  });

  it('takes nearest ranks: the median of 1..10 is the 5th value, the 95th percentile the 10th', () => {
    expect(distributionOf([7, 3, 10, 1, 9, 2, 8, 4, 6, 5])).toEqual({ count: 10, median: 5, p95: 10, max: 10 });
  });

  it('takes the 95th percentile at rank ⌈0.95 × n⌉: the 19th of 20', () => {
    const values = Array.from({ length: 20 }, (_, index) => (index + 1) * 10);
    expect(distributionOf(values)).toEqual({ count: 20, median: 100, p95: 190, max: 200 });
  });

  it('gives the one value for every figure of a single value', () => {
    expect(distributionOf([42.5])).toEqual({ count: 1, median: 42.5, p95: 42.5, max: 42.5 });
  });

  it('does not sort the values it is given', () => {
    const values = new Float64Array([3, 1, 2]);
    distributionOf(values);
    expect([...values]).toEqual([3, 1, 2]);
  });

  it('picks values of the list within [min, max], as a sorted-array reference does, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const sorted = [...values].sort((left, right) => left - right);
          const reference = (fraction: number): number => sorted[Math.ceil(fraction * sorted.length) - 1] as number;
          const distribution = distributionOf(values);
          expect(distribution).toEqual({
            count: values.length,
            median: reference(0.5),
            p95: reference(0.95),
            max: sorted[sorted.length - 1],
          });
          for (const figure of [distribution.median, distribution.p95, distribution.max] as number[]) {
            expect(figure).toBeGreaterThanOrEqual(sorted[0] as number);
            expect(figure).toBeLessThanOrEqual(sorted[sorted.length - 1] as number);
          }
          expect(distribution.median as number).toBeLessThanOrEqual(distribution.p95 as number);
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });
});

describe('nearestRank', () => {
  it('never reads before the first value', () => {
    expect(nearestRank([4, 8], 0)).toBe(4);
  });
});

describe('scaleDistribution', () => {
  it('divides every figure and keeps the count', () => {
    expect(scaleDistribution({ count: 3, median: 120, p95: 300, max: 600 }, 60)).toEqual({
      count: 3,
      median: 2,
      p95: 5,
      max: 10,
    });
  });

  it('keeps an empty distribution empty', () => {
    expect(scaleDistribution({ count: 0 }, 60)).toEqual({ count: 0 });
  });
});
