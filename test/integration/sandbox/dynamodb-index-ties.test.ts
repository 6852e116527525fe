import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { AuditIndex } from '../../../lambda/tables.js';
import type { Sandbox } from '../../../local/index.js';
import { startTestSandbox } from './helpers.js';

const TIME_KEY = 'DAY#2026-11-26';
const AT = '2026-11-26T18:20:08.000Z';
const PK = 'RUN#schedule-us-east-1-20261126T182005';
/** Two sort keys of one run whose table keys share the six MD5 digits dynalite 4 told index entries apart by. */
const DECISION_SK = 'DECISION#cvpn-endpoint-00000000000000002#cvpn-connection-9924233d000094068';
const FINDING_SK = 'POLICY#off-hours-apac';

/** The six hex digits dynalite 4 ends an index entry's key with (its hashPrefix of the table key). */
function dynaliteDigits(pk: string, sk: string): string {
  return createHash('md5').update('Outliers').update(pk).update(sk).digest('hex').slice(0, 6);
}

describe('the sandbox DynamoDB keeps every item in an index when items tie on its keys', () => {
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

  /** Every `sk` of the index partition, paged by LastEvaluatedKey `limit` items at a time. */
  async function skOfPartition(timeKey: string, limit?: number, forward = true): Promise<string[]> {
    const found: string[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: sandbox.tables.audit,
          IndexName: AuditIndex.BY_TIME,
          KeyConditionExpression: 'timeKey = :t',
          ExpressionAttributeValues: { ':t': timeKey },
          ScanIndexForward: forward,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => item.sk as string));
      start = page.LastEvaluatedKey;
      if (start) expect(Object.keys(start).sort()).toEqual(['at', 'pk', 'sk', 'timeKey']);
    } while (start);
    return found;
  }

  it('lists two items whose table keys dynalite 4 hashed alike, written apart or in one batch', async () => {
    expect(dynaliteDigits(PK, DECISION_SK)).toBe(dynaliteDigits(PK, FINDING_SK));
    for (const sk of [DECISION_SK, FINDING_SK])
      await documents.send(
        new PutCommand({ TableName: sandbox.tables.audit, Item: { pk: PK, sk, timeKey: TIME_KEY, at: AT } }),
      );
    expect((await skOfPartition(TIME_KEY)).sort()).toEqual([DECISION_SK, FINDING_SK]);
    expect((await skOfPartition(TIME_KEY, 1)).sort()).toEqual([DECISION_SK, FINDING_SK]);

    const batchKey = 'DAY#2026-11-27';
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [sandbox.tables.audit]: [DECISION_SK, FINDING_SK].map((sk) => ({
            PutRequest: { Item: { pk: PK, sk, timeKey: batchKey, at: AT } },
          })),
        },
      }),
    );
    expect((await skOfPartition(batchKey)).sort()).toEqual([DECISION_SK, FINDING_SK]);
  });

  it('keeps the other item in the index when one of the two is deleted or moved', async () => {
    const timeKey = 'DAY#2026-11-28';
    for (const sk of [DECISION_SK, FINDING_SK])
      await documents.send(new PutCommand({ TableName: sandbox.tables.audit, Item: { pk: PK, sk, timeKey, at: AT } }));
    await documents.send(new DeleteCommand({ TableName: sandbox.tables.audit, Key: { pk: PK, sk: DECISION_SK } }));
    expect(await skOfPartition(timeKey)).toEqual([FINDING_SK]);

    await documents.send(
      new PutCommand({ TableName: sandbox.tables.audit, Item: { pk: PK, sk: DECISION_SK, timeKey, at: AT } }),
    );
    await documents.send(
      new PutCommand({
        TableName: sandbox.tables.audit,
        Item: { pk: PK, sk: FINDING_SK, timeKey, at: '2026-11-28T00:00:00.000Z' },
      }),
    );
    expect(await skOfPartition(timeKey)).toEqual([DECISION_SK, FINDING_SK]);
  });

  it('pages through items that tie on the sort key once each, in either direction', async () => {
    const timeKey = 'DAY#2026-11-29';
    const written = Array.from({ length: 40 }, (_, index) => `DECISION#e#c-${String(index).padStart(2, '0')}`);
    for (const [index, sk] of written.entries())
      await documents.send(
        new PutCommand({ TableName: sandbox.tables.audit, Item: { pk: `RUN#${index % 3}`, sk, timeKey, at: AT } }),
      );
    for (const forward of [true, false]) {
      const found = await skOfPartition(timeKey, 7, forward);
      expect(found).toHaveLength(written.length);
      expect([...found].sort()).toEqual(written);
    }
    const scanned: string[] = [];
    let start: ScanCommandInput['ExclusiveStartKey'];
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: sandbox.tables.audit,
          IndexName: AuditIndex.BY_TIME,
          Limit: 7,
          ExclusiveStartKey: start,
        }),
      );
      scanned.push(...(page.Items ?? []).filter((item) => item.timeKey === timeKey).map((item) => item.sk as string));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(scanned.sort()).toEqual(written);
  });
});
