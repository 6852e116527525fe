import { describe, expect, it } from '@jest/globals';
import { runIdFor } from '../../../lambda/run/run-id.js';

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
