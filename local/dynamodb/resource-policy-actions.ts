import type { Caller, ServiceResponse } from '../edge/types.js';
import { IamPolicyError } from '../iam/index.js';
import { authorize } from './authorize.js';
import type { DynamoDbBackend } from './dynamodb-service.js';
import { jsonAnswer, jsonError } from './json-errors.js';
import { isArn } from './table-names.js';

/** The resource-based policy APIs, answered by the sandbox itself (dynalite has none). */
export const RESOURCE_POLICY_ACTIONS = new Set(['PutResourcePolicy', 'GetResourcePolicy', 'DeleteResourcePolicy']);

/** PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy on a table, as DynamoDB answers them. */
export async function answerResourcePolicy(
  backend: DynamoDbBackend,
  action: string,
  body: Record<string, unknown>,
  caller: Caller,
): Promise<ServiceResponse> {
  const arn = body.ResourceArn;
  if (typeof arn !== 'string' || !isArn(arn))
    return jsonError(
      400,
      'ValidationException',
      `1 validation error detected: Value ${JSON.stringify(arn ?? null)} at 'resourceArn' failed to satisfy constraint: Member must be a table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>)`,
    );
  const table = backend.names.resolve(arn, caller);
  if ('code' in table) return jsonError(400, table.code, table.message);
  const refusal = await authorize(backend, action, body, table, caller);
  if (refusal) return refusal;
  if (!(await backend.tableKeys(table.internal)))
    return jsonError(400, 'ResourceNotFoundException', `Requested resource not found: Table: ${arn} not found`);
  const expected = typeof body.ExpectedRevisionId === 'string' ? body.ExpectedRevisionId : undefined;
  if (action === 'GetResourcePolicy') {
    const stored = backend.policies.get(table.arn);
    return stored
      ? jsonAnswer({ Policy: stored.text, RevisionId: stored.revisionId })
      : jsonError(
          400,
          'PolicyNotFoundException',
          `Resource-based policy not found for the provided ResourceArn: ${arn}`,
        );
  }
  if (action === 'DeleteResourcePolicy') {
    const deleted = backend.policies.delete(table.arn, expected);
    return 'code' in deleted
      ? jsonError(400, deleted.code, deleted.message)
      : jsonAnswer({ RevisionId: deleted.revisionId });
  }
  if (typeof body.Policy !== 'string')
    return jsonError(
      400,
      'ValidationException',
      "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null",
    );
  try {
    const stored = backend.policies.put(table.arn, body.Policy, expected);
    return 'code' in stored
      ? jsonError(400, stored.code, stored.message)
      : jsonAnswer({ RevisionId: stored.revisionId });
  } catch (error) {
    if (error instanceof IamPolicyError)
      return jsonError(400, 'ValidationException', `Invalid policy document: ${error.message}`);
    throw error;
  }
}
