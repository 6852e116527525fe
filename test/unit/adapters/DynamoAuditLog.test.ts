import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoAuditLog } from '../../../lambda/adapters/DynamoAuditLog.js';
import { createDocumentClient } from '../../../lambda/clients.js';
import type { AuditCompletion, AuditConfirmation } from '../../../lambda/ports/index.js';
import { AUDIT_COMPLETION_ATTRIBUTES } from '../../../lambda/tables.js';

const TABLE = 'cvpn-guard-audit';
const KEY = {
  runId: 'run-2026-11-26T10:00:00Z',
  endpointId: 'cvpn-endpoint-0aaaaaaaaaaaaaaa1',
  connectionId: 'cvpn-connection-1',
};
const documentsMock = mockClient(DynamoDBDocumentClient);

/** Every completion and confirmation field set, so that every attribute the adapter can write is written. */
const COMPLETIONS: readonly AuditCompletion[] = [
  {
    outcome: 'terminated',
    calledBy: 'username',
    reason: 'user mallory is revoked (policy revoke-mallory)',
    previousStatus: 'active',
    currentStatus: 'terminating',
    requestId: 'req-1',
    completedAt: '2026-11-26T10:00:01.000Z',
    awaitingConfirmation: true,
  },
  {
    outcome: 'failed',
    calledBy: 'connection-id',
    requestId: 'req-2',
    errorCode: 'InvalidClientVpnConnection.IdNotFound',
    errorMessage: 'no such connection',
    completedAt: '2026-11-26T10:00:02.000Z',
  },
];
const CONFIRMATIONS: readonly AuditConfirmation[] = [
  { outcome: 'terminated', currentStatus: 'not-listed', confirmedAt: '2026-11-26T10:05:00.000Z' },
  {
    outcome: 'failed',
    currentStatus: 'failed-to-terminate',
    errorCode: 'failed-to-terminate',
    errorMessage: 'still up',
    confirmedAt: '2026-11-26T10:05:00.000Z',
  },
];

/** The attribute names an update expression or condition names directly (not through `#name` placeholders). */
function namesIn(expression: string | undefined): string[] {
  const withoutValues = (expression ?? '').replace(/:[A-Za-z0-9_]+/g, ' ').replace(/#[A-Za-z0-9_]+/g, ' ');
  const words = withoutValues.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const keywords = new Set([
    'SET',
    'REMOVE',
    'ADD',
    'DELETE',
    'AND',
    'OR',
    'NOT',
    'attribute_exists',
    'attribute_not_exists',
  ]);
  return words.filter((word) => !keywords.has(word));
}

function sentUpdates(): UpdateCommandInput[] {
  return documentsMock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
}

describe('DynamoAuditLog updates', () => {
  let log: DynamoAuditLog;
  beforeEach(() => {
    documentsMock.reset();
    documentsMock.on(UpdateCommand).resolves({});
    log = new DynamoAuditLog(createDocumentClient(new DynamoDBClient({ region: 'eu-west-1' })), TABLE, 90);
  });

  it('names in every complete() and confirm() only attributes of AUDIT_COMPLETION_ATTRIBUTES', async () => {
    // Act
    for (const completion of COMPLETIONS) await log.complete(KEY, completion);
    for (const confirmation of CONFIRMATIONS) await log.confirm(KEY, confirmation);

    // Assert
    const updates = sentUpdates();
    expect(updates).toHaveLength(COMPLETIONS.length + CONFIRMATIONS.length);
    const allowed: readonly string[] = AUDIT_COMPLETION_ATTRIBUTES;
    const named = updates.flatMap((update) => [
      ...Object.values(update.ExpressionAttributeNames ?? {}),
      ...namesIn(update.UpdateExpression),
      ...namesIn(update.ConditionExpression),
      ...Object.keys(update.Key ?? {}),
    ]);
    expect(named.filter((name) => !allowed.includes(name))).toEqual([]);
    // Every field given was written: nothing was dropped to pass the check.
    expect(new Set(named)).toEqual(
      new Set([
        'pk',
        'sk',
        'outcome',
        'calledBy',
        'reason',
        'previousStatus',
        'currentStatus',
        'requestId',
        'errorCode',
        'errorMessage',
        'completedAt',
        'confirmedAt',
        'pendingKey',
      ]),
    );
  });

  it('writes confirmedAt on a confirmation and leaves completedAt as the call left it', async () => {
    // Act
    await log.confirm(KEY, CONFIRMATIONS[0]!);

    // Assert
    const [update] = sentUpdates();
    const written = Object.values(update?.ExpressionAttributeNames ?? {});
    expect(written).toContain('confirmedAt');
    expect(written).not.toContain('completedAt');
  });

  it('refuses to send an attribute a completion may not write, naming it and the list', async () => {
    // Arrange: a field outside the list, as a caller that bypassed the types would send it.
    const completion = { ...COMPLETIONS[1]!, policyId: 'other' } as unknown as AuditCompletion;

    // Act and assert
    await expect(log.complete(KEY, completion)).rejects.toThrow(
      /policyId may not be written by a completion or confirmation; the attributes allowed are pk, sk, outcome/,
    );
    expect(sentUpdates()).toEqual([]);
  });
});
