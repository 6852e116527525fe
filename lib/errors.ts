/** Base class of the errors the CDK app raises before synthesis. */
export class DeploymentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeploymentError';
  }
}

/** One setting that failed validation: its context key, the value given and what would be accepted. */
export interface ConfigIssue {
  readonly key: string;
  readonly value: unknown;
  readonly message: string;
}

/** The deployment settings (cdk.json context or `-c key=value`) failed validation; lists every problem at once. */
export class ConfigValidationError extends DeploymentError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      [
        `Invalid cvpn-guard settings (${issues.length}); fix them in cdk.json "context" or with -c key=value:`,
        ...issues.map((issue) => `  - ${issue.key}=${JSON.stringify(issue.value)}: ${issue.message}`),
      ].join('\n'),
    );
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}
