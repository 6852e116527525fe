import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AuditIndex, TABLES } from '../../../lambda/tables.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { T0, startTestSandbox } from './helpers.js';

describe('DynamoDB in the sandbox (dynalite behind the edge)', () => {
  let sandbox: Sandbox;
  let dynamodb: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    dynamodb = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
    documents = DynamoDBDocumentClient.from(dynamodb);
  });

  afterAll(async () => {
    dynamodb.destroy();
    await sandbox.stop();
  });

  it('creates every table of lambda/tables.ts with its keys and indexes', async () => {
    const names = (await dynamodb.send(new ListTablesCommand({}))).TableNames;
    expect(names).toEqual(TABLES.map((table) => table.sandboxName).sort());

    for (const table of TABLES) {
      const description = (await dynamodb.send(new DescribeTableCommand({ TableName: table.sandboxName }))).Table;
      const keys: { AttributeName: string; KeyType: string }[] = [
        { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      ];
      if ('sortKey' in table) keys.push({ AttributeName: table.sortKey.name, KeyType: 'RANGE' });
      expect(description?.TableStatus).toBe('ACTIVE');
      expect(description?.KeySchema).toEqual(keys);
      expect((description?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(
        table.indexes.map((index) => index.indexName).sort(),
      );
      for (const index of description?.GlobalSecondaryIndexes ?? [])
        expect(index.Projection?.ProjectionType).toBe('ALL');
    }
  });

  it('seeds the scenario policy rows as they are written', async () => {
    const rows = await documents.send(new ScanCommand({ TableName: sandbox.tables.policies }));

    expect(rows.Items).toEqual([
      { policyId: 'p-idle', kind: 'idle', mode: 'observe', endpoints: ['*'], idleMinutes: 30, reason: 'test' },
    ]);
  });

  it('serves lib-dynamodb reads, writes and a query on an audit index, newest first', async () => {
    const put = (sk: string, at: string) =>
      documents.send(
        new PutCommand({
          TableName: sandbox.tables.audit,
          Item: { pk: 'RUN#r1', sk, at, identityKey: 'alice', outcome: 'terminated' },
        }),
      );
    await put('DECISION#a', '2026-11-26T10:00:00.000Z');
    await put('DECISION#b', '2026-11-26T10:05:00.000Z');

    const item = await documents.send(
      new GetCommand({ TableName: sandbox.tables.audit, Key: { pk: 'RUN#r1', sk: 'DECISION#a' } }),
    );
    const byIdentity = await documents.send(
      new QueryCommand({
        TableName: sandbox.tables.audit,
        IndexName: AuditIndex.BY_IDENTITY,
        KeyConditionExpression: 'identityKey = :who',
        ExpressionAttributeValues: { ':who': 'alice' },
        ScanIndexForward: false,
      }),
    );

    expect(item.Item?.outcome).toBe('terminated');
    expect(byIdentity.Items?.map((i) => i.sk)).toEqual(['DECISION#b', 'DECISION#a']);
  });

  it('answers conditional-write failures as DynamoDB does', async () => {
    const lease = {
      TableName: sandbox.tables.state,
      Item: { pk: 'LEASE', sk: 'enforcement', holder: 'run-1' },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    await documents.send(new PutCommand(lease));

    await expect(documents.send(new PutCommand(lease))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
  });

  it('keeps the tables on disk with a data dir, across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cvpn-guard-sandbox-'));
    try {
      const first = await startSandbox({ dataDir, clock: { start: T0 } });
      const firstClient = DynamoDBDocumentClient.from(new DynamoDBClient({ ...first.clientConfig(), maxAttempts: 1 }));
      await firstClient.send(
        new PutCommand({ TableName: first.tables.policies, Item: { policyId: 'kept', kind: 'idle' } }),
      );
      firstClient.destroy();
      await first.stop();

      const second = await startSandbox({ dataDir, clock: { start: T0 } });
      const secondClient = DynamoDBDocumentClient.from(
        new DynamoDBClient({ ...second.clientConfig(), maxAttempts: 1 }),
      );
      const kept = await secondClient.send(
        new GetCommand({ TableName: second.tables.policies, Key: { policyId: 'kept' } }),
      );
      secondClient.destroy();
      await second.stop();

      expect(kept.Item).toEqual({ policyId: 'kept', kind: 'idle' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a data dir another sandbox holds, naming it, and frees it on stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cvpn-guard-sandbox-'));
    try {
      const holder = await startSandbox({ dataDir, clock: { start: T0 } });
      await expect(startSandbox({ dataDir, clock: { start: T0 } })).rejects.toThrow(
        `data dir ${dataDir} is in use by another sandbox`,
      );
      await holder.stop();

      const next = await startSandbox({ dataDir, clock: { start: T0 } });
      await next.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('empties the tables and seeds them again on reset', async () => {
    await documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: { policyId: 'extra' } }));

    await sandbox.reset();

    const rows = await documents.send(new ScanCommand({ TableName: sandbox.tables.policies }));
    const audit = await documents.send(new ScanCommand({ TableName: sandbox.tables.audit }));
    expect(rows.Items?.map((row) => row.policyId)).toEqual(['p-idle']);
    expect(audit.Items).toEqual([]);
  });
});
