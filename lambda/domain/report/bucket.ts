import { ReportBucket } from './types.js';

/** A half-open span of time `[since, until)`. */
export interface TimeSpan {
  readonly since: Date;
  readonly until: Date;
}

/** The longest period whose series are drawn by the hour; a longer one is drawn by the UTC day. */
export const HOURLY_PERIOD_MAX_MS = 3 * 86_400_000;

const BUCKET_MS: Readonly<Record<ReportBucket, number>> = {
  [ReportBucket.HOUR]: 3_600_000,
  [ReportBucket.DAY]: 86_400_000,
};

/** The bucket of a period's series: an hour for a period of at most three days, else a UTC day. */
export function bucketFor(period: TimeSpan): ReportBucket {
  return period.until.getTime() - period.since.getTime() <= HOURLY_PERIOD_MAX_MS ? ReportBucket.HOUR : ReportBucket.DAY;
}

/** Milliseconds since the epoch of the start of the UTC hour or day that holds the instant `ms`. */
export function bucketStart(ms: number, bucket: ReportBucket): number {
  const width = BUCKET_MS[bucket];
  return Math.floor(ms / width) * width;
}

/** The start (epoch milliseconds) of every bucket that overlaps the period, oldest first. */
export function bucketStarts(period: TimeSpan, bucket: ReportBucket): number[] {
  const starts: number[] = [];
  const until = period.until.getTime();
  for (let start = bucketStart(period.since.getTime(), bucket); start < until; start += BUCKET_MS[bucket]) {
    starts.push(start);
  }
  return starts;
}
