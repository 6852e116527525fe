import { describe, expect, it } from '@jest/globals';
import { CliOperationError, CliUsageError, ExitCode } from '../../../cli/errors.js';
import { explainError } from '../../../cli/explain-error.js';

function sdkError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('explainError', () => {
  it("passes the CLI's own errors through", () => {
    const error = new CliUsageError('bad');
    expect(explainError(error)).toBe(error);
  });

  it('tells how to start the sandbox when nothing answers there', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const explained = explainError(refused, { settings: { sandbox: true, endpoint: 'http://127.0.0.1:4566' } });
    expect(explained).toBeInstanceOf(CliOperationError);
    expect(explained.message).toBe(
      'nothing answers at http://127.0.0.1:4566 (ECONNREFUSED): start the sandbox with `cvpn-guard sandbox`, or pass --sandbox=URL with the port it listens on',
    );
  });

  it('names the missing region and credentials with the fix', () => {
    expect(explainError(new Error('Region is missing'))).toMatchObject({
      exitCode: ExitCode.USAGE,
      message: expect.stringContaining('pass --region REGION, set AWS_REGION'),
    });
    expect(
      explainError(sdkError('CredentialsProviderError', 'Could not load credentials from any providers')).message,
    ).toMatch(/^no AWS credentials: pass --profile NAME/);
  });

  it('names a missing table with the region and where table names come from', () => {
    const explained = explainError(
      sdkError('ResourceNotFoundException', 'Requested resource not found: Table: t not found'),
      { settings: { sandbox: false, region: 'eu-west-1' } },
    );
    expect(explained.message).toBe(
      'Requested resource not found: Table: t not found in region eu-west-1: check the table names (--stack, --policies-table, --audit-table, --state-table) and --region',
    );
  });

  it('keeps the code of anything else', () => {
    expect(explainError(sdkError('InternalServerError', 'boom')).message).toBe('InternalServerError: boom');
  });
});
