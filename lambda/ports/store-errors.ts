/** Errors of the stores the operator CLI writes and reads through (the policy store, the audit query). */
import { ConditionalWriteError, PortError } from './errors.js';

/** How a version is named in messages: `version 3`, or `no version` for a row written by hand without one. */
export function describeVersion(version: number | undefined | 'absent'): string {
  if (version === 'absent') return 'no row (it was deleted)';
  return version === undefined ? 'no version (a row written without one)' : `version ${version}`;
}

/** A new row's id is taken. */
export class PolicyExistsError extends ConditionalWriteError {
  constructor(
    public readonly policyId: string,
    public readonly actualVersion: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`policy row ${JSON.stringify(policyId)} already exists (${describeVersion(actualVersion)})`, {
      ...options,
      code: 'ConditionalCheckFailedException',
    });
    this.name = 'PolicyExistsError';
  }
}

/** Someone changed (or deleted) the row since it was read: the write was not made. */
export class PolicyConflictError extends ConditionalWriteError {
  constructor(
    public readonly policyId: string,
    /** The version the writer read. */
    public readonly expectedVersion: number | undefined,
    /** The version in the table now, or `absent` when the row is gone. */
    public readonly actualVersion: number | undefined | 'absent',
    options?: { cause?: unknown },
  ) {
    super(
      `policy row ${JSON.stringify(policyId)} changed since it was read: you had ${describeVersion(expectedVersion)}, the table has ${describeVersion(actualVersion)}`,
      { ...options, code: 'ConditionalCheckFailedException' },
    );
    this.name = 'PolicyConflictError';
  }
}

/** A page token given back to an audit query is not one it handed out (or the filter changed). */
export class AuditPageTokenError extends PortError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditPageTokenError';
  }
}
