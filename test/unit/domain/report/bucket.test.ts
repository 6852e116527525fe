import { describe, expect, it } from '@jest/globals';
import { bucketFor, bucketStart, bucketStarts } from '../../../../lambda/domain/report/bucket.js';
import { ReportBucket } from '../../../../lambda/domain/report/types.js';

const SINCE = new Date('2026-11-01T00:00:00Z');

function after(ms: number): Date {
  return new Date(SINCE.getTime() + ms);
}

describe('bucketFor', () => {
  it('draws a period of exactly three days by the hour', () => {
    expect(bucketFor({ since: SINCE, until: after(3 * 86_400_000) })).toBe(ReportBucket.HOUR);
  });

  it('draws a period longer than three days by the day', () => {
    expect(bucketFor({ since: SINCE, until: after(3 * 86_400_000 + 1) })).toBe(ReportBucket.DAY);
  });
});

describe('bucketStart', () => {
  it('starts an hour bucket at the UTC hour', () => {
    expect(new Date(bucketStart(Date.parse('2026-11-03T10:59:59.999Z'), ReportBucket.HOUR)).toISOString()).toBe(
      '2026-11-03T10:00:00.000Z',
    );
  });

  it('starts a day bucket at UTC midnight', () => {
    expect(new Date(bucketStart(Date.parse('2026-11-03T23:30:00Z'), ReportBucket.DAY)).toISOString()).toBe(
      '2026-11-03T00:00:00.000Z',
    );
  });
});

describe('bucketStarts', () => {
  it('lists every bucket that overlaps the period, the first one holding its start', () => {
    const period = { since: new Date('2026-11-01T10:30:00Z'), until: new Date('2026-11-01T13:00:00Z') };
    expect(bucketStarts(period, ReportBucket.HOUR).map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-11-01T10:00:00.000Z',
      '2026-11-01T11:00:00.000Z',
      '2026-11-01T12:00:00.000Z',
    ]);
  });

  it('lists 30 days for a 30-day period that starts at midnight', () => {
    expect(bucketStarts({ since: SINCE, until: after(30 * 86_400_000) }, ReportBucket.DAY)).toHaveLength(30);
  });
});
