import { EnforcerError } from '../errors.js';

/** The hub could not read its spoke directory (the audit table's heartbeats): the relay fails so the batch is retried. */
export class HubDirectoryError extends EnforcerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubDirectoryError';
  }
}
