import { PolicyValidationError } from '../errors.js';
import { parsePolicyRow } from '../policy/parse-policy-row.js';
import type { PolicyRow } from '../policy/schema.js';

/** Rows that parsed, and findings for those that did not. */
export interface ParsedRows {
  readonly rows: readonly PolicyRow[];
  readonly findings: readonly PolicyValidationError[];
}

/**
 * Parses every row; a row that fails matches nothing and becomes a finding. A `policyId` already taken by
 * an earlier row is a finding too (the table's key makes this impossible in DynamoDB, but a hand-made
 * list may hold it), so each id decides at most once.
 */
export function parseRows(policies: readonly unknown[]): ParsedRows {
  const rows: PolicyRow[] = [];
  const findings: PolicyValidationError[] = [];
  const seen = new Set<string>();
  for (const item of policies) {
    const parsed = parsePolicyRow(item);
    if (!parsed.ok) findings.push(parsed.error);
    else if (seen.has(parsed.row.policyId)) findings.push(duplicate(parsed.row.policyId));
    else {
      seen.add(parsed.row.policyId);
      rows.push(parsed.row);
    }
  }
  return { rows, findings };
}

function duplicate(policyId: string): PolicyValidationError {
  return new PolicyValidationError(policyId, [
    { field: 'policyId', value: policyId, expected: 'a policyId no other row has' },
  ]);
}
