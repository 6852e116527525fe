import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoSpokeDirectory, spokeHeartbeatPk } from '../../../lambda/adapters/DynamoSpokeDirectory.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import type { SpokeEntry } from '../../../lambda/ports/index.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const T0 = '2026-11-26T10:00:00.000Z';
const RETENTION_DAYS = 30;

function heartbeat(accountId: string, region: string, overrides: Partial<SpokeEntry> = {}): SpokeEntry {
  return {
    accountId,
    region,
    at: T0,
    runId: `${accountId}.${region}/run-2026-11-26T10:00:00Z`,
    status: 'completed',
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:cvpn-guard-enforcer`,
    ...overrides,
  };
}

describe('DynamoSpokeDirectory against the sandbox', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let directory: DynamoSpokeDirectory;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: T0, frozen: true } });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    directory = new DynamoSpokeDirectory(clients.documents, sandbox.tables.audit, RETENTION_DAYS);
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  it('lists no spoke before any announced itself', async () => {
    expect(await directory.list()).toEqual([]);
  });

  it('stores one heartbeat item per spoke, keyed by placement, expiring with the audit retention', async () => {
    // Arrange
    const entry = heartbeat('111111111111', 'eu-west-1', {
      gateFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:AWSClientVPN-cvpn-guard',
      stateTable: 'cvpn-guard-state',
    });

    // Act
    await directory.announce(entry);

    // Assert
    const stored = await clients.documents.send(
      new GetCommand({ TableName: sandbox.tables.audit, Key: { pk: spokeHeartbeatPk(entry), sk: 'HEARTBEAT' } }),
    );
    expect(stored.Item).toEqual({
      ...entry,
      pk: 'SPOKE#111111111111.eu-west-1',
      sk: 'HEARTBEAT',
      timeKey: 'SPOKES',
      ttl: Date.parse(T0) / 1000 + RETENTION_DAYS * 86_400,
    });
    expect(await directory.list()).toEqual([entry]);
  });

  it("overwrites a spoke's entry with its latest run, and lists every spoke by account then Region", async () => {
    // Arrange
    await directory.announce(heartbeat('222222222222', 'us-east-1'));
    await directory.announce(heartbeat('111111111111', 'us-east-1'));
    await directory.announce(heartbeat('111111111111', 'eu-west-1'));
    const later = heartbeat('222222222222', 'us-east-1', {
      at: '2026-11-26T10:05:00.000Z',
      runId: '222222222222.us-east-1/run-2026-11-26T10:05:00Z',
      status: 'partial',
    });

    // Act
    await directory.announce(later);
    const spokes = await directory.list();

    // Assert
    expect(spokes.map((spoke) => `${spoke.accountId}/${spoke.region}`)).toEqual([
      '111111111111/eu-west-1',
      '111111111111/us-east-1',
      '222222222222/us-east-1',
    ]);
    expect(spokes[2]).toEqual(later);
  });

  it('lists every page of a directory larger than one page', async () => {
    // Arrange: 1 MB pages; each heartbeat padded to ~20 KB makes well over one page.
    const padding = 'x'.repeat(20_000);
    const accounts = Array.from({ length: 60 }, (_, i) => String(100000000000 + i));
    for (const accountId of accounts)
      await directory.announce(heartbeat(accountId, 'eu-west-1', { stateTable: padding }));

    const firstPage = await clients.documents.send(
      new QueryCommand({
        TableName: sandbox.tables.audit,
        IndexName: 'byTime',
        KeyConditionExpression: 'timeKey = :spokes',
        ExpressionAttributeValues: { ':spokes': 'SPOKES' },
      }),
    );

    // Act
    const spokes = await directory.list();

    // Assert
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(spokes.map((spoke) => spoke.accountId)).toEqual(accounts);
  });
});
