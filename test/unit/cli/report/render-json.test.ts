import { describe, expect, it } from '@jest/globals';
import { renderJson } from '../../../../cli/report/render-json.js';
import type { EvidenceReport } from '../../../../lambda/domain/report/types.js';
import { fullReport } from '../../../support/report-fixtures.js';

/** The same object with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reversedKeys(inner)]),
  );
}

describe('renderJson', () => {
  it('writes the same bytes whatever order the model was built in', () => {
    const report = fullReport();
    expect(renderJson(reversedKeys(report) as EvidenceReport)).toBe(renderJson(report));
  });

  it('is pretty-printed, keys sorted, newline-terminated', () => {
    const json = renderJson(fullReport());
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n').slice(0, 3)).toEqual(['{', '  "bucket": "day",', '  "cost": {']);
  });
});
