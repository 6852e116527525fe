import type { InvalidSpan } from './types.js';

/** The sightings of one row's finding in one placement: when each run recorded it, and what it said. */
export interface InvalidSightings {
  /** Epoch milliseconds each sighting was recorded, in any order. */
  readonly atMs: ArrayLike<number>;
  /** For each sighting, the index of its message in `messages`. */
  readonly messageIds: ArrayLike<number>;
  readonly messages: readonly string[];
}

/**
 * The stretches of consecutive runs in which a row was invalid with the same finding. A sighting belongs to the
 * run that started last at or before it; two sightings are consecutive when they belong to the same run or to
 * runs next to each other in `runStartsMs` (the starts of the placement's runs that read the policies, in any
 * order). Without any run start, the sightings of one finding are one stretch. Oldest stretch first.
 */
export function invalidSpans(sightings: InvalidSightings, runStartsMs: ArrayLike<number>): InvalidSpan[] {
  const runStarts = Float64Array.from(runStartsMs).sort();
  const order = Array.from({ length: sightings.atMs.length }, (_, index) => index).sort(
    (left, right) => (sightings.atMs[left] as number) - (sightings.atMs[right] as number),
  );
  const open = new Map<number, { first: number; last: number; run: number; runs: number }>();
  const spans: InvalidSpan[] = [];
  const close = (messageId: number): void => {
    const span = open.get(messageId);
    if (span === undefined) return;
    spans.push({
      message: sightings.messages[messageId] as string,
      firstSeenAt: new Date(span.first).toISOString(),
      lastSeenAt: new Date(span.last).toISOString(),
      seconds: (span.last - span.first) / 1000,
      runs: span.runs,
    });
    open.delete(messageId);
  };
  for (const [position, index] of order.entries()) {
    const at = sightings.atMs[index] as number;
    const messageId = sightings.messageIds[index] as number;
    const run = runStarts.length === 0 ? position : runOf(runStarts, at);
    const span = open.get(messageId);
    if (span !== undefined && (runStarts.length === 0 || run - span.run <= 1)) {
      span.runs += run === span.run ? 0 : 1;
      span.last = at;
      span.run = run;
      continue;
    }
    close(messageId);
    open.set(messageId, { first: at, last: at, run, runs: 1 });
  }
  for (const messageId of [...open.keys()]) close(messageId);
  return spans.sort(
    (left, right) => compareText(left.firstSeenAt, right.firstSeenAt) || compareText(left.message, right.message),
  );
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The index of the last run start at or before `at` (−1 before the first). */
function runOf(runStarts: Float64Array, at: number): number {
  let low = 0;
  let high = runStarts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((runStarts[middle] as number) <= at) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
