import { describeValue, type PolicyFieldIssue, type PolicyValidationError } from '../../lambda/domain/index.js';

/** One issue as a line: `idleMinutes: expected a whole number from 1 to 10080 (DynamoDB type N), got the string "30"`. */
export function issueLine(issue: PolicyFieldIssue): string {
  const found = 'value' in issue ? `got ${describeValue(issue.value)}` : 'the attribute is missing';
  return `${issue.field}: expected ${issue.expected}, ${found}`;
}

/** A validation error as an indented block: a head line naming the row, one line per field at fault. */
export function invalidRowBlock(error: PolicyValidationError, where?: string): string {
  const head = `policy row ${JSON.stringify(error.policyId)}${where ? ` (${where})` : ''} is invalid:`;
  return [head, ...error.issues.map((issue) => `  - ${issueLine(issue)}`)].join('\n');
}

/** A validation error for JSON output. */
export function invalidRowJson(error: PolicyValidationError): {
  policyId: string;
  issues: { field: string; value?: unknown; expected: string; message: string }[];
} {
  return {
    policyId: error.policyId,
    issues: error.issues.map((issue) => ({ ...issue, message: issueLine(issue) })),
  };
}
