import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Sandbox } from '../../../local/index.js';
import { T0, raw, rejection, startTestSandbox } from './helpers.js';

describe('the policies table stream', () => {
  let sandbox: Sandbox;
  let dynamodb: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  const records = () => sandbox.policyStream.list().map((entry) => entry.record);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    dynamodb = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
    documents = DynamoDBDocumentClient.from(dynamodb);
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    dynamodb.destroy();
    await sandbox.stop();
  });

  const put = (item: Record<string, unknown>) =>
    documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: item }));

  it('records a new row as INSERT with its keys and new image, as DynamoDB Streams delivers it to Lambda', async () => {
    await put({ policyId: 'p-1', kind: 'revoked' });

    expect(records()).toEqual([
      {
        eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: Date.parse(T0) / 1000,
          Keys: { policyId: { S: 'p-1' } },
          NewImage: { policyId: { S: 'p-1' }, kind: { S: 'revoked' } },
          SequenceNumber: expect.stringMatching(/^\d{21}$/),
          // keys (policyId 8 + "p-1" 3) + new image (11 + kind 4 + "revoked" 7): DynamoDB's item size rules
          SizeBytes: 33,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: sandbox.policyStream.arn,
      },
    ]);
    expect(sandbox.policyStream.arn).toMatch(
      /^arn:aws:dynamodb:us-east-1:000000000000:table\/cvpn-guard-policies\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/,
    );
  });

  it('records a replacement and an update as MODIFY with both images, a delete as REMOVE, in order', async () => {
    await put({ policyId: 'p-1', kind: 'revoked', users: ['alice'] });
    await put({ policyId: 'p-1', kind: 'revoked', users: ['alice', 'bob'] });
    await documents.send(
      new UpdateCommand({
        TableName: sandbox.tables.policies,
        Key: { policyId: 'p-1' },
        UpdateExpression: 'SET #mode = :mode',
        ExpressionAttributeNames: { '#mode': 'mode' },
        ExpressionAttributeValues: { ':mode': 'enforce' },
      }),
    );
    await documents.send(new DeleteCommand({ TableName: sandbox.tables.policies, Key: { policyId: 'p-1' } }));

    const seen = records();
    expect(seen.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY', 'REMOVE']);
    expect(seen[1]?.dynamodb).toMatchObject({
      OldImage: { users: { L: [{ S: 'alice' }] } },
      NewImage: { users: { L: [{ S: 'alice' }, { S: 'bob' }] } },
    });
    expect(seen[2]?.dynamodb?.OldImage?.mode).toBeUndefined();
    expect(seen[2]?.dynamodb?.NewImage?.mode).toEqual({ S: 'enforce' });
    expect(seen[3]?.dynamodb).toMatchObject({ Keys: { policyId: { S: 'p-1' } }, OldImage: { kind: { S: 'revoked' } } });
    expect(seen[3]?.dynamodb?.NewImage).toBeUndefined();
    const sequence = seen.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
    expect(new Set(sequence).size).toBe(4);
  });

  it('records an UpdateItem that creates the row as INSERT', async () => {
    await documents.send(
      new UpdateCommand({
        TableName: sandbox.tables.policies,
        Key: { policyId: 'p-new' },
        UpdateExpression: 'SET kind = :kind',
        ExpressionAttributeValues: { ':kind': 'idle' },
      }),
    );

    expect(records().map((record) => [record.eventName, record.dynamodb?.NewImage])).toEqual([
      ['INSERT', { policyId: { S: 'p-new' }, kind: { S: 'idle' } }],
    ]);
  });

  it('records each item of a BatchWriteItem, in the order of its requests', async () => {
    await put({ policyId: 'p-old', kind: 'idle' });

    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [sandbox.tables.policies]: [
            { PutRequest: { Item: { policyId: 'p-a', kind: 'revoked' } } },
            { DeleteRequest: { Key: { policyId: 'p-old' } } },
            { PutRequest: { Item: { policyId: 'p-b', kind: 'revoked' } } },
          ],
          [sandbox.tables.state]: [{ PutRequest: { Item: { pk: 'x', sk: 'y' } } }],
        },
      }),
    );

    expect(records().map((record) => [record.eventName, record.dynamodb?.Keys?.policyId?.S])).toEqual([
      ['INSERT', 'p-old'],
      ['INSERT', 'p-a'],
      ['REMOVE', 'p-old'],
      ['INSERT', 'p-b'],
    ]);
  });

  it('records nothing for a write that changes nothing, a refused condition, a failed write or another table', async () => {
    await put({ policyId: 'p-1', kind: 'revoked', endpoints: new Set(['a', 'b']) });
    const before = records().length;

    await put({ policyId: 'p-1', kind: 'revoked', endpoints: new Set(['b', 'a']) });
    await documents.send(new DeleteCommand({ TableName: sandbox.tables.policies, Key: { policyId: 'p-none' } }));
    const refused = await rejection(
      documents.send(
        new PutCommand({
          TableName: sandbox.tables.policies,
          Item: { policyId: 'p-1', kind: 'idle' },
          ConditionExpression: 'attribute_not_exists(policyId)',
        }),
      ),
    );
    const invalid = await rejection(
      documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: { kind: 'no key' } })),
    );
    const wrongKeyType = await rejection(
      documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: { policyId: 7, kind: 'idle' } })),
    );
    await documents.send(new PutCommand({ TableName: sandbox.tables.state, Item: { pk: 'STATE', sk: 'x' } }));

    expect(refused.name).toBe('ConditionalCheckFailedException');
    expect(invalid.name).toBe('ValidationException');
    expect(wrongKeyType.name).toBe('ValidationException');
    expect(records()).toHaveLength(before);
  });

  it('records nothing for a write the edge failed with an injected fault', async () => {
    sandbox.faults.set([{ service: 'dynamodb', actions: ['PutItem'], kind: 'error', count: 1 }]);

    const failed = await rejection(put({ policyId: 'p-1', kind: 'revoked' }));

    expect(failed.name).toBe('InternalServerError');
    expect(records()).toEqual([]);
  });

  it('keeps records 24 hours of simulated time', async () => {
    await put({ policyId: 'p-1', kind: 'revoked' });
    sandbox.clock.advance('23h');
    await put({ policyId: 'p-2', kind: 'revoked' });

    sandbox.clock.advance('90m');

    expect(records().map((record) => record.dynamodb?.Keys?.policyId?.S)).toEqual(['p-2']);
  });

  it('serves the records on the admin API', async () => {
    await put({ policyId: 'p-1', kind: 'revoked' });

    const answer = await raw(sandbox, { method: 'GET', path: '/_sandbox/dynamodb/stream' });

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      streamArn: sandbox.policyStream.arn,
      tableName: sandbox.tables.policies,
      shardId: sandbox.policyStream.shardId,
      records: records(),
    });
  });
});
