import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parsePolicyRow, PolicyValidationError } from '../../../../lambda/domain/index.js';
import { arbMalformedRow, arbValidRow, PROPERTY_PARAMETERS } from '../arbitraries.js';

describe('parsePolicyRow properties', () => {
  it('never throws, and every error names at least one field with what is accepted', () => {
    fc.assert(
      fc.property(arbMalformedRow, (item) => {
        // Act
        const result = parsePolicyRow(item);

        // Assert
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error).toBeInstanceOf(PolicyValidationError);
        expect(result.error.issues.length).toBeGreaterThan(0);
        for (const issue of result.error.issues) {
          expect(issue.field).not.toBe('');
          expect(issue.expected).not.toBe('');
          expect(result.error.message).toContain(`${issue.field}: expected`);
        }
      }),
      { ...PROPERTY_PARAMETERS, numRuns: 1000 },
    );
  });

  it('parses a valid row, and the parsed row again to the same row', () => {
    fc.assert(
      fc.property(arbValidRow, (item) => {
        const first = parsePolicyRow(item);

        const second = first.ok ? parsePolicyRow(first.row) : first;

        expect(first.ok && second.ok && second.row).toEqual(first.ok && first.row);
      }),
      PROPERTY_PARAMETERS,
    );
  });

  it('reads a string set exactly like the list of its strings', () => {
    fc.assert(
      fc.property(arbValidRow, (item) => {
        const asSets = Object.fromEntries(
          Object.entries(item).map(([key, value]) => [key, Array.isArray(value) ? new Set(value) : value]),
        );

        expect(parsePolicyRow(asSets)).toEqual(parsePolicyRow(item));
      }),
      PROPERTY_PARAMETERS,
    );
  });
});
