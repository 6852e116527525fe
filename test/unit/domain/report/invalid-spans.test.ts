import { describe, expect, it } from '@jest/globals';
import { invalidSpans, type InvalidSightings } from '../../../../lambda/domain/report/invalid-spans.js';

const START = Date.parse('2026-11-01T00:00:00Z');
const MINUTE = 60_000;
/** Runs every 5 minutes for an hour: run n starts at minute 5n. */
const RUNS = Array.from({ length: 12 }, (_, run) => START + run * 5 * MINUTE);

/** Sightings in these runs (a second into each), with these messages. */
function sightings(...seen: [run: number, message: string][]): InvalidSightings {
  const messages = [...new Set(seen.map(([, message]) => message))];
  return {
    atMs: seen.map(([run]) => START + run * 5 * MINUTE + 1000),
    messageIds: seen.map(([, message]) => messages.indexOf(message)),
    messages,
  };
}

const BAD = 'idleMinutes: expected a whole number from 1 to 10080';

describe('invalidSpans', () => {
  it('splits the runs in which a row was invalid where a run found it valid', () => {
    expect(invalidSpans(sightings([1, BAD], [2, BAD], [3, BAD], [6, BAD], [7, BAD]), RUNS)).toEqual([
      {
        message: BAD,
        firstSeenAt: '2026-11-01T00:05:01.000Z',
        lastSeenAt: '2026-11-01T00:15:01.000Z',
        seconds: 600,
        runs: 3,
      },
      {
        message: BAD,
        firstSeenAt: '2026-11-01T00:30:01.000Z',
        lastSeenAt: '2026-11-01T00:35:01.000Z',
        seconds: 300,
        runs: 2,
      },
    ]);
  });

  it('starts a new stretch when the finding changes', () => {
    const spans = invalidSpans(sightings([1, BAD], [2, 'kind: expected one of …'], [3, BAD]), RUNS);
    expect(spans.map(({ message, runs }) => [message, runs])).toEqual([
      [BAD, 1],
      ['kind: expected one of …', 1],
      [BAD, 1],
    ]);
  });

  it('makes one stretch of each finding when no run start is known', () => {
    const spans = invalidSpans(sightings([1, BAD], [4, BAD], [9, BAD]), []);
    expect(spans).toEqual([
      {
        message: BAD,
        firstSeenAt: '2026-11-01T00:05:01.000Z',
        lastSeenAt: '2026-11-01T00:45:01.000Z',
        seconds: 2400,
        runs: 3,
      },
    ]);
  });

  it('counts a run once when it recorded the finding twice', () => {
    expect(invalidSpans(sightings([1, BAD], [1, BAD], [2, BAD]), RUNS)).toMatchObject([{ runs: 2 }]);
  });

  it('gives the same stretches whatever order the sightings and runs come in', () => {
    const seen: [number, string][] = [
      [7, BAD],
      [1, BAD],
      [3, BAD],
      [2, BAD],
      [6, BAD],
    ];
    expect(invalidSpans(sightings(...seen), [...RUNS].reverse())).toEqual(
      invalidSpans(sightings(...[...seen].sort(([left], [right]) => left - right)), RUNS),
    );
  });
});
