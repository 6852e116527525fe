import type { EvidenceReport } from '../../lambda/domain/report/types.js';

/**
 * The evidence report as JSON: the model as it is, pretty-printed, newline-terminated. Stable: object keys are
 * written in sorted order whatever order the model was built in, so two reports of the same evidence are the
 * same bytes; lists keep the model's order.
 */
export function renderJson(report: EvidenceReport): string {
  return JSON.stringify(sortedKeys(report), null, 2) + '\n';
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
  );
}
