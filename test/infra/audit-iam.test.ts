/**
 * The audit table as append-only as IAM can make it: an update by the enforcer's role may name the completion
 * attributes only (AUDIT_COMPLETION_ATTRIBUTES), in its expressions and key alike, and may not ask for the item
 * back. Asked of the IAM evaluator, with the attributes DynamoDB would put in `dynamodb:Attributes`.
 */
import { describe, expect, it } from '@jest/globals';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAuditLog } from '../../lambda/adapters/DynamoAuditLog.js';
import { Outcome } from '../../lambda/domain/constants.js';
import { AUDIT_COMPLETION_ATTRIBUTES } from '../../lambda/tables.js';
import { enforcerOf, updateItem } from './iam-evaluator.js';

/** What an UpdateItem request carries that DynamoDB authorizes by `dynamodb:Attributes` and `dynamodb:ReturnValues`. */
interface UpdateInput {
  readonly Key: Record<string, unknown>;
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ReturnValues?: string;
}

const EXPRESSION_WORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN']);

/**
 * The top-level attributes a request names: its key, and every attribute of its update and condition expressions
 * (placeholders resolved through ExpressionAttributeNames; values and function names are not attributes).
 */
function attributesNamed(input: UpdateInput): string[] {
  const names = input.ExpressionAttributeNames ?? {};
  const expressions = [input.UpdateExpression, input.ConditionExpression].filter(Boolean).join(' ');
  const tokens = expressions
    .replace(/:\w+/g, ' ')
    .replace(/\b[a-z_]+\s*\(/g, ' ')
    .match(/#\w+|[A-Za-z_]\w*/g);
  const attributes = (tokens ?? [])
    .filter((token) => !EXPRESSION_WORDS.has(token))
    .map((token) => {
      if (!token.startsWith('#')) return token;
      const name = names[token];
      if (name === undefined) throw new Error(`placeholder ${token} has no ExpressionAttributeNames entry`);
      return name;
    });
  return [...new Set([...Object.keys(input.Key), ...attributes])];
}

/** Every UpdateItem the audit adapter sends for the completions and confirmations a run makes. */
async function adapterUpdates(): Promise<UpdateInput[]> {
  const sent: UpdateInput[] = [];
  const documents = {
    send: async (command: { input: UpdateInput }) => {
      sent.push(command.input);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const audit = new DynamoAuditLog(documents, 'audit', 365);
  const key = {
    runId: 'run-2026-01-05T09:00:00Z',
    endpointId: 'cvpn-endpoint-0123',
    connectionId: 'cvpn-connection-1',
  };
  const completedAt = '2026-01-05T09:00:02.000Z';
  await audit.complete(key, {
    outcome: Outcome.TERMINATED,
    calledBy: 'connection-id',
    reason: 'revoked user',
    previousStatus: 'active',
    currentStatus: 'terminating',
    requestId: 'request-1',
    completedAt,
    awaitingConfirmation: true,
  });
  await audit.complete(key, {
    outcome: Outcome.FAILED,
    calledBy: 'username',
    errorCode: 'InvalidClientVpnConnection.IdNotFound',
    errorMessage: 'not found',
    completedAt,
  });
  await audit.confirm(key, { outcome: Outcome.TERMINATED, currentStatus: 'not-listed', confirmedAt: completedAt });
  await audit.confirm(key, {
    outcome: Outcome.FAILED,
    currentStatus: 'failed-to-terminate',
    errorCode: 'failed-to-terminate',
    errorMessage: 'EC2 could not end it',
    confirmedAt: completedAt,
  });
  return sent;
}

describe('Audit updates by the enforcer role', () => {
  const role = enforcerOf({});

  it('Compliance 1: an update naming only completion attributes is allowed, ReturnValues absent or NONE', () => {
    expect(role.can(updateItem(role.audit, [...AUDIT_COMPLETION_ATTRIBUTES]))).toBe(true);
    expect(role.can(updateItem(role.audit, ['pk', 'sk', 'outcome', 'completedAt'], 'NONE'))).toBe(true);
  });

  it('Compliance 2: every update the audit adapter sends for a completion or a confirmation is allowed', async () => {
    const updates = await adapterUpdates();

    expect(updates).toHaveLength(4);
    for (const update of updates) {
      expect([
        attributesNamed(update),
        role.can(updateItem(role.audit, attributesNamed(update), update.ReturnValues)),
      ]).toEqual([attributesNamed(update), true]);
    }
  });

  it.each(['ttl', 'policyId', 'identityKey', 'timeKey', 'at', 'firedPolicies', 'recordType', 'username'])(
    'Noncompliance 1: an update naming %s is denied, even beside completion attributes only',
    (attribute) => {
      expect(role.can(updateItem(role.audit, ['pk', 'sk', 'outcome', 'completedAt', attribute]))).toBe(false);
    },
  );

  it.each(['ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW'])(
    'Noncompliance 2: an update asking ReturnValues %s is denied',
    (returnValues) => {
      expect(role.can(updateItem(role.audit, ['pk', 'sk', 'outcome'], returnValues))).toBe(false);
    },
  );

  it('Noncompliance 3: the condition binds updates of the audit table only, not of the state table', () => {
    expect(role.can(updateItem(role.state, ['pk', 'sk', 'ttl', 'holder']))).toBe(true);
    expect(role.can(updateItem(role.audit, ['pk', 'sk', 'ttl']))).toBe(false);
  });

  it('Known gap: PutItem is not limited by attribute (IAM cannot require a new item), so it may name ttl', () => {
    expect(
      role.can({
        action: 'dynamodb:PutItem',
        resource: role.audit,
        context: { 'dynamodb:Attributes': ['pk', 'sk', 'ttl'] },
      }),
    ).toBe(true);
  });

  it('The parser reads what DynamoDB reads: placeholders resolved, values and functions left out', () => {
    expect(
      attributesNamed({
        Key: { pk: 'RUN#r', sk: 'DECISION#e#c' },
        UpdateExpression: 'SET #f0 = :v0, pendingKey = :unconfirmed REMOVE ttl',
        ConditionExpression: 'attribute_exists(#o) AND #o = :expected',
        ExpressionAttributeNames: { '#f0': 'outcome', '#o': 'currentStatus' },
      }),
    ).toEqual(['pk', 'sk', 'outcome', 'pendingKey', 'ttl', 'currentStatus']);
  });
});
