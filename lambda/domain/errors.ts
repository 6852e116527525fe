import { describeValue } from './format/describe-value.js';

/** Issues spelled out in an error message; the rest are counted (all stay in `issues`). */
const MAX_ISSUES_IN_MESSAGE = 10;

/** Base class of every error the domain raises. */
export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** One problem with one field of a policy row. */
export interface PolicyFieldIssue {
  /** The attribute at fault, as a dotted path (`usernames.2`), or `(row)` for the row as a whole. */
  readonly field: string;
  /** The value found there (absent when the attribute is missing). */
  readonly value?: unknown;
  /** What would be accepted, in words. */
  readonly expected: string;
}

/**
 * A policy row that failed validation; it names the row, each field at fault, the value and what is accepted:
 * `policy row "idle-30" is invalid and matches nothing: idleMinutes: expected a whole number from 1 to 10080
 * (DynamoDB type N), got the string "30"`. Building the message never throws, whatever the values
 * (bigint, sets, cyclic objects), and long values are cut short.
 */
export class PolicyValidationError extends DomainError {
  /** The row's `policyId`, or `(no policyId)` when the row has none. */
  public readonly policyId: string;
  /** Every problem found, one per attribute at fault. */
  public readonly issues: readonly PolicyFieldIssue[];

  constructor(policyId: string, issues: readonly PolicyFieldIssue[], options?: { cause?: unknown }) {
    super(PolicyValidationError.describe(policyId, issues), options);
    this.name = 'PolicyValidationError';
    this.policyId = policyId;
    this.issues = issues;
  }

  private static describe(policyId: string, issues: readonly PolicyFieldIssue[]): string {
    const lines = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
      const found = 'value' in issue ? `got ${describeValue(issue.value)}` : 'the attribute is missing';
      return `${issue.field}: expected ${issue.expected}, ${found}`;
    });
    const more =
      issues.length > MAX_ISSUES_IN_MESSAGE ? [`and ${issues.length - MAX_ISSUES_IN_MESSAGE} more issues`] : [];
    return `policy row ${JSON.stringify(policyId)} is invalid and matches nothing: ${[...lines, ...more].join('; ')}`;
  }
}
