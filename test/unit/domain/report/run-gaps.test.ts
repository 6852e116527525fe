import { describe, expect, it } from '@jest/globals';
import { runGaps } from '../../../../lambda/domain/report/run-gaps.js';

const START = Date.parse('2026-11-01T00:00:00Z');
const MINUTE = 60_000;

/** Run starts every 5 minutes, at these minute offsets. */
function at(...minutes: number[]): number[] {
  return minutes.map((minute) => START + minute * MINUTE);
}

describe('runGaps', () => {
  it('reports an interval over twice the usual one, from the run before it to the run after it', () => {
    const starts = at(0, 5, 10, 15, 45, 50, 55);
    expect(runGaps('111111111111/eu-west-1', starts, START + 57 * MINUTE)).toEqual([
      {
        placement: '111111111111/eu-west-1',
        from: '2026-11-01T00:15:00.000Z',
        to: '2026-11-01T00:45:00.000Z',
        seconds: 1800,
      },
    ]);
  });

  it('reports the stretch from the last run to the end', () => {
    expect(runGaps('local', at(0, 5, 10, 15), START + 60 * MINUTE)).toEqual([
      { placement: 'local', from: '2026-11-01T00:15:00.000Z', to: '2026-11-01T01:00:00.000Z', seconds: 2700 },
    ]);
  });

  it('reports nothing for an interval of exactly twice the usual one', () => {
    expect(runGaps('local', at(0, 5, 10, 20, 25), START + 25 * MINUTE)).toEqual([]);
  });

  it('reports nothing with fewer than two runs: there is no usual interval', () => {
    expect(runGaps('local', at(0), START + 600 * MINUTE)).toEqual([]);
    expect(runGaps('local', [], START)).toEqual([]);
  });

  it('takes the starts in any order, and ignores runs that started at the same instant', () => {
    expect(runGaps('local', at(55, 0, 45, 15, 10, 5, 5, 50), START + 55 * MINUTE)).toEqual(
      runGaps('local', at(0, 5, 10, 15, 45, 50, 55), START + 55 * MINUTE),
    );
    expect(runGaps('local', at(0, 5, 10, 15, 45, 50, 55), START + 55 * MINUTE)).toHaveLength(1);
  });
});
