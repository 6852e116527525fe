import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { changeRunId, continuationRunId, continuedRunId, runIdFor } from '../../../lambda/run/run-id.js';

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/p/stream/2026-11-26T10:00:00.000';

describe('runIdFor', () => {
  it('derives the same id from the same scheduled time, so a retried tick is the same run', () => {
    const tick = new Date('2026-11-26T10:05:00Z');
    expect(runIdFor(tick, new Date('2026-11-26T10:05:02Z'))).toBe('run-2026-11-26T10:05:00Z');
    expect(runIdFor(tick, new Date('2026-11-26T10:06:40Z'))).toBe('run-2026-11-26T10:05:00Z');
  });

  it('names a manual invocation by the time it started', () => {
    expect(runIdFor(undefined, new Date('2026-11-26T10:05:02.123Z'))).toBe('manual-2026-11-26T10:05:02.123Z');
  });
});

describe('changeRunId', () => {
  it('is change- and 16 hex digits of the SHA-256 of the stream ARN and the first and last sequence numbers', () => {
    const expected = createHash('sha256').update(`${ARN}|100|200`).digest('hex').slice(0, 16);
    expect(changeRunId(ARN, '100', '200')).toBe(`change-${expected}`);
    expect(changeRunId(ARN, '100', '200')).toMatch(/^change-[0-9a-f]{16}$/);
  });

  it('names a redelivered batch alike and another batch otherwise', () => {
    expect(changeRunId(ARN, '100', '200')).toBe(changeRunId(ARN, '100', '200'));
    expect(changeRunId(ARN, '100', '201')).not.toBe(changeRunId(ARN, '100', '200'));
    expect(changeRunId(ARN.replace('10:00', '11:00'), '100', '200')).not.toBe(changeRunId(ARN, '100', '200'));
  });
});

describe('continuation run ids', () => {
  it('numbers the continuations of a chain after its first run, each continuing the one before', () => {
    expect(continuationRunId('run-2026-11-26T10:05:00Z', 1)).toBe('run-2026-11-26T10:05:00Z+c1');
    expect(continuedRunId('run-2026-11-26T10:05:00Z', 1)).toBe('run-2026-11-26T10:05:00Z');
    expect(continuedRunId('run-2026-11-26T10:05:00Z', 3)).toBe('run-2026-11-26T10:05:00Z+c2');
  });
});
