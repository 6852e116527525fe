import { SandboxError } from '../errors.js';

/** A policy document the sandbox's IAM evaluator cannot read: names the field, the value and what is accepted. */
export class IamPolicyError extends SandboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IamPolicyError';
  }
}
