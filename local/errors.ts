/** Base class of every error the sandbox raises to its caller (not the AWS errors it answers with). */
export class SandboxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxError';
  }
}

/** One problem found in a scenario: where, what was there, and what would be accepted. */
export interface ScenarioIssue {
  /** Where the problem is, as a path into the scenario: `connections[3].established`, or `(scenario)`. */
  readonly path: string;
  /** The value found there (absent when missing). */
  readonly value?: unknown;
  /** What is wrong and what would be accepted. */
  readonly message: string;
}

/** A scenario file that cannot be read or does not validate; names each path, value and fix. */
export class SandboxScenarioError extends SandboxError {
  public readonly source: string;
  public readonly issues: readonly ScenarioIssue[];

  constructor(source: string, issues: readonly ScenarioIssue[], options?: { cause?: unknown }) {
    super(SandboxScenarioError.describe(source, issues), options);
    this.name = 'SandboxScenarioError';
    this.source = source;
    this.issues = issues;
  }

  private static describe(source: string, issues: readonly ScenarioIssue[]): string {
    const lines = issues.map((issue) => {
      const found = 'value' in issue ? ` (got ${shown(issue.value)})` : '';
      return `  - ${issue.path}: ${issue.message}${found}`;
    });
    return `scenario ${source} is invalid:\n${lines.join('\n')}`;
  }
}

/** A value for a message, as JSON where it can be (a scenario from code may hold a bigint or a cycle); never throws. */
function shown(value: unknown): string {
  try {
    const json = JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? `${inner}n` : inner));
    if (json !== undefined) return json;
  } catch {
    // a cycle: described below
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A sandbox option that makes no sense (a negative speed, a port out of range…). */
export class SandboxOptionError extends SandboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxOptionError';
  }
}

/** The edge port could not be opened (already in use, not permitted). */
export class SandboxPortError extends SandboxError {
  public readonly host: string;
  public readonly port: number;

  constructor(host: string, port: number, reason: string, options?: { cause?: unknown }) {
    super(`cannot listen on ${host}:${port}: ${reason}`, options);
    this.name = 'SandboxPortError';
    this.host = host;
    this.port = port;
  }
}

/** Something the emulator was asked to do from code or the admin API cannot be done (unknown connection…). */
export class SandboxControlError extends SandboxError {
  /** HTTP status the admin API answers with. */
  public readonly status: number;

  constructor(message: string, status = 400, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SandboxControlError';
    this.status = status;
  }
}
