import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
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

describe('DynamoAuditLog with a placement', () => {
  const HUB_AUDIT = 'arn:aws:dynamodb:eu-west-1:111122223333:table/cvpn-guard-audit';
  const HERE = { accountId: '222233334444', region: 'eu-central-1' };
  const decision = {
    recordType: 'decision',
    runId: '222233334444.eu-central-1/run-2026-11-26T10:00:00Z',
    at: '2026-11-26T10:00:00.000Z',
    policyId: 'offboarded',
    firedPolicies: ['offboarded (revoked-user, enforce)'],
    reason: 'user mallory is revoked',
    policyKind: 'revoked-user',
    mode: 'enforce',
    endpointId: KEY.endpointId,
    connectionId: KEY.connectionId,
    outcome: 'terminated',
  } as const;
  let log: DynamoAuditLog;
  beforeEach(() => {
    documentsMock.reset();
    documentsMock.on(PutCommand).resolves({});
    log = new DynamoAuditLog(createDocumentClient(new DynamoDBClient({ region: 'eu-west-1' })), HUB_AUDIT, 90, HERE);
  });

  it('writes every record, intent and summary with its account and Region, to the hub table by ARN', async () => {
    // Act
    await log.record(decision);
    await log.intend({ ...decision, connectionId: 'cvpn-connection-2' });
    await log.record({
      recordType: 'admission',
      outcome: 'refused',
      runId: '222233334444.eu-central-1/gate-2026-11-26',
      at: '2026-11-26T10:00:00.000Z',
      endpointId: KEY.endpointId,
      connectionId: 'cvpn-connection-3',
      firedPolicies: [],
      reason: 'revoked',
    });
    await log.putSummary({
      recordType: 'summary',
      runId: decision.runId,
      at: decision.at,
      finishedAt: decision.at,
      durationMs: 1,
      status: 'completed',
      dryRun: false,
      endpoints: 1,
      endpointErrors: [],
      connectionsSeen: 1,
      counts: {},
      invalidPolicies: 0,
      terminateCalls: 0,
      throttledCalls: 0,
      reconciled: 0,
    });

    // Assert
    const puts = documentsMock.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(4);
    for (const put of puts) {
      expect(put.TableName).toBe(HUB_AUDIT);
      expect(put.Item).toMatchObject({ accountId: HERE.accountId, region: HERE.region, at: decision.at });
    }
  });

  it('lists only the pending and unconfirmed records of its own placement (or of none)', async () => {
    // Arrange: the hub's pending index holds records of this spoke, another spoke and a single deployment.
    const item = (connectionId: string, outcome: string, placement: Record<string, string>) => ({
      ...decision,
      ...placement,
      connectionId,
      outcome,
      pk: `RUN#${decision.runId}`,
      sk: `DECISION#${KEY.endpointId}#${connectionId}`,
    });
    const other = { accountId: '999988887777', region: 'eu-central-1' };
    const otherRegion = { accountId: HERE.accountId, region: 'us-east-1' };
    documentsMock.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
      Items: ['pending', 'terminated'].flatMap((outcome) =>
        input.ExpressionAttributeValues?.[':value'] === (outcome === 'pending' ? 'PENDING' : 'UNCONFIRMED')
          ? [
              item(`own-${outcome}`, outcome, HERE),
              item(`other-${outcome}`, outcome, other),
              item(`region-${outcome}`, outcome, otherRegion),
              item(`none-${outcome}`, outcome, {}),
            ]
          : [],
      ),
    }));

    // Act
    const pending = await log.listPending();
    const unconfirmed = await log.listUnconfirmed();

    // Assert
    expect(pending.map((record) => record.connectionId)).toEqual(['own-pending', 'none-pending']);
    expect(unconfirmed.map((record) => record.connectionId)).toEqual(['own-terminated', 'none-terminated']);
  });
});
