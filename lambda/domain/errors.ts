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

/** A policy row that failed validation; it names the row, each field at fault, the value and what is accepted. */
export class PolicyValidationError extends DomainError {
  /** The row's `policyId`, or `(no policyId)` when the row has none. */
  public readonly policyId: string;
  public readonly issues: readonly PolicyFieldIssue[];

  constructor(policyId: string, issues: readonly PolicyFieldIssue[], options?: { cause?: unknown }) {
    super(PolicyValidationError.describe(policyId, issues), options);
    this.name = 'PolicyValidationError';
    this.policyId = policyId;
    this.issues = issues;
  }

  private static describe(policyId: string, issues: readonly PolicyFieldIssue[]): string {
    const lines = issues.map((issue) => {
      const found = 'value' in issue ? `got ${JSON.stringify(issue.value)}` : 'missing';
      return `${issue.field}: ${found}; expected ${issue.expected}`;
    });
    return `policy row "${policyId}" is invalid and matches nothing: ${lines.join('; ')}`;
  }
}
