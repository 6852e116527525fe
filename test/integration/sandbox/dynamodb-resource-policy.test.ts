import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CreateTableCommand,
  DeleteResourcePolicyCommand,
  DeleteTableCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-dynamodb';
import { AUDIT_TABLE, POLICIES_TABLE } from '../../../lambda/tables.js';
import { PlacedDynamoDb, hubArn, orgPolicy } from './dynamodb-harness.js';
import { rejection } from './helpers.js';

const AUDIT = AUDIT_TABLE.sandboxName;
const ARN = hubArn(AUDIT);
const POLICY = orgPolicy(AUDIT, ['dynamodb:GetItem']);

describe('DynamoDB resource-based policy APIs in the sandbox', () => {
  let ddb: PlacedDynamoDb;

  beforeAll(async () => {
    ddb = await PlacedDynamoDb.start();
  });

  afterAll(async () => {
    await ddb.stop();
  });

  beforeEach(() => {
    ddb.backend.policies.delete(ARN);
    ddb.backend.policies.delete(hubArn(POLICIES_TABLE.sandboxName));
  });

  it('puts, gets and deletes a table policy, with its revision', async () => {
    const hub = ddb.client('hub');

    const put = await hub.send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: POLICY }));
    const again = await hub.send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: POLICY }));
    const got = await hub.send(new GetResourcePolicyCommand({ ResourceArn: ARN }));
    const deleted = await hub.send(new DeleteResourcePolicyCommand({ ResourceArn: ARN }));
    const gone = await rejection(hub.send(new GetResourcePolicyCommand({ ResourceArn: ARN })));

    expect(put.RevisionId).toMatch(/^\d+$/);
    expect(again.RevisionId).toBe(put.RevisionId);
    expect(got).toMatchObject({ Policy: POLICY, RevisionId: put.RevisionId });
    expect(deleted.RevisionId).toBe(put.RevisionId);
    expect(gone.name).toBe('PolicyNotFoundException');
    expect(gone.message).toBe(`Resource-based policy not found for the provided ResourceArn: ${ARN}`);
  });

  it('checks ExpectedRevisionId, NO_POLICY included', async () => {
    const hub = ddb.client('hub');
    const first = await hub.send(
      new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: POLICY, ExpectedRevisionId: 'NO_POLICY' }),
    );
    const changed = orgPolicy(AUDIT, ['dynamodb:GetItem', 'dynamodb:PutItem']);

    const stale = await rejection(
      hub.send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: changed, ExpectedRevisionId: 'NO_POLICY' })),
    );
    const second = await hub.send(
      new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: changed, ExpectedRevisionId: first.RevisionId }),
    );
    const wrongDelete = await rejection(
      hub.send(new DeleteResourcePolicyCommand({ ResourceArn: ARN, ExpectedRevisionId: first.RevisionId })),
    );

    expect(stale.name).toBe('PolicyNotFoundException');
    expect(second.RevisionId).not.toBe(first.RevisionId);
    expect(wrongDelete.name).toBe('PolicyNotFoundException');
  });

  it('refuses a policy it cannot read, naming the field', async () => {
    const bad = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Resource: ARN }],
    });

    const error = await rejection(
      ddb.client('hub').send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: bad })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      'Invalid policy document: Statement[0] must have exactly one of Action and NotAction; it has neither',
    );
  });

  it('answers ResourceNotFoundException for a table that does not exist', async () => {
    const missing = hubArn('no-such-table');

    const error = await rejection(
      ddb.client('hub').send(new PutResourcePolicyCommand({ ResourceArn: missing, Policy: POLICY })),
    );

    expect(error.name).toBe('ResourceNotFoundException');
  });

  it("refuses another account's PutResourcePolicy unless the table's policy allows it", async () => {
    const error = await rejection(
      ddb.client('spoke').send(new PutResourcePolicyCommand({ ResourceArn: ARN, Policy: POLICY })),
    );

    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('dynamodb:PutResourcePolicy');
  });

  it('deletes the policy with its table', async () => {
    const name = 'cvpn-guard-scratch';
    const hub = ddb.client('hub');
    await hub.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await hub.send(
      new PutResourcePolicyCommand({ ResourceArn: hubArn(name), Policy: orgPolicy(name, ['dynamodb:GetItem']) }),
    );

    const before = ddb.backend.policies.get(hubArn(name));

    await hub.send(new DeleteTableCommand({ TableName: name }));

    expect(before).toBeDefined();
    expect(ddb.backend.policies.get(hubArn(name))).toBeUndefined();
  });
});
