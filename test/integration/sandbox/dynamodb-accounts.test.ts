import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeTableCommand, ListTablesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AUDIT_TABLE, AuditIndex, POLICIES_TABLE, STATE_TABLE } from '../../../lambda/tables.js';
import { CALLERS, HUB, ORG, PlacedDynamoDb, REGION, SPOKE, hubArn, orgPolicy } from './dynamodb-harness.js';
import { rejection } from './helpers.js';

const POLICIES = POLICIES_TABLE.sandboxName;
const AUDIT = AUDIT_TABLE.sandboxName;
const STATE = STATE_TABLE.sandboxName;
const READ_WRITE = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'];

describe('DynamoDB across accounts (tables per placement, ARNs, resource-based policies)', () => {
  let ddb: PlacedDynamoDb;

  beforeAll(async () => {
    ddb = await PlacedDynamoDb.start();
  });

  afterAll(async () => {
    await ddb.stop();
  });

  beforeEach(async () => {
    await ddb.reset();
  });

  async function attach(table: string, policy: string): Promise<void> {
    await ddb.client('hub').send(new PutResourcePolicyCommand({ ResourceArn: hubArn(table), Policy: policy }));
  }

  it('lets an org spoke role write and read a hub table by ARN when its policy allows it', async () => {
    await attach(AUDIT, orgPolicy(AUDIT, READ_WRITE));
    const item = { pk: 'SPOKE#222222222222', sk: 'us-east-1', at: '2026-11-26T10:00:00Z' };

    await ddb.documents('spoke').send(new PutCommand({ TableName: hubArn(AUDIT), Item: item }));
    const read = await ddb
      .documents('spoke')
      .send(new GetCommand({ TableName: hubArn(AUDIT), Key: { pk: item.pk, sk: item.sk } }));
    const atHub = await ddb
      .documents('hub')
      .send(new GetCommand({ TableName: AUDIT, Key: { pk: item.pk, sk: item.sk } }));

    expect(read.Item).toEqual(item);
    expect(atHub.Item).toEqual(item);
  });

  it('refuses another account by ARN when the table has no policy, naming principal, action and resource', async () => {
    const error = await rejection(
      ddb.documents('spoke').send(new GetCommand({ TableName: hubArn(STATE), Key: { pk: 'LEASE', sk: 'x' } })),
    );

    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      `User: ${CALLERS.spoke?.principalArn} is not authorized to perform: dynamodb:GetItem on resource: ${hubArn(STATE)} because no resource-based policy allows the dynamodb:GetItem action`,
    );
  });

  it('refuses the same role name from an account outside the organization', async () => {
    await attach(AUDIT, orgPolicy(AUDIT, READ_WRITE));

    const error = await rejection(
      ddb.documents('outsider').send(new PutCommand({ TableName: hubArn(AUDIT), Item: { pk: 'x', sk: 'y' } })),
    );

    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('because no resource-based policy allows the dynamodb:PutItem action');
  });

  it('refuses an org role the policy does not name (the gate role on an enforcer-only policy)', async () => {
    await attach(AUDIT, orgPolicy(AUDIT, READ_WRITE));

    const error = await rejection(
      ddb.documents('gate').send(new PutCommand({ TableName: hubArn(AUDIT), Item: { pk: 'x', sk: 'y' } })),
    );

    expect(error.name).toBe('AccessDeniedException');
  });

  it('refuses a partition key outside dynamodb:LeadingKeys and allows one inside', async () => {
    const leading = {
      Sid: 'OwnRowsOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'dynamodb:PutItem',
      Resource: hubArn(AUDIT),
      Condition: {
        'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['SPOKE#${aws:PrincipalAccount}'] },
        StringNotEquals: { 'aws:PrincipalAccount': HUB },
      },
    };
    await attach(AUDIT, orgPolicy(AUDIT, READ_WRITE, leading));
    const put = (pk: string) =>
      ddb.documents('spoke').send(new PutCommand({ TableName: hubArn(AUDIT), Item: { pk, sk: 'us-east-1' } }));

    await put(`SPOKE#${SPOKE}`);
    const error = await rejection(put('SPOKE#999999999999'));

    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('with an explicit deny in a resource-based policy');
  });

  it('refuses an ARN in another Region than the request, as DynamoDB does', async () => {
    await attach(AUDIT, orgPolicy(AUDIT, READ_WRITE));
    const other = hubArn(AUDIT, 'eu-west-1');

    const error = await rejection(
      ddb.documents('spoke').send(new GetCommand({ TableName: other, Key: { pk: 'a', sk: 'b' } })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(`1 validation error detected: Invalid AWS region in '${other}'`);
  });

  it('never crosses accounts by plain name: a spoke writes its own placement table', async () => {
    await attach(POLICIES, orgPolicy(POLICIES, READ_WRITE));

    await ddb.documents('spoke').send(new PutCommand({ TableName: POLICIES, Item: { policyId: 'p-spoke' } }));
    const atSpoke = await ddb.backend.getItem(
      POLICIES,
      { policyId: { S: 'p-spoke' } },
      { accountId: SPOKE, region: REGION },
    );
    const atHub = await ddb.backend.getItem(
      POLICIES,
      { policyId: { S: 'p-spoke' } },
      { accountId: HUB, region: REGION },
    );
    const atDefault = await ddb.backend.getItem(POLICIES, { policyId: { S: 'p-spoke' } });

    expect(atSpoke).toEqual({ policyId: { S: 'p-spoke' } });
    expect(atHub).toBeUndefined();
    expect(atDefault).toBeUndefined();
  });

  it("applies a policy's Deny to the table's own account too", async () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 'dynamodb:UpdateItem', Resource: hubArn(POLICIES) };
    await attach(POLICIES, orgPolicy(POLICIES, READ_WRITE, deny));

    const error = await rejection(
      ddb.documents('hub').send(
        new UpdateCommand({
          TableName: POLICIES,
          Key: { policyId: 'p-1' },
          UpdateExpression: 'SET #m = :m',
          ExpressionAttributeNames: { '#m': 'mode' },
          ExpressionAttributeValues: { ':m': 'enforce' },
        }),
      ),
    );

    expect(error.message).toBe(
      `User: ${CALLERS.hub?.principalArn} is not authorized to perform: dynamodb:UpdateItem on resource: ${hubArn(POLICIES)} with an explicit deny in a resource-based policy`,
    );
  });

  it('judges dynamodb:Attributes from an UpdateExpression', async () => {
    const onlyMode = {
      Effect: 'Deny',
      Principal: '*',
      Action: 'dynamodb:UpdateItem',
      Resource: hubArn(POLICIES),
      Condition: { 'ForAnyValue:StringNotEquals': { 'dynamodb:Attributes': ['policyId', 'mode'] } },
    };
    await attach(POLICIES, orgPolicy(POLICIES, READ_WRITE, onlyMode));
    const update = (name: string) =>
      ddb.documents('spoke').send(
        new UpdateCommand({
          TableName: hubArn(POLICIES),
          Key: { policyId: 'p-1' },
          UpdateExpression: 'SET #a = :v',
          ExpressionAttributeNames: { '#a': name },
          ExpressionAttributeValues: { ':v': 'x' },
        }),
      );

    await update('mode');
    const error = await rejection(update('reason'));

    expect(error.message).toContain('with an explicit deny');
  });

  it('judges dynamodb:ReturnValues from the request, absent when it sets none', async () => {
    const quiet = {
      Effect: 'Allow',
      Principal: '*',
      Action: 'dynamodb:UpdateItem',
      Resource: hubArn(POLICIES),
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
      },
    };
    await attach(POLICIES, JSON.stringify({ Version: '2012-10-17', Statement: [quiet] }));
    const update = (returnValues?: 'NONE' | 'ALL_NEW') =>
      ddb.documents('spoke').send(
        new UpdateCommand({
          TableName: hubArn(POLICIES),
          Key: { policyId: 'p-1' },
          UpdateExpression: 'SET #m = :m',
          ExpressionAttributeNames: { '#m': 'mode' },
          ExpressionAttributeValues: { ':m': 'enforce' },
          ...(returnValues === undefined ? {} : { ReturnValues: returnValues }),
        }),
      );

    await update();
    await update('NONE');
    const error = await rejection(update('ALL_NEW'));

    expect(error.message).toContain('because no resource-based policy allows the dynamodb:UpdateItem action');
  });

  it('refuses what it cannot judge, saying so', async () => {
    const vpce = {
      Effect: 'Allow',
      Principal: '*',
      Action: 'dynamodb:GetItem',
      Resource: hubArn(STATE),
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
    };
    await attach(STATE, JSON.stringify({ Version: '2012-10-17', Statement: [vpce] }));

    const error = await rejection(
      ddb.documents('spoke').send(new GetCommand({ TableName: hubArn(STATE), Key: { pk: 'a', sk: 'b' } })),
    );

    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(
      'because the sandbox cannot judge the resource-based policy: the condition key aws:SourceVpce is not emulated by the sandbox',
    );
  });

  it('needs the index ARN in the policy for a Query on an index', async () => {
    const tableOnly = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: SPOKE }, Action: 'dynamodb:Query', Resource: hubArn(AUDIT) }],
    });
    const query = () =>
      ddb.documents('spoke').send(
        new QueryCommand({
          TableName: hubArn(AUDIT),
          IndexName: AuditIndex.BY_ACCOUNT,
          KeyConditionExpression: 'accountId = :a',
          ExpressionAttributeValues: { ':a': SPOKE },
        }),
      );
    await attach(AUDIT, tableOnly);
    const error = await rejection(query());
    await attach(AUDIT, orgPolicy(AUDIT, READ_WRITE));
    await ddb
      .documents('hub')
      .send(new PutCommand({ TableName: AUDIT, Item: { pk: 'RUN#1', sk: 'S', accountId: SPOKE, at: 'T1' } }));

    const answer = await query();

    expect(error.message).toContain(`dynamodb:Query on resource: ${hubArn(AUDIT)}/index/${AuditIndex.BY_ACCOUNT}`);
    expect(answer.Items).toEqual([{ pk: 'RUN#1', sk: 'S', accountId: SPOKE, at: 'T1' }]);
  });

  it('keys batch requests and answers by the ARN as written', async () => {
    await attach(AUDIT, orgPolicy(AUDIT, [...READ_WRITE, 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem']));
    const arn = hubArn(AUDIT);

    const written = await ddb
      .documents('spoke')
      .send(new BatchWriteCommand({ RequestItems: { [arn]: [{ PutRequest: { Item: { pk: 'b', sk: '1' } } }] } }));
    const read = await ddb.documents('spoke').send(
      new BatchGetCommand({
        RequestItems: { [arn]: { Keys: [{ pk: 'b', sk: '1' }], ProjectionExpression: 'pk, sk' } },
      }),
    );

    expect(written.UnprocessedItems).toEqual({});
    expect(read.Responses).toEqual({ [arn]: [{ pk: 'b', sk: '1' }] });
  });

  it('describes a table in its own account and Region, named as written', async () => {
    await attach(AUDIT, orgPolicy(AUDIT, [...READ_WRITE, 'dynamodb:DescribeTable']));

    const byArn = (await ddb.client('spoke').send(new DescribeTableCommand({ TableName: hubArn(AUDIT) }))).Table;
    const byName = (await ddb.client('hub').send(new DescribeTableCommand({ TableName: AUDIT }))).Table;

    expect(byArn?.TableName).toBe(hubArn(AUDIT));
    expect(byArn?.TableArn).toBe(hubArn(AUDIT));
    expect(byName?.TableName).toBe(AUDIT);
    expect(byName?.TableArn).toBe(hubArn(AUDIT));
    expect(byName?.GlobalSecondaryIndexes?.map((index) => index.IndexArn)).toContain(
      `${hubArn(AUDIT)}/index/${AuditIndex.BY_ACCOUNT}`,
    );
  });

  it('names a missing table as the request did', async () => {
    const error = await rejection(ddb.documents('hub').send(new GetCommand({ TableName: 'nope', Key: { pk: 'a' } })));

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).not.toContain(HUB);
  });

  it("lists only the caller's placement's tables, by their own names", async () => {
    const spoke = (await ddb.client('spoke').send(new ListTablesCommand({}))).TableNames;
    const own = (await ddb.client('test').send(new ListTablesCommand({}))).TableNames;

    expect(spoke).toEqual([AUDIT, POLICIES, STATE]);
    expect(own).toEqual([AUDIT, POLICIES, STATE]);
  });

  it("records the hub's policies-table writes on the hub's stream, with the hub's ARN, and no one else's", async () => {
    await attach(POLICIES, orgPolicy(POLICIES, READ_WRITE));
    const before = ddb.hubStream.list().length;

    await ddb.documents('hub').send(new PutCommand({ TableName: POLICIES, Item: { policyId: 'p-hub' } }));
    await ddb.documents('spoke').send(new PutCommand({ TableName: POLICIES, Item: { policyId: 'p-own' } }));
    await ddb.documents('test').send(new PutCommand({ TableName: POLICIES, Item: { policyId: 'p-default' } }));
    await ddb.documents('spoke').send(new PutCommand({ TableName: hubArn(POLICIES), Item: { policyId: 'p-relayed' } }));

    const records = ddb.hubStream.list().slice(before);
    expect(records.map((entry) => entry.record.dynamodb?.Keys?.policyId?.S)).toEqual(['p-hub', 'p-relayed']);
    expect(ddb.hubStream.arn.startsWith(`${hubArn(POLICIES)}/stream/`)).toBe(true);
  });

  it('seeds and reads items in a placement through the admin helpers', async () => {
    const hub = { accountId: HUB, region: REGION };

    await ddb.backend.putItems(POLICIES, [{ policyId: 'p-seeded', mode: 'observe' }], hub);
    const read = await ddb
      .documents('hub')
      .send(new GetCommand({ TableName: POLICIES, Key: { policyId: 'p-seeded' } }));
    const elsewhere = await ddb
      .documents('test')
      .send(new GetCommand({ TableName: POLICIES, Key: { policyId: 'p-seeded' } }));

    expect(read.Item).toEqual({ policyId: 'p-seeded', mode: 'observe' });
    expect(elsewhere.Item).toBeUndefined();
  });
});
