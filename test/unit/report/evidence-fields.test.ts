import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isFirstSighting, placementOf, timeOf } from '../../../lambda/report/evidence-fields.js';
import { PROPERTY_PARAMETERS } from '../domain/arbitraries.js';

describe('timeOf', () => {
  it('reads every time toISOString writes as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          expect(timeOf(date.toISOString())).toBe(date.getTime());
        },
      ),
      PROPERTY_PARAMETERS,
    );
  });

  it.each([
    '2026-11-02T10:00:00Z',
    '2026-11-02T10:00:00.5+01:00',
    '2024-02-29T00:00:00.000Z',
    '2026-02-29T00:00:00.000Z',
  ])('reads %s as Date.parse does', (iso) => {
    expect(timeOf(iso)).toBe(Date.parse(iso));
  });

  it('gives undefined for text that is no time, and for none', () => {
    expect(timeOf('yesterday')).toBeUndefined();
    expect(timeOf('2026-1x-02T10:00:00.000Z')).toBeUndefined();
    expect(timeOf(undefined)).toBeUndefined();
  });
});

describe('isFirstSighting', () => {
  it('is a first sighting without firstSeenAt, or when it is the same instant as at', () => {
    expect(isFirstSighting({ at: '2026-11-02T10:00:00.000Z' })).toBe(true);
    expect(isFirstSighting({ at: '2026-11-02T10:00:00.000Z', firstSeenAt: '2026-11-02T10:00:00Z' })).toBe(true);
    expect(isFirstSighting({ at: '2026-11-02T10:00:00.000Z', firstSeenAt: '2026-11-02T09:55:00.000Z' })).toBe(false);
  });
});

describe('placementOf', () => {
  it('names account and Region, or local when either is missing', () => {
    expect(placementOf({ accountId: '111111111111', region: 'eu-west-1' })).toBe('111111111111/eu-west-1');
    expect(placementOf({ accountId: '111111111111' })).toBe('local');
    expect(placementOf({})).toBe('local');
  });
});
