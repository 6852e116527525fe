/** Errors the enforcer function raises itself (the domain and the ports have their own). */

/** One variable of the function's environment that failed validation. */
export interface EnvironmentIssue {
  /** The variable at fault. */
  readonly variable: string;
  /** The words for what is wrong: for a deployment setting, those the stack uses at synthesis. */
  readonly message: string;
}

/** Base class of the errors the enforcer function raises. */
export class EnforcerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnforcerError';
  }
}

/** The function's environment is invalid; the message names every variable at fault, its value and what it accepts. */
export class EnforcerConfigError extends EnforcerError {
  /** Every problem found, one per variable at fault. */
  public readonly issues: readonly EnvironmentIssue[];

  constructor(issues: readonly EnvironmentIssue[], options?: { cause?: unknown }) {
    super(`cvpn-guard configuration is invalid: ${issues.map((issue) => issue.message).join('; ')}`, options);
    this.name = 'EnforcerConfigError';
    this.issues = issues;
  }
}

/** The event is not one the enforcer accepts (a schedule tick, a manual run, a stream batch, a continuation). */
export class EnforcerEventError extends EnforcerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnforcerEventError';
  }
}
